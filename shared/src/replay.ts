import { z } from 'zod';
import { ZAmountMinor, ZCurrency } from './money.ts';
import { ZId } from './ids.ts';
import type { TShowEvent } from './show.ts';

/**
 * Replays: where each moment of a show is in its recording. A recording is a run of HLS
 * segments, each with its start on the server clock; a recorder that crashed leaves a gap
 * between two parts. Media time runs only through segments, so a moment in a gap is shown
 * at the start of the segment after it.
 */
export type TSegmentTime = { startedAt: number; durationMs: number };

/** The media offset (ms from the start of the playable recording) of a server time. */
export const mediaOffsetOf = (segments: readonly TSegmentTime[], at: number): number => {
  let media = 0;
  for (const s of segments) {
    if (at < s.startedAt) return media;
    if (at < s.startedAt + s.durationMs) return media + (at - s.startedAt);
    media += s.durationMs;
  }
  return media;
};

export const ZReplayChapter = z.object({
  entryId: ZId,
  title: z.string(),
  variantLabel: z.string(),
  photoUrl: z.string(),
  sellerName: z.string(),
  cohosted: z.boolean(),
  /** When it was featured, in ms of the recording; until the next item (or the end). */
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
  /** The last live price: what the replay sells it for. */
  priceMinor: ZAmountMinor,
  currency: ZCurrency,
  claimedLive: z.number().int().nonnegative(),
  /** Units a replay viewer can still buy now. */
  available: z.number().int().nonnegative(),
  /** The shipping a purchase of it from the replay pays (its seller's fee, capped): shown before Buy now charges. */
  shippingMinor: ZAmountMinor,
  /**
   * What of that shipping the platform pays if the purchase is its seller's first order (the
   * first-sale boost: the seller has no sale and no order holds the boost); 0 otherwise.
   */
  firstSaleBoostMinor: ZAmountMinor,
});
export type TReplayChapter = z.infer<typeof ZReplayChapter>;

export const ZReplayMoment = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chat'), offsetMs: z.number().int(), displayName: z.string(), text: z.string() }),
  z.object({ kind: z.literal('claim'), offsetMs: z.number().int(), entryId: ZId, displayName: z.string(), position: z.number().int() }),
  z.object({ kind: z.literal('price'), offsetMs: z.number().int(), entryId: ZId, priceMinor: ZAmountMinor }),
]);
export type TReplayMoment = z.infer<typeof ZReplayMoment>;

export const ZReplay = z.object({
  showId: ZId,
  title: z.string(),
  hostId: ZId,
  hostName: z.string(),
  recordingId: ZId,
  listed: z.boolean(),
  /** Server time of the recording's first frame, ms since the epoch. */
  startedAt: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  playlistUrl: z.string(),
  chapters: z.array(ZReplayChapter),
  moments: z.array(ZReplayMoment),
});
export type TReplay = z.infer<typeof ZReplay>;

export const ZReplayListedBody = z.strictObject({ listed: z.boolean() });
export const ZReplayBuyBody = z.strictObject({ attemptId: ZId });

type TEntryFacts = Omit<TReplayChapter, 'startMs' | 'endMs' | 'priceMinor' | 'claimedLive'> & { priceMinor: number };

/**
 * The replay timeline from a show's log: a chapter each time an item was featured (an
 * item featured twice has its first chapter), the claims, price changes and chat (less
 * deleted messages), all at their offsets in the recording.
 */
export const buildTimeline = (p: {
  events: readonly TShowEvent[];
  entries: readonly TEntryFacts[];
  segments: readonly TSegmentTime[];
}): { chapters: TReplayChapter[]; moments: TReplayMoment[]; durationMs: number } => {
  const durationMs = p.segments.reduce((sum, s) => sum + s.durationMs, 0);
  const at = (t: number) => mediaOffsetOf(p.segments, t);
  const byId = new Map(p.entries.map((e) => [e.entryId, e]));
  const price = new Map(p.entries.map((e) => [e.entryId, e.priceMinor]));
  const claimed = new Map<string, number>();
  const featured: { entryId: string; startMs: number }[] = [];
  const deleted = new Set(p.events.flatMap((e) => (e.type === 'chat.deleted' ? [e.messageId] : [])));
  const moments: TReplayMoment[] = [];
  for (const e of p.events) {
    if (e.type === 'entry.featured' && byId.has(e.entryId)) {
      if (featured.at(-1)?.entryId !== e.entryId) featured.push({ entryId: e.entryId, startMs: at(e.at) });
    } else if (e.type === 'entry.priceChanged') {
      price.set(e.entryId, e.priceMinor);
      moments.push({ kind: 'price', offsetMs: at(e.at), entryId: e.entryId, priceMinor: e.priceMinor });
    } else if (e.type === 'claim.created') {
      claimed.set(e.entryId, (claimed.get(e.entryId) ?? 0) + 1);
      moments.push({ kind: 'claim', offsetMs: at(e.at), entryId: e.entryId, displayName: e.displayName, position: e.position });
    } else if (e.type === 'claim.voided') {
      claimed.set(e.entryId, Math.max(0, (claimed.get(e.entryId) ?? 0) - 1));
    } else if (e.type === 'chat.sent' && !deleted.has(e.messageId)) {
      moments.push({ kind: 'chat', offsetMs: at(e.at), displayName: e.displayName, text: e.text });
    }
  }
  const seen = new Set<string>();
  const chapters: TReplayChapter[] = [];
  featured.forEach((f, i) => {
    if (seen.has(f.entryId)) return;
    seen.add(f.entryId);
    const facts = byId.get(f.entryId)!;
    chapters.push({
      ...facts,
      startMs: f.startMs,
      endMs: featured[i + 1]?.startMs ?? durationMs,
      priceMinor: price.get(f.entryId) ?? facts.priceMinor,
      claimedLive: claimed.get(f.entryId) ?? 0,
    });
  });
  return { chapters, moments, durationMs };
};

/** The chapter the playhead is in: the last featured before it. */
export const chapterAt = (chapters: readonly TReplayChapter[], ms: number): TReplayChapter | undefined => {
  let current: TReplayChapter | undefined;
  for (const c of [...chapters].sort((a, b) => a.startMs - b.startMs)) if (c.startMs <= ms) current = c;
  return current;
};
