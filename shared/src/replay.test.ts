import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTimeline, chapterAt, mediaOffsetOf, type TSegmentTime } from './replay.ts';
import type { TShowEvent } from './show.ts';

const T0 = 1_800_000_000_000;
const entry = (entryId: string, title: string) => ({
  entryId, title, variantLabel: 'M', photoUrl: '/p.svg', sellerName: 'S', cohosted: false,
  priceMinor: 1_000, currency: 'usd' as const, available: 1, shippingMinor: 500, firstSaleBoostMinor: 0,
});
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('media offsets of server times', () => {
  it('runs through segments and skips a recorder gap', () => {
    // Part 0: 0-4 s; the recorder was down 4-9 s; part 1: 9-13 s.
    const segments: TSegmentTime[] = [
      { startedAt: T0, durationMs: 2_000 }, { startedAt: T0 + 2_000, durationMs: 2_000 },
      { startedAt: T0 + 9_000, durationMs: 2_000 }, { startedAt: T0 + 11_000, durationMs: 2_000 },
    ];
    expect(mediaOffsetOf(segments, T0 - 500)).toBe(0);
    expect(mediaOffsetOf(segments, T0 + 3_000)).toBe(3_000);
    expect(mediaOffsetOf(segments, T0 + 6_000)).toBe(4_000); // in the gap: where the next part starts
    expect(mediaOffsetOf(segments, T0 + 10_000)).toBe(5_000);
    expect(mediaOffsetOf(segments, T0 + 60_000)).toBe(8_000);
  });

  it('never goes back in time and never passes the end', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.nat(5_000), durationMs: fc.integer({ min: 1, max: 6_000 }) }), { maxLength: 20 }),
        fc.array(fc.integer({ min: -10_000, max: 200_000 }), { minLength: 2, maxLength: 20 }),
        (parts, times) => {
          let t = T0;
          const segments = parts.map((s) => {
            t += s.gap;
            const seg = { startedAt: t, durationMs: s.durationMs };
            t += s.durationMs;
            return seg;
          });
          const total = segments.reduce((a, s) => a + s.durationMs, 0);
          const offsets = [...times].sort((a, b) => a - b).map((d) => mediaOffsetOf(segments, T0 + d));
          offsets.forEach((o, i) => {
            expect(o).toBeGreaterThanOrEqual(0);
            expect(o).toBeLessThanOrEqual(total);
            if (i > 0) expect(o).toBeGreaterThanOrEqual(offsets[i - 1]!);
          });
        },
      ),
    );
  });
});

describe('the replay timeline', () => {
  it('makes a chapter per featured item with its last live price, and keeps deleted chat out', () => {
    const ev = (e: Record<string, unknown>, seq: number, dt: number) => ({ ...e, seq, at: T0 + dt }) as TShowEvent;
    const events = [
      ev({ type: 'show.started' }, 1, 0),
      ev({ type: 'entry.featured', entryId: A }, 2, 1_000),
      ev({ type: 'entry.priceChanged', entryId: A, priceMinor: 800 }, 3, 2_000),
      ev({ type: 'claim.created', claimId: B, entryId: A, userId: B, displayName: 'Sam', position: 1, priceMinor: 800 }, 4, 3_000),
      ev({ type: 'chat.sent', messageId: A, userId: B, displayName: 'Sam', text: 'hi' }, 5, 3_500),
      ev({ type: 'chat.sent', messageId: B, userId: B, displayName: 'Sam', text: 'spam' }, 6, 3_600),
      ev({ type: 'chat.deleted', messageId: B }, 7, 3_700),
      ev({ type: 'entry.featured', entryId: B }, 8, 6_000),
    ];
    const segments = [{ startedAt: T0, durationMs: 10_000 }];
    const t = buildTimeline({ events, entries: [entry(A, 'Jacket'), entry(B, 'Scarf')], segments });
    expect(t.chapters.map((c) => [c.title, c.startMs, c.endMs, c.priceMinor, c.claimedLive])).toEqual([
      ['Jacket', 1_000, 6_000, 800, 1],
      ['Scarf', 6_000, 10_000, 1_000, 0],
    ]);
    expect(t.moments.filter((m) => m.kind === 'chat').map((m) => m.kind === 'chat' && m.text)).toEqual(['hi']);
    expect(chapterAt(t.chapters, 500)).toBeUndefined();
    expect(chapterAt(t.chapters, 7_000)?.title).toBe('Scarf');
  });
});
