import { z } from 'zod';
import type { TNotificationNew } from './notifications.ts';
import type { TErrorBody, TErrorCode } from './errors.ts';
import { ZClientOpId, ZId } from './ids.ts';
import { ZAmountMinor } from './money.ts';
import { CHAT_MAX_LENGTH, type TShowEvent, type TShowState } from './show.ts';

/** Sent by the client in the Socket.IO handshake (`auth.protocolVersion`). */
export const PROTOCOL_VERSION = 1;
/** Clients older than this are refused with PROTOCOL_TOO_OLD. */
export const MIN_PROTOCOL_VERSION = 1;

/** Largest socket payload a server accepts, in bytes. */
export const MAX_SOCKET_PAYLOAD_BYTES = 16_384;

export const ZHandshakeAuth = z.object({ protocolVersion: z.number().int().nonnegative() });

export const ZShowJoin = z.strictObject({
  showId: ZId,
  /** The last seq the client applied; the server then sends only what came after. */
  sinceSeq: z.number().int().nonnegative().optional(),
});
export type TShowJoin = z.infer<typeof ZShowJoin>;

export const ZShowCommand = z.strictObject({ showId: ZId, clientOpId: ZClientOpId });
export type TShowCommand = z.infer<typeof ZShowCommand>;

export const ZEntryCommand = ZShowCommand.extend({ entryId: ZId });
export type TEntryCommand = z.infer<typeof ZEntryCommand>;

export const ZPriceChange = ZEntryCommand.extend({ priceMinor: ZAmountMinor.positive() });
export type TPriceChange = z.infer<typeof ZPriceChange>;

/** Visible characters, spaces and newlines only: control characters are refused. */
const ZChatText = z
  .string()
  .trim()
  .min(1, 'say something')
  .max(CHAT_MAX_LENGTH, `at most ${CHAT_MAX_LENGTH} characters`)
  .refine((text) => !/[\u0000-\u0009\u000B-\u001F\u007F]/.test(text), 'no control characters');

export const ZChatSend = ZShowCommand.extend({ text: ZChatText });
export type TChatSend = z.infer<typeof ZChatSend>;

export const ZChatDelete = ZShowCommand.extend({ messageId: ZId });
export type TChatDelete = z.infer<typeof ZChatDelete>;

/** Longest mute a moderator can give, in minutes. */
export const MAX_MUTE_MINUTES = 24 * 60;

export const ZUserModerate = z.discriminatedUnion('action', [
  ZShowCommand.extend({ action: z.literal('ban'), userId: ZId }),
  ZShowCommand.extend({ action: z.literal('mute'), userId: ZId, minutes: z.number().int().min(1).max(MAX_MUTE_MINUTES) }),
  ZShowCommand.extend({ action: z.literal('moderator'), userId: ZId, on: z.boolean() }),
]);
export type TUserModerate = z.infer<typeof ZUserModerate>;

export const ZChatSettings = ZShowCommand.extend({
  slowModeSeconds: z.number().int().min(0).max(300).optional(),
  /** Replaces the show's list of words that chat refuses. */
  bannedWords: z.array(z.string().trim().toLowerCase().min(2).max(40)).max(100).optional(),
});
export type TChatSettings = z.infer<typeof ZChatSettings>;

export const ZQueueReorder = ZShowCommand.extend({ entryIds: z.array(ZId).min(1).max(200) });
export type TQueueReorder = z.infer<typeof ZQueueReorder>;

export const ZEntryUpdate = ZEntryCommand.extend({
  quantity: z.number().int().min(0).max(10_000).optional(),
  perBuyerLimit: z.number().int().min(1).max(10_000).optional(),
}).refine((u) => u.quantity !== undefined || u.perBuyerLimit !== undefined, 'change quantity or perBuyerLimit');
export type TEntryUpdate = z.infer<typeof ZEntryUpdate>;

export const ZClaimVoid = ZEntryCommand.extend({ claimId: ZId, reason: z.string().trim().min(3).max(200) });
export type TClaimVoid = z.infer<typeof ZClaimVoid>;

export type TAck<T extends object = object> = ({ ok: true } & T) | ({ ok: false } & TErrorBody);

export type TJoinAck = TAck<
  { mode: 'snapshot'; seq: number; state: TShowState } | { mode: 'events'; events: TShowEvent[] }
>;

export type TClaimAck = TAck<{ claimId: string; position: number; seq: number }>;

export type TCommandAck = TAck<{ seq: number }>;

/** What a client may send. Every payload is parsed with the schema of the same name. */
export type ClientToServerEvents = {
  'show:join': (payload: TShowJoin, ack: (reply: TJoinAck) => void) => void;
  'show:leave': (payload: { showId: string }) => void;
  'show:start': (payload: TShowCommand, ack: (reply: TCommandAck) => void) => void;
  'show:end': (payload: TShowCommand, ack: (reply: TCommandAck) => void) => void;
  'queue:feature': (payload: TEntryCommand, ack: (reply: TCommandAck) => void) => void;
  'queue:price': (payload: TPriceChange, ack: (reply: TCommandAck) => void) => void;
  /** Host only: the new order of all the show's entries. */
  'queue:reorder': (payload: TQueueReorder, ack: (reply: TCommandAck) => void) => void;
  /** Host only: quantity (down to what is taken: 'sold out') and per-buyer limit. */
  'queue:update': (payload: TEntryUpdate, ack: (reply: TCommandAck) => void) => void;
  /** Host only: an entry nobody has claimed or been offered leaves the queue. */
  'queue:remove': (payload: TEntryCommand, ack: (reply: TCommandAck) => void) => void;
  'claim:create': (payload: TEntryCommand, ack: (reply: TClaimAck) => void) => void;
  /** Host only: the unit goes back on sale, or to the first on the entry's waitlist. */
  'claim:void': (payload: TClaimVoid, ack: (reply: TCommandAck) => void) => void;
  'waitlist:join': (payload: TEntryCommand, ack: (reply: TCommandAck) => void) => void;
  'waitlist:leave': (payload: TEntryCommand, ack: (reply: TCommandAck) => void) => void;
  /** Takes up an offer of a freed unit: a claim, like a won tap. */
  'offer:accept': (payload: TEntryCommand, ack: (reply: TClaimAck) => void) => void;
  'chat:send': (payload: TChatSend, ack: (reply: TCommandAck) => void) => void;
  'chat:delete': (payload: TChatDelete, ack: (reply: TCommandAck) => void) => void;
  'user:moderate': (payload: TUserModerate, ack: (reply: TCommandAck) => void) => void;
  /** Host only. The ack carries the show's banned words (they are not broadcast). */
  'chat:settings': (payload: TChatSettings, ack: (reply: TAck<{ bannedWords: string[] }>) => void) => void;
};

/**
 * While a show is busy, a node sends its events at most this often, each time all that
 * arrived since in one message: fewer, larger writes to thousands of viewers.
 */
export const SHOW_FLUSH_INTERVAL_MS = 5;

/**
 * Why the server ended a socket's session, and what a person is told: signing out
 * (`signed-out`), every session of the account ended at once (`signed-out-everywhere`: sign
 * out everywhere, a password change), the session's time running out (`expired`), or a
 * command finding the session gone (`ended`: deleted some other way).
 */
export const SESSION_END_REASONS = {
  'signed-out': { code: 'UNAUTHENTICATED', message: 'You signed out, so this page stopped. Sign in again to keep watching.' },
  'signed-out-everywhere': {
    code: 'UNAUTHENTICATED',
    message: 'You were signed out on all your devices, so this page stopped. Sign in again to keep watching.',
  },
  expired: { code: 'SESSION_EXPIRED', message: 'Your session expired, so this page stopped. Sign in again to keep watching.' },
  ended: { code: 'UNAUTHENTICATED', message: 'You are no longer signed in, so this page stopped. Sign in again to keep watching.' },
  'account-deleted': { code: 'UNAUTHENTICATED', message: 'This account was deleted, so this page stopped.' },
} as const satisfies Record<string, { code: TErrorCode; message: string }>;

export type TSessionEndReason = keyof typeof SESSION_END_REASONS;

/** Sent just before the server closes a socket whose session ended; the client must not reconnect with it. */
export type TSessionEnded = { reason: TSessionEndReason } & TErrorBody;

export type ServerToClientEvents = {
  /** New events of a show, in seq order (one or more; coalesced while the show is busy). */
  'show:events': (events: TShowEvent[]) => void;
  'show:viewers': (payload: { showId: string; count: number }) => void;
  /** The socket's session ended (signed out, expired, revoked); the server disconnects the socket next. */
  'session:ended': (payload: TSessionEnded) => void;
  /** A notification for the socket's user (every socket of a signed-in user is in its room `user:<id>`). */
  'notification:new': (payload: TNotificationNew) => void;
};
