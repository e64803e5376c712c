/**
 * Every Redis key of a show carries the hash tag {showId}, so one show lives on one
 * Redis Cluster slot and each Lua script touches a single slot.
 */
const keysOf = (showId: string) => {
  const prefix = `show:{${showId}}`;
  return {
    /** Hash: status, hostId, featured, seq. */
    meta: `${prefix}:meta`,
    /** Hash: realtime node id -> `${viewers}:${ms}`, each node's own count of the show's viewers. */
    presence: `${prefix}:presence`,
    /** Set of the show's entry ids. */
    entries: `${prefix}:entries`,
    /**
     * Hash per entry: quantity, claimed, offered, price, limit (per buyer), position (the
     * last claim's place), and `b:${userId}` -> the units each buyer holds: one key, so a
     * claim reads and writes the entry once.
     */
    entry: (entryId: string) => `${prefix}:entry:${entryId}`,
    /** Hash: `${userId}:${clientOpId}` -> the reply already given to that operation. */
    ops: `${prefix}:ops`,
    /** Stream of events; entry ids are `${seq}-0`. */
    log: `${prefix}:log`,
    /** Hash: claimId -> `${entryId}|${userId}`, with `|voided` appended once voided. */
    claims: `${prefix}:claims`,
    /** List per entry: the buyers waiting for a unit, first in line first. */
    waitlist: (entryId: string) => `${prefix}:waitlist:${entryId}`,
    /** Sorted set: `${entryId}|${userId}` of open offers, scored by when each expires (ms). */
    offers: `${prefix}:offers`,
    /** Set of users banned from the show (no chat, no claims). */
    bans: `${prefix}:bans`,
    /** Hash: userId -> ms since the epoch when the user's mute ends. */
    mutes: `${prefix}:mutes`,
    /** Set of the host's moderators. */
    mods: `${prefix}:mods`,
    /** Hash: userId -> ms of the user's last chat message (slow mode). */
    lastChat: `${prefix}:lastchat`,
    /** Hash: messageId -> author, of messages that can still be deleted. */
    chatMessages: `${prefix}:chatmsgs`,
    /** Set of words the show's chat refuses; the host's, never broadcast. */
    bannedWords: `${prefix}:words`,
  };
};

export type TShowKeys = ReturnType<typeof keysOf>;

/** Built once per show and kept (a node follows few shows at a time): every command asks. */
const known = new Map<string, TShowKeys>();
export const showKeys = (showId: string): TShowKeys => {
  let keys = known.get(showId);
  if (!keys) {
    if (known.size >= 10_000) known.clear();
    keys = keysOf(showId);
    known.set(showId, keys);
  }
  return keys;
};

/** Hash: process name → its supervised status (JSON), written by `npm start`'s supervisor, read by /api/health. */
export const supervisorKey = (queuePrefix: string) => `${queuePrefix}:supervisor`;

/** Pub/sub: a show went live or ended (the message is its id). The recorder wakes on it. */
export const SHOW_STATUS_CHANNEL = 'showcart:show-status';

/**
 * String: the user id of an open session, keyed by the session's id (the base64url SHA-256
 * of its token, never the token), expiring with the session. Realtime checks it on every
 * command; Postgres' `sessions` stays the record.
 */
export const sessionKey = (sessionId: string) => `session:${sessionId}`;

/** Pub/sub: sessions ended (`{ sessionIds, reason }` as JSON); every realtime node closes their sockets. */
export const SESSION_ENDED_CHANNEL = 'showcart:session-ended';

/** Pub/sub: new notifications (`{ items: [{ userId, notification, unread }] }` as JSON); every realtime node emits each to its user's room. */
export const NOTIFICATIONS_CHANNEL = 'showcart:notifications';

/** String (NX, PX the window): a push of this kind went to this user lately; until it expires, more of the kind only reach the feed. */
export const pushCollapseKey = (userId: string, kind: string) => `notify:collapse:push:${userId}:${kind}`;
/** As pushCollapseKey, for email. */
export const emailCollapseKey = (userId: string, kind: string) => `notify:collapse:email:${userId}:${kind}`;
