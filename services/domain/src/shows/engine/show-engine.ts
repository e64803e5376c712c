import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { showKeys } from '@showcart/common';
import {
  AppError,
  isErrorCode,
  type TShowEntry,
} from '@showcart/shared';
import { COMMANDS, type TArgvOf, type TCommandName, type TKeysOf } from './commands.ts';

type TScriptRunner = (numKeys: number, ...args: (string | number)[]) => Promise<unknown[]>;

/**
 * A decided command: the seq and JSON of the event it appended. Nothing here parses the
 * event: clients get it through the log, and a command's ack needs only its seq.
 */
export type TApplied = { seq: number; json: string };

const decode = (reply: unknown[]): TApplied & { rest: unknown[] } => {
  const [status, seq, json, ...rest] = reply;
  if (status !== 'OK') {
    throw isErrorCode(seq) ? new AppError(seq) : new AppError('INTERNAL', undefined, { cause: reply });
  }
  return { seq: Number(seq), json: String(json), rest };
};

/**
 * Where an operation's reply is remembered: per actor and command, so an op id a client
 * reuses for another command is a new operation, never the other command's reply.
 */
const opKey = (command: string, p: { actorId: string; clientOpId: string }) => `${p.actorId}:${command}:${p.clientOpId}`;

/** The event of a new claim, less its position and price, which the script decides. */
const claimEvent = (claimId: string, p: { entryId: string; actorId: string; displayName: string }) =>
  JSON.stringify({ type: 'claim.created', claimId, entryId: p.entryId, userId: p.actorId, displayName: p.displayName });

/**
 * A claim script's reply: the claim event, and the claim's position in the item's order.
 * Fields are named, never copied with an object rest or spread: V8 built those copies in
 * the old generation, about 360 bytes per claim by the sampling heap profiler, and at
 * 2,000 claims/s that brought a full collection of the node's heap every few seconds.
 */
const decodeClaim = (reply: unknown[]) => {
  const { seq, json, rest } = decode(reply);
  // A retried claim's reply is the first one's: its claim id is in the event, not ours.
  const event = JSON.parse(json) as { type: string; claimId: string };
  if (event.type !== 'claim.created') throw new AppError('INTERNAL');
  return { seq, json, claimId: event.claimId, position: Number(rest[0]) };
};

/**
 * The live state of shows in Redis. Every method is one atomic script; none keeps state
 * in this process, so any number of realtime nodes can share one Redis.
 */
export const createShowEngine = (redis: Redis, opts: { offerTtlMs: number }) => {
  for (const [name, { lua }] of Object.entries(COMMANDS)) redis.defineCommand(name, { lua });
  const runners = redis as unknown as Record<TCommandName, TScriptRunner>;
  /** Runs a command with its keys and arguments by name, in the positions its file reads them. */
  const run = <N extends TCommandName>(name: N, keys: TKeysOf<N>, argv: TArgvOf<N>, extra?: { keys: string[]; argv: (string | number)[] }) => {
    const c = COMMANDS[name];
    const args: (string | number)[] = [];
    for (const k of c.keys) args.push((keys as Record<string, string>)[k]!);
    if (extra) args.push(...extra.keys);
    for (const a of c.argv) args.push((argv as Record<string, string | number>)[a]!);
    if (extra) args.push(...extra.argv);
    return runners[name](c.keys.length + (extra?.keys.length ?? 0), ...args);
  };

  const transition = async (p: {
    showId: string;
    actorId: string;
    clientOpId: string;
    from: readonly string[];
    to: 'live' | 'ended';
    type: 'show.started' | 'show.ended';
  }) => {
    const k = showKeys(p.showId);
    return decode(
      await run('showTransition', { meta: k.meta, log: k.log, ops: k.ops }, {
        actor: p.actorId, opKey: opKey(p.to, p), from: `,${p.from.join(',')},`, to: p.to, eventJson: JSON.stringify({ type: p.type }),
      }),
    );
  };

  const entryCommand = async (p: {
    showId: string;
    actorId: string;
    clientOpId: string;
    entryId: string;
    kind: 'feature' | 'price';
    value: number | '';
    event: object;
  }) => {
    const k = showKeys(p.showId);
    return decode(
      await run('showEntry', { meta: k.meta, entry: k.entry(p.entryId), log: k.log, ops: k.ops }, {
        actor: p.actorId, opKey: opKey(p.kind, p), entryId: p.entryId, kind: p.kind, value: p.value, eventJson: JSON.stringify(p.event),
      }),
    );
  };

  return {
    isOpen: async (showId: string) => (await redis.exists(showKeys(showId).meta)) === 1,

    /** An entry's price now (the host may have changed it live), null for an entry the show does not have. */
    entryPrice: async (showId: string, entryId: string) => {
      const price = await redis.hget(showKeys(showId).entry(entryId), 'price');
      return price === null ? null : Number(price);
    },

    /** The entry featured now, if any. */
    featuredEntryId: async (showId: string) => (await redis.hget(showKeys(showId).meta, 'featured')) || null,

    /** Whether this actor's operation was decided already: its retry gets the first reply, whatever it asks now. */
    isDecided: async (p: { showId: string; actorId: string; clientOpId: string }, command: 'update') =>
      (await redis.hexists(showKeys(p.showId).ops, opKey(command, p))) === 1,

    /** Loads a scheduled show's queue into Redis, once; later calls change nothing. */
    open: async (p: { showId: string; hostId: string; title: string; entries: TShowEntry[] }) => {
      const k = showKeys(p.showId);
      const args: (string | number)[] = [];
      for (const e of p.entries) args.push(e.entryId, e.quantity, e.priceMinor, e.perBuyerLimit);
      const body = JSON.stringify({ type: 'show.opened', showId: p.showId, hostId: p.hostId, title: p.title, entries: p.entries });
      const reply = await run('showOpen', { meta: k.meta, log: k.log, entries: k.entries }, { hostId: p.hostId, openedJson: body }, {
        keys: p.entries.map((e) => k.entry(e.entryId)), argv: args,
      });
      return reply.length > 2 ? decode(reply) : undefined;
    },

    start: (p: { showId: string; actorId: string; clientOpId: string }) =>
      transition({ ...p, from: ['scheduled'], to: 'live', type: 'show.started' }),

    end: (p: { showId: string; actorId: string; clientOpId: string }) =>
      transition({ ...p, from: ['scheduled', 'live'], to: 'ended', type: 'show.ended' }),

    feature: (p: { showId: string; actorId: string; clientOpId: string; entryId: string }) =>
      entryCommand({ ...p, kind: 'feature', value: '', event: { type: 'entry.featured', entryId: p.entryId } }),

    setPrice: (p: { showId: string; actorId: string; clientOpId: string; entryId: string; priceMinor: number }) =>
      entryCommand({
        ...p,
        kind: 'price',
        value: p.priceMinor,
        event: { type: 'entry.priceChanged', entryId: p.entryId, priceMinor: p.priceMinor },
      }),

    /** First come, first served: the script decides, in the order Redis runs them. */
    claim: async (p: { showId: string; actorId: string; displayName: string; clientOpId: string; entryId: string }) => {
      const k = showKeys(p.showId);
      const claimId = randomUUID();
      return decodeClaim(
        await run('showClaim', {
          meta: k.meta, entry: k.entry(p.entryId), ops: k.ops, log: k.log, bans: k.bans, claims: k.claims, offers: k.offers,
        }, { actor: p.actorId, opKey: opKey('claim', p), entryId: p.entryId, eventJson: claimEvent(claimId, p), claimId }),
      );
    },

    /** Adds an approved co-hosted entry to the show, if it is open in Redis already. */
    addEntry: async (showId: string, entry: TShowEntry) => {
      const k = showKeys(showId);
      const reply = await run('showAddEntry', { meta: k.meta, entries: k.entries, entry: k.entry(entry.entryId), log: k.log }, {
        entryId: entry.entryId, quantity: entry.quantity, price: entry.priceMinor, limit: entry.perBuyerLimit,
        eventJson: JSON.stringify({ type: 'entry.added', entry }),
      });
      return reply[0] === 'OK' && reply.length === 2 ? undefined : decode(reply);
    },

    /** Takes a co-hosted entry out again; CONFLICT once it has been featured or claimed. */
    withdrawEntry: async (showId: string, entryId: string) => {
      const k = showKeys(showId);
      const reply = await run('showWithdrawEntry', { meta: k.meta, entries: k.entries, entry: k.entry(entryId), log: k.log }, {
        entryId, eventJson: JSON.stringify({ type: 'entry.removed', entryId }),
      });
      return reply[0] === 'OK' && reply.length === 2 ? undefined : decode(reply);
    },

    reorder: async (p: { showId: string; actorId: string; clientOpId: string; entryIds: string[] }) => {
      const k = showKeys(p.showId);
      return decode(
        await run('showReorder', { meta: k.meta, entries: k.entries, ops: k.ops, log: k.log }, {
          actor: p.actorId, opKey: opKey('reorder', p), entryIdsJson: JSON.stringify(p.entryIds),
          eventJson: JSON.stringify({ type: 'queue.reordered', entryIds: p.entryIds }),
        }),
      );
    },

    /**
     * Changes an entry's quantity or per-buyer limit. A quantity needs `heldUnits`, what the
     * entry holds in the closet (raiseEntryUnits): the engine never sells more than that.
     */
    updateEntry: async (p: {
      showId: string; actorId: string; clientOpId: string; entryId: string;
      perBuyerLimit?: number;
    } & ({ quantity: number; heldUnits: number } | { quantity?: undefined; heldUnits?: undefined })) => {
      const k = showKeys(p.showId);
      return decode(
        await run('showUpdate', {
          meta: k.meta, entry: k.entry(p.entryId), ops: k.ops, log: k.log, waitlist: k.waitlist(p.entryId), offers: k.offers,
        }, {
          actor: p.actorId, opKey: opKey('update', p), entryId: p.entryId, quantityArg: p.quantity ?? '', limitArg: p.perBuyerLimit ?? '',
          offerTtlMs: opts.offerTtlMs, heldUnits: p.heldUnits ?? '',
        }),
      );
    },

    removeEntry: async (p: { showId: string; actorId: string; clientOpId: string; entryId: string }) => {
      const k = showKeys(p.showId);
      return decode(
        await run('showRemove', { meta: k.meta, entry: k.entry(p.entryId), entries: k.entries, ops: k.ops, log: k.log }, {
          actor: p.actorId, opKey: opKey('remove', p), entryId: p.entryId, eventJson: JSON.stringify({ type: 'entry.removed', entryId: p.entryId }),
        }),
      );
    },

    /** The host voids a claim; the unit goes back on sale or to the waitlist's first. */
    voidClaim: async (p: { showId: string; actorId: string; clientOpId: string; entryId: string; claimId: string; reason: string }) => {
      const k = showKeys(p.showId);
      const body = JSON.stringify({ type: 'claim.voided', claimId: p.claimId, reason: p.reason });
      return decode(
        await run('showVoid', {
          meta: k.meta, entry: k.entry(p.entryId), claims: k.claims, waitlist: k.waitlist(p.entryId), offers: k.offers, ops: k.ops, log: k.log,
        }, { actor: p.actorId, opKey: opKey('void', p), entryId: p.entryId, claimId: p.claimId, eventJson: body, offerTtlMs: opts.offerTtlMs }),
      );
    },

    joinWaitlist: async (p: { showId: string; actorId: string; clientOpId: string; entryId: string }) => {
      const k = showKeys(p.showId);
      const body = JSON.stringify({ type: 'waitlist.joined', entryId: p.entryId, userId: p.actorId });
      return decode(
        await run('showJoinWaitlist', {
          meta: k.meta, entry: k.entry(p.entryId), waitlist: k.waitlist(p.entryId), offers: k.offers, bans: k.bans, ops: k.ops, log: k.log,
        }, { actor: p.actorId, opKey: opKey('join', p), entryId: p.entryId, eventJson: body }),
      );
    },

    leaveWaitlist: async (p: { showId: string; actorId: string; clientOpId: string; entryId: string }) => {
      const k = showKeys(p.showId);
      const body = JSON.stringify({ type: 'waitlist.left', entryId: p.entryId, userId: p.actorId });
      return decode(
        await run('showLeaveWaitlist', { meta: k.meta, waitlist: k.waitlist(p.entryId), ops: k.ops, log: k.log }, {
          actor: p.actorId, opKey: opKey('leave', p), eventJson: body,
        }),
      );
    },

    acceptOffer: async (p: { showId: string; actorId: string; displayName: string; clientOpId: string; entryId: string }) => {
      const k = showKeys(p.showId);
      const claimId = randomUUID();
      return decodeClaim(
        await run('showAcceptOffer', { meta: k.meta, entry: k.entry(p.entryId), claims: k.claims, offers: k.offers, ops: k.ops, log: k.log }, {
          actor: p.actorId, opKey: opKey('accept', p), entryId: p.entryId, claimId, eventJson: claimEvent(claimId, p),
        }),
      );
    },

    /** Ends every offer of the show whose time is up; returns how many ended. */
    expireOffers: async (showId: string) => {
      const k = showKeys(showId);
      const due = await redis.zrangebyscore(k.offers, '-inf', Date.now());
      let expired = 0;
      for (const member of due) {
        const [entryId, userId] = member.split('|') as [string, string];
        expired += Number(await run('showExpireOffer', {
          meta: k.meta, entry: k.entry(entryId), waitlist: k.waitlist(entryId), offers: k.offers, log: k.log,
        }, { entryId, userId, offerTtlMs: opts.offerTtlMs }));
      }
      return expired;
    },

    /** A chat message, subject to bans, mutes and slow mode (the host and moderators are exempt). */
    chat: async (p: { showId: string; actorId: string; displayName: string; clientOpId: string; text: string }) => {
      const k = showKeys(p.showId);
      const messageId = randomUUID();
      const body = JSON.stringify({ type: 'chat.sent', messageId, userId: p.actorId, displayName: p.displayName, text: p.text });
      const reply = await run('showChat', {
        meta: k.meta, bans: k.bans, mutes: k.mutes, mods: k.mods, lastChat: k.lastChat, chatMessages: k.chatMessages, ops: k.ops, log: k.log,
      }, { actor: p.actorId, opKey: opKey('chat', p), messageId, eventJson: body });
      if (reply[0] === 'ERR' && reply[1] === 'RATE_LIMITED') {
        throw new AppError('RATE_LIMITED', `Slow mode is on: you can send again in ${Number(reply[2])} s.`);
      }
      return decode(reply);
    },

    /** Deletes a message, bans or mutes a user, picks moderators or sets slow mode. */
    moderate: async (p: {
      showId: string;
      actorId: string;
      clientOpId: string;
      action: 'delete' | 'ban' | 'mute' | 'moderator' | 'slow';
      target: string;
      value: string | number;
      event: object;
    }) => {
      const k = showKeys(p.showId);
      return decode(
        await run('showModerate', {
          meta: k.meta, bans: k.bans, mutes: k.mutes, mods: k.mods, chatMessages: k.chatMessages, ops: k.ops, log: k.log,
        }, { actor: p.actorId, opKey: opKey(p.action, p), action: p.action, target: p.target, value: p.value, eventJson: JSON.stringify(p.event) }),
      );
    },

    /** The host's banned words; the chat handler checks messages against them. */
    bannedWords: (showId: string) => redis.smembers(showKeys(showId).bannedWords),
    setBannedWords: async (showId: string, words: string[]) => {
      const key = showKeys(showId).bannedWords;
      const replace = redis.multi().del(key);
      if (words.length) replace.sadd(key, ...words);
      await replace.exec();
    },
  };
};

export type TShowEngine = ReturnType<typeof createShowEngine>;
