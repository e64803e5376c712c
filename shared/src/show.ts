import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor, ZCurrency } from './money.ts';

/**
 * A show's life: scheduled → live → ended (no more claims) → settling (its orders are made
 * and being charged) → settled (every order final: paid, or failed with its deadline set).
 * A scheduled show its host calls off is cancelled instead, for good (Postgres only: the
 * live engine never runs it).
 */
export const SHOW_STATUSES = ['scheduled', 'live', 'ended', 'settling', 'settled', 'cancelled'] as const;
export const ZShowStatus = z.enum(SHOW_STATUSES);
export type TShowStatus = z.infer<typeof ZShowStatus>;

/** Whether a show is past its live part: ended, settling or settled. */
export const isShowOver = (status: TShowStatus) => status === 'ended' || status === 'settling' || status === 'settled';

/**
 * One entry of the show queue: a listing's variant with its live price and stock.
 * Show logs outlive code versions (replays read them), so fields added later have
 * defaults that mean what older events meant.
 */
export const ZShowEntry = z.object({
  entryId: ZId,
  listingId: ZId,
  variantId: ZId,
  title: z.string(),
  variantLabel: z.string(),
  photoUrl: z.string(),
  sellerId: ZId,
  sellerName: z.string(),
  priceMinor: ZAmountMinor,
  currency: ZCurrency,
  /** Units for sale in this show; the host may lower it to what is taken (sold out). */
  quantity: z.number().int().nonnegative(),
  /** How many units one buyer may claim; events logged before it existed meant `quantity`. */
  perBuyerLimit: z.number().int().positive().optional(),
  /** How many units are claimed; claimed + offered never exceeds `quantity`. */
  claimed: z.number().int().nonnegative(),
  /** Units held for waitlisted buyers who have been offered them and not yet answered. */
  offered: z.number().int().nonnegative().default(0),
  /** True when the item is another seller's, featured with that seller's consent. */
  cohosted: z.boolean(),
}).transform((entry) => ({ ...entry, perBuyerLimit: entry.perBuyerLimit ?? entry.quantity }));
export type TShowEntry = z.infer<typeof ZShowEntry>;

export const ZClaim = z.object({
  claimId: ZId,
  entryId: ZId,
  userId: ZId,
  displayName: z.string(),
  /** 1 for the first claim of this entry, 2 for the second, ... */
  position: z.number().int().positive(),
  priceMinor: ZAmountMinor,
  /** Server time of the decision, ms since the epoch. */
  at: z.number().int(),
  seq: z.number().int().positive(),
  /** Set when the host voided the claim; its unit went back to sale or the waitlist. */
  voidedReason: z.string().optional(),
});
export type TClaim = z.infer<typeof ZClaim>;

/** An offer of a freed unit to the first buyer on an entry's waitlist. */
export type TOffer = { entryId: string; userId: string; expiresAt: number };

/** Longest chat message, in characters. */
export const CHAT_MAX_LENGTH = 300;
/** Chat messages a show's state keeps; older ones live on in the log (and the replay). */
export const CHAT_HISTORY = 100;

export const ZChatMessage = z.object({
  messageId: ZId,
  userId: ZId,
  displayName: z.string(),
  text: z.string(),
  at: z.number().int(),
});
export type TChatMessage = z.infer<typeof ZChatMessage>;

const eventBase = { seq: z.number().int().positive(), at: z.number().int() };

/** Everything that can happen in a show, as it is logged and broadcast. */
export const ZShowEvent = z.discriminatedUnion('type', [
  z.object({
    ...eventBase,
    type: z.literal('show.opened'),
    showId: ZId,
    hostId: ZId,
    title: z.string(),
    entries: z.array(ZShowEntry),
  }),
  z.object({ ...eventBase, type: z.literal('show.started') }),
  z.object({ ...eventBase, type: z.literal('entry.featured'), entryId: ZId }),
  z.object({ ...eventBase, type: z.literal('queue.reordered'), entryIds: z.array(ZId) }),
  z.object({
    ...eventBase,
    type: z.literal('entry.updated'),
    entryId: ZId,
    quantity: z.number().int().nonnegative(),
    perBuyerLimit: z.number().int().positive(),
  }),
  z.object({ ...eventBase, type: z.literal('entry.removed'), entryId: ZId }),
  z.object({ ...eventBase, type: z.literal('entry.added'), entry: ZShowEntry }),
  z.object({
    ...eventBase,
    type: z.literal('entry.priceChanged'),
    entryId: ZId,
    priceMinor: ZAmountMinor,
  }),
  z.object({ ...ZClaim.omit({ at: true, seq: true, voidedReason: true }).shape, ...eventBase, type: z.literal('claim.created') }),
  z.object({ ...eventBase, type: z.literal('claim.voided'), claimId: ZId, entryId: ZId, userId: ZId, reason: z.string() }),
  z.object({ ...eventBase, type: z.literal('waitlist.joined'), entryId: ZId, userId: ZId }),
  z.object({ ...eventBase, type: z.literal('waitlist.left'), entryId: ZId, userId: ZId }),
  z.object({ ...eventBase, type: z.literal('waitlist.offered'), entryId: ZId, userId: ZId, expiresAt: z.number().int() }),
  z.object({ ...eventBase, type: z.literal('waitlist.offerExpired'), entryId: ZId, userId: ZId }),
  z.object({ ...eventBase, type: z.literal('show.ended') }),
  z.object({ ...ZChatMessage.omit({ at: true }).shape, ...eventBase, type: z.literal('chat.sent') }),
  z.object({ ...eventBase, type: z.literal('chat.deleted'), messageId: ZId }),
  z.object({ ...eventBase, type: z.literal('user.banned'), userId: ZId }),
  z.object({ ...eventBase, type: z.literal('user.muted'), userId: ZId, untilAt: z.number().int() }),
  z.object({ ...eventBase, type: z.literal('moderator.changed'), userId: ZId, on: z.boolean() }),
  z.object({ ...eventBase, type: z.literal('chat.slowModeChanged'), slowModeSeconds: z.number().int().nonnegative() }),
]);
export type TShowEvent = z.infer<typeof ZShowEvent>;
export type TShowEventType = TShowEvent['type'];

export type TShowState = {
  seq: number;
  showId: string | null;
  hostId: string | null;
  title: string;
  status: TShowStatus;
  featuredEntryId: string | null;
  entries: TShowEntry[];
  claims: TClaim[];
  /** Per entry, the buyers waiting for a unit, first in line first. */
  waitlists: Record<string, string[]>;
  offers: TOffer[];
  /** The latest CHAT_HISTORY messages, oldest first. */
  chat: TChatMessage[];
  bannedUserIds: string[];
  /** Muted users and when their mute ends (ms since the epoch). */
  mutedUntil: Record<string, number>;
  moderatorIds: string[];
  slowModeSeconds: number;
};

export const emptyShowState = (): TShowState => ({
  seq: 0,
  showId: null,
  hostId: null,
  title: '',
  status: 'scheduled',
  featuredEntryId: null,
  entries: [],
  claims: [],
  waitlists: {},
  offers: [],
  chat: [],
  bannedUserIds: [],
  mutedUntil: {},
  moderatorIds: [],
  slowModeSeconds: 0,
});

const withoutWaiting = (state: TShowState, entryId: string, userId: string) => ({
  ...state.waitlists,
  [entryId]: (state.waitlists[entryId] ?? []).filter((id) => id !== userId),
});

/** Units of an entry a buyer can claim right now. */
export const availableOf = (entry: TShowEntry) => entry.quantity - entry.claimed - entry.offered;

const mapEntry = (state: TShowState, entryId: string, change: (e: TShowEntry) => TShowEntry) =>
  state.entries.map((entry) => (entry.entryId === entryId ? change(entry) : entry));

/**
 * The one reducer of show state, used by the server (snapshots) and the browser.
 * Events must come in sequence order; one that is not the next is a caller's bug.
 */
export const applyShowEvent = (state: TShowState, event: TShowEvent): TShowState => {
  if (event.seq !== state.seq + 1) {
    throw new RangeError(`event ${event.seq} applied to state at ${state.seq}`);
  }
  const next = { ...state, seq: event.seq };
  switch (event.type) {
    case 'show.opened':
      return {
        ...next,
        showId: event.showId,
        hostId: event.hostId,
        title: event.title,
        entries: event.entries,
      };
    case 'show.started':
      return { ...next, status: 'live' };
    case 'entry.featured':
      return { ...next, featuredEntryId: event.entryId };
    case 'queue.reordered': {
      const byId = new Map(state.entries.map((e) => [e.entryId, e]));
      return { ...next, entries: event.entryIds.flatMap((id) => byId.get(id) ?? []) };
    }
    case 'entry.updated':
      return {
        ...next,
        entries: mapEntry(state, event.entryId, (e) => ({ ...e, quantity: event.quantity, perBuyerLimit: event.perBuyerLimit })),
      };
    case 'entry.added':
      return { ...next, entries: [...state.entries, event.entry] };
    case 'entry.removed':
      return { ...next, entries: state.entries.filter((e) => e.entryId !== event.entryId) };
    case 'entry.priceChanged':
      return {
        ...next,
        entries: mapEntry(state, event.entryId, (e) => ({ ...e, priceMinor: event.priceMinor })),
      };
    case 'claim.created': {
      const fromOffer = state.offers.some((o) => o.entryId === event.entryId && o.userId === event.userId);
      return {
        ...next,
        entries: mapEntry(state, event.entryId, (e) => ({
          ...e,
          claimed: e.claimed + 1,
          offered: fromOffer ? e.offered - 1 : e.offered,
        })),
        offers: fromOffer ? state.offers.filter((o) => !(o.entryId === event.entryId && o.userId === event.userId)) : state.offers,
        claims: [
          ...state.claims,
          {
            claimId: event.claimId,
            entryId: event.entryId,
            userId: event.userId,
            displayName: event.displayName,
            position: event.position,
            priceMinor: event.priceMinor,
            at: event.at,
            seq: event.seq,
          },
        ],
      };
    }
    case 'claim.voided':
      return {
        ...next,
        entries: mapEntry(state, event.entryId, (e) => ({ ...e, claimed: e.claimed - 1 })),
        claims: state.claims.map((c) => (c.claimId === event.claimId ? { ...c, voidedReason: event.reason } : c)),
      };
    case 'waitlist.joined':
      return {
        ...next,
        waitlists: { ...state.waitlists, [event.entryId]: [...(state.waitlists[event.entryId] ?? []), event.userId] },
      };
    case 'waitlist.left':
      return { ...next, waitlists: withoutWaiting(state, event.entryId, event.userId) };
    case 'waitlist.offered':
      return {
        ...next,
        waitlists: withoutWaiting(state, event.entryId, event.userId),
        offers: [...state.offers, { entryId: event.entryId, userId: event.userId, expiresAt: event.expiresAt }],
        entries: mapEntry(state, event.entryId, (e) => ({ ...e, offered: e.offered + 1 })),
      };
    case 'waitlist.offerExpired':
      return {
        ...next,
        offers: state.offers.filter((o) => !(o.entryId === event.entryId && o.userId === event.userId)),
        entries: mapEntry(state, event.entryId, (e) => ({ ...e, offered: e.offered - 1 })),
      };
    case 'show.ended':
      return { ...next, status: 'ended', featuredEntryId: null };
    case 'chat.sent': {
      const message = { messageId: event.messageId, userId: event.userId, displayName: event.displayName, text: event.text, at: event.at };
      return { ...next, chat: [...state.chat, message].slice(-CHAT_HISTORY) };
    }
    case 'chat.deleted':
      return { ...next, chat: state.chat.filter((m) => m.messageId !== event.messageId) };
    case 'user.banned':
      return {
        ...next,
        bannedUserIds: [...state.bannedUserIds, event.userId],
        chat: state.chat.filter((m) => m.userId !== event.userId),
      };
    case 'user.muted':
      return { ...next, mutedUntil: { ...state.mutedUntil, [event.userId]: event.untilAt } };
    case 'moderator.changed':
      return {
        ...next,
        moderatorIds: event.on
          ? [...state.moderatorIds.filter((id) => id !== event.userId), event.userId]
          : state.moderatorIds.filter((id) => id !== event.userId),
      };
    case 'chat.slowModeChanged':
      return { ...next, slowModeSeconds: event.slowModeSeconds };
  }
};

export const reduceShowEvents = (events: readonly TShowEvent[], from = emptyShowState()) =>
  events.reduce(applyShowEvent, from);

/** The units of an entry a buyer holds now: its claims, less the voided ones. */
export const unitsHeldBy = (state: TShowState, entryId: string, userId: string) =>
  state.claims.filter((c) => c.entryId === entryId && c.userId === userId && c.voidedReason === undefined).length;

export const featuredEntry = (state: TShowState): TShowEntry | undefined =>
  state.entries.find((entry) => entry.entryId === state.featuredEntryId);
