import { randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '../redis.ts';
import { readShowLog } from '../show-log.ts';
import { AppError, reduceShowEvents, type TShowEntry } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../../../../infra/test/global-setup.ts';
import { createShowEngine, type TShowEngine } from './show-engine.ts';

let redis: Redis;
let engine: TShowEngine;
beforeAll(() => {
  redis = createRedis(inject('componentEnv').REDIS_URL!);
  engine = createShowEngine(redis, { offerTtlMs: 60_000 });
});
afterAll(() => redis.disconnect());

/** What the engine should do, written as plainly as possible. */
type TModel = {
  status: 'scheduled' | 'live' | 'ended';
  featured: number | null;
  entries: {
    quantity: number; limit: number; claimed: number; offered: number; positions: number; price: number; waitlist: number[];
    removed: boolean; featuredOnce: boolean;
  }[];
  /** The queue's order, as entry indexes; removed entries leave it. */
  order: number[];
  offers: { entry: number; buyer: number }[];
  bought: Map<string, number>;
  replies: Map<string, string>;
  /** claimId is filled in from the engine's reply, to address the claim in a later void. */
  claims: { buyer: number; entry: number; position: number; voided: boolean; claimId?: string }[];
};

type TCommand =
  | { kind: 'start'; byHost: boolean; op: number }
  | { kind: 'end'; byHost: boolean; op: number }
  | { kind: 'feature'; entry: number; byHost: boolean; op: number }
  | { kind: 'price'; entry: number; price: number; byHost: boolean; op: number }
  | { kind: 'claim'; buyer: number; entry: number; op: number }
  | { kind: 'void'; claim: number; byHost: boolean; op: number }
  | { kind: 'join'; buyer: number; entry: number; op: number }
  | { kind: 'accept'; buyer: number; entry: number; op: number }
  | { kind: 'update'; entry: number; quantity: number; limit?: number; byHost: boolean; op: number }
  | { kind: 'remove'; entry: number; byHost: boolean; op: number }
  | { kind: 'reorder'; rotate: number; valid: boolean; byHost: boolean; op: number }
  /** The seller of a co-hosted entry takes it back (not an op of the show: no retries). */
  | { kind: 'withdraw'; entry: number }
  /** The watching client loses its connection, or comes back and catches up from its last seq. */
  | { kind: 'disconnect' }
  | { kind: 'reconnect' };

const QUANTITIES = [1, 2, 3];
/** Per-buyer limits of the entries: below their quantities, so that buyers reach them. */
const LIMITS = [1, 1, 2];
const BUYERS = 4;
/** Op ids are drawn from a set this large, so that retries of the same op happen now and then. */
const OPS = 30;

/** Mostly the host's own commands, so that shows go live and sell; sometimes a viewer's. */
const byHost = fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 });
/** Mostly entry 0, which has one unit. */
const waitEntry = fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.nat(QUANTITIES.length), weight: 1 });
/** Mostly buyer 1, the one waiting in line in the runs that start sold out. */
const waiter = fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.nat(BUYERS - 1), weight: 1 });
/** Mostly the first claim, which exists in half the runs from the start. */
const firstClaims = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(2), weight: 1 });
/** Mostly buyer 0, so that one buyer claims an entry again and again and meets its limit. */
const claimer = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat(BUYERS - 1), weight: 1 });
/** Entries 0-2 exist; 3 is an id of no entry of this show. */
const anyEntry = fc.oneof({ arbitrary: fc.nat(QUANTITIES.length - 1), weight: 8 }, { arbitrary: fc.constant(QUANTITIES.length), weight: 1 });

const command: fc.Arbitrary<TCommand> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('start' as const), byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), byHost, op: fc.nat(OPS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('feature' as const), entry: anyEntry, byHost, op: fc.nat(OPS) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('price' as const), entry: fc.nat(QUANTITIES.length - 1), price: fc.integer({ min: 1, max: 99_999 }), byHost, op: fc.nat(OPS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), buyer: claimer, entry: anyEntry, op: fc.nat(OPS) }), weight: 10 },
  // Voids aim at the first claims, which exist most often; joins and accepts at entry 0,
  // the one that sells out first, so that offers happen in many runs.
  { arbitrary: fc.record({ kind: fc.constant('void' as const), claim: firstClaims, byHost, op: fc.nat(OPS) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('join' as const), buyer: fc.nat(BUYERS - 1), entry: waitEntry, op: fc.nat(OPS) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('accept' as const), buyer: waiter, entry: waitEntry, op: fc.nat(OPS) }), weight: 5 },
  {
    arbitrary: fc.record({
      kind: fc.constant('update' as const), entry: waitEntry, quantity: fc.nat(4),
      limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), byHost, op: fc.nat(OPS),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), entry: anyEntry, byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('reorder' as const), rotate: fc.nat(2), valid: fc.boolean(), byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('withdraw' as const), entry: anyEntry }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'disconnect' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'reconnect' as const }), weight: 3 },
);

/**
 * Half the runs start from a sold-out entry 0 with a buyer waiting for it, so that voids
 * free units for offers in many runs; op ids above OPS never collide with random ones.
 */
const SOLD_OUT_WITH_WAITLIST: TCommand[] = [
  { kind: 'start', byHost: true, op: OPS + 1 },
  { kind: 'feature', entry: 0, byHost: true, op: OPS + 2 },
  { kind: 'claim', buyer: 0, entry: 0, op: OPS + 3 },
  { kind: 'join', buyer: 1, entry: 0, op: OPS + 4 },
];
const commands = fc
  .tuple(fc.boolean(), fc.array(command, { minLength: 1, maxLength: 60 }))
  // Every run ends with the client back, so every outage is caught up from.
  .map(([warm, rest]): TCommand[] => [...(warm ? SOLD_OUT_WITH_WAITLIST : []), ...rest, { kind: 'reconnect' }]);
/**
 * A reconnecting client more than this many events behind reloads a snapshot (the
 * server's bound, made small and drawn per run so that both ways back are taken).
 */
const catchUpLimit = fc.nat(3);

/** How often the runs reached the paths worth reaching; checked after all runs. */
const reached = { offers: 0, accepted: 0, removed: 0, withdrawn: 0, snapshots: 0, caughtUp: 0, limited: 0 };

/** Free units go to the first buyers on the entry's waitlist, as offers. */
const offerNext = (m: TModel, entry: number) => {
  const e = m.entries[entry]!;
  while (e.quantity - e.claimed - e.offered > 0 && e.waitlist.length > 0) {
    m.offers.push({ entry, buyer: e.waitlist.shift()! });
    reached.offers++;
    e.offered++;
  }
};
const buy = (m: TModel, buyer: number, entry: number) => {
  const e = m.entries[entry]!;
  e.claimed++;
  e.positions++;
  m.bought.set(`${buyer}:${entry}`, (m.bought.get(`${buyer}:${entry}`) ?? 0) + 1);
  m.claims.push({ buyer, entry, position: e.positions, voided: false });
};

const drop = (m: TModel, entry: number) => {
  m.entries[entry]!.removed = true;
  m.order = m.order.filter((i) => i !== entry);
};

/** The model's answer to a command: 'OK' or an error code; it changes the model like the engine should. */
const step = (m: TModel, c: TCommand, actor: string): string => {
  if (c.kind === 'withdraw') {
    const e = m.entries[c.entry];
    if (!e || e.removed) return 'OK';
    if (m.status === 'ended') return 'SHOW_ENDED';
    if (e.featuredOnce || e.claimed > 0 || e.offered > 0) return 'CONFLICT';
    drop(m, c.entry);
    reached.withdrawn++;
    return 'OK';
  }
  if (c.kind === 'disconnect' || c.kind === 'reconnect') return 'OK';
  const key = `${actor}:${c.kind}:${c.op}`;
  const earlier = m.replies.get(key);
  if (earlier) return earlier;
  let reply: string;
  const decide = (): string => {
    if (c.kind === 'claim') {
      if (m.status === 'ended') return 'SHOW_ENDED';
      if (m.status !== 'live') return 'NOT_LIVE';
      if (m.featured !== c.entry) return 'NOT_FEATURED';
      const e = m.entries[c.entry]!;
      // A buyer offered a unit of it claims that unit.
      const offer = m.offers.findIndex((o) => o.entry === c.entry && o.buyer === c.buyer);
      if (offer < 0 && e.claimed + e.offered >= e.quantity) return 'SOLD_OUT';
      if ((m.bought.get(`${c.buyer}:${c.entry}`) ?? 0) >= e.limit) return 'LIMIT_REACHED';
      if (offer >= 0) {
        m.offers.splice(offer, 1);
        e.offered--;
      }
      buy(m, c.buyer, c.entry);
      return 'OK';
    }
    if (c.kind === 'join') {
      if (m.status === 'ended') return 'SHOW_ENDED';
      if (m.status !== 'live') return 'NOT_LIVE';
      const e = m.entries[c.entry];
      if (!e || e.removed) return 'NOT_FOUND';
      if (e.quantity - e.claimed - e.offered > 0) return 'CONFLICT';
      if (e.waitlist.includes(c.buyer) || m.offers.some((o) => o.entry === c.entry && o.buyer === c.buyer)) return 'CONFLICT';
      if ((m.bought.get(`${c.buyer}:${c.entry}`) ?? 0) >= e.limit) return 'LIMIT_REACHED';
      e.waitlist.push(c.buyer);
      return 'OK';
    }
    if (c.kind === 'accept') {
      if (m.status === 'ended') return 'SHOW_ENDED';
      const at = m.offers.findIndex((o) => o.entry === c.entry && o.buyer === c.buyer);
      if (at < 0) return 'NOT_FOUND';
      if ((m.bought.get(`${c.buyer}:${c.entry}`) ?? 0) >= m.entries[c.entry]!.limit) return 'LIMIT_REACHED';
      reached.accepted++;
      m.offers.splice(at, 1);
      m.entries[c.entry]!.offered--;
      buy(m, c.buyer, c.entry);
      return 'OK';
    }
    if (c.kind === 'void') {
      if (!c.byHost) return 'FORBIDDEN';
      const claim = m.claims[c.claim];
      if (!claim) return 'NOT_FOUND';
      if (claim.voided) return 'CONFLICT';
      claim.voided = true;
      m.entries[claim.entry]!.claimed--;
      m.bought.set(`${claim.buyer}:${claim.entry}`, m.bought.get(`${claim.buyer}:${claim.entry}`)! - 1);
      if (m.status === 'live') offerNext(m, claim.entry);
      return 'OK';
    }
    if (!c.byHost) return 'FORBIDDEN';
    if (c.kind === 'start') {
      if (m.status !== 'scheduled') return m.status === 'ended' ? 'SHOW_ENDED' : 'CONFLICT';
      m.status = 'live';
      return 'OK';
    }
    if (c.kind === 'end') {
      if (m.status === 'ended') return 'SHOW_ENDED';
      m.status = 'ended';
      m.featured = null;
      return 'OK';
    }
    if (m.status === 'ended') return 'SHOW_ENDED';
    if (c.kind === 'reorder') {
      if (!c.valid) return 'INVALID_INPUT';
      const r = m.order.length ? c.rotate % m.order.length : 0;
      m.order = [...m.order.slice(r), ...m.order.slice(0, r)];
      return 'OK';
    }
    const e = m.entries[c.entry];
    if (!e || e.removed) return 'NOT_FOUND';
    if (c.kind === 'feature') {
      m.featured = c.entry;
      e.featuredOnce = true;
    } else if (c.kind === 'price') e.price = c.price;
    else if (c.kind === 'update') {
      if (c.quantity < e.claimed + e.offered) return 'CONFLICT';
      e.quantity = c.quantity;
      if (c.limit !== undefined) e.limit = c.limit;
      if (m.status === 'live') offerNext(m, c.entry);
    } else {
      if (m.featured === c.entry || e.claimed > 0 || e.offered > 0) return 'CONFLICT';
      drop(m, c.entry);
      reached.removed++;
    }
    return 'OK';
  };
  reply = decide();
  if (reply === 'LIMIT_REACHED') reached.limited++;
  // Refusals for who the actor is are not remembered; everything else answers retries alike.
  if (reply !== 'FORBIDDEN') m.replies.set(key, reply);
  return reply;
};

describe('the show engine against a model', () => {
  it('agrees with the model after every command, and a reconnecting client ends in the server\'s state', async () => {
    await fc.assert(
      fc.asyncProperty(commands, catchUpLimit, async (commands, CATCH_UP) => {
        const showId = randomUUID();
        const hostId = randomUUID();
        const viewerId = randomUUID();
        const buyers: string[] = Array.from({ length: BUYERS }, () => randomUUID());
        const entries: TShowEntry[] = QUANTITIES.map((quantity, i) => ({
          entryId: randomUUID(), listingId: randomUUID(), variantId: randomUUID(), title: `Item ${i}`, variantLabel: 'M',
          photoUrl: '/p.svg', sellerId: hostId, sellerName: 'Host', priceMinor: 1_000, currency: 'usd', quantity, perBuyerLimit: LIMITS[i]!, claimed: 0, offered: 0, cohosted: false,
        }));
        const entryIdOf = (i: number) => entries[i]?.entryId ?? randomUUID();
        await engine.open({ showId, hostId, title: 'Model show', entries });
        const m: TModel = {
          status: 'scheduled', featured: null,
          entries: QUANTITIES.map((quantity, i) => ({
            quantity, limit: LIMITS[i]!, claimed: 0, offered: 0, positions: 0, price: 1_000, waitlist: [], removed: false, featuredOnce: false,
          })),
          order: QUANTITIES.map((_, i) => i),
          offers: [], bought: new Map(), replies: new Map(), claims: [],
        };
        // A viewer's client: follows the log while connected; on reconnect it asks for what
        // came after its last seq, or reloads a snapshot when that is too far behind.
        let state = reduceShowEvents(await readShowLog(redis, showId));
        const client = { connected: true, state };

        for (const c of commands) {
          const actor = 'buyer' in c ? buyers[c.buyer]! : 'byHost' in c && c.byHost ? hostId : viewerId;
          // A void names a claim the model knows of (or none): look it up before the model moves.
          const target = c.kind === 'void' ? m.claims[c.claim] : undefined;
          const p = { showId, actorId: actor, clientOpId: `op${'op' in c ? c.op : 0}xxxxxx` };
          const expected = step(m, c, actor);
          let got: string;
          try {
            if (c.kind === 'start') await engine.start(p);
            else if (c.kind === 'end') await engine.end(p);
            else if (c.kind === 'feature') await engine.feature({ ...p, entryId: entryIdOf(c.entry) });
            else if (c.kind === 'price') await engine.setPrice({ ...p, entryId: entryIdOf(c.entry), priceMinor: c.price });
            else if (c.kind === 'claim' || c.kind === 'accept') {
              const claim = c.kind === 'claim'
                ? await engine.claim({ ...p, displayName: `Buyer ${c.buyer}`, entryId: entryIdOf(c.entry) })
                : await engine.acceptOffer({ ...p, displayName: `Buyer ${c.buyer}`, entryId: entryIdOf(c.entry) });
              const last = m.claims.at(-1);
              if (last && !last.claimId) last.claimId = claim.claimId;
            } else if (c.kind === 'join') await engine.joinWaitlist({ ...p, entryId: entryIdOf(c.entry) });
            else if (c.kind === 'update') await engine.updateEntry({ ...p, entryId: entryIdOf(c.entry), quantity: c.quantity, perBuyerLimit: c.limit });
            else if (c.kind === 'remove') await engine.removeEntry({ ...p, entryId: entryIdOf(c.entry) });
            else if (c.kind === 'reorder') {
              const ids = state.entries.map((e) => e.entryId);
              const r = ids.length ? c.rotate % ids.length : 0;
              await engine.reorder({ ...p, entryIds: c.valid ? [...ids.slice(r), ...ids.slice(0, r)] : [...ids, randomUUID()] });
            } else if (c.kind === 'withdraw') await engine.withdrawEntry(showId, entryIdOf(c.entry));
            else if (c.kind === 'disconnect') client.connected = false;
            else if (c.kind === 'reconnect') {
              const missed = await readShowLog(redis, showId, client.state.seq, CATCH_UP + 1);
              if (missed.length > CATCH_UP) {
                client.state = reduceShowEvents(await readShowLog(redis, showId));
                reached.snapshots++;
              } else {
                client.state = reduceShowEvents(missed, client.state);
                if (missed.length > 0) reached.caughtUp++;
              }
              client.connected = true;
            } else {
              await engine.voidClaim({
                ...p,
                entryId: entryIdOf(target?.entry ?? 0),
                claimId: target?.claimId ?? randomUUID(),
                reason: 'model test',
              });
            }
            got = 'OK';
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            got = error.code;
          }
          expect(got, JSON.stringify(c)).toBe(expected);

          state = reduceShowEvents(await readShowLog(redis, showId));
          if (client.connected) {
            client.state = reduceShowEvents(await readShowLog(redis, showId, client.state.seq), client.state);
            expect(client.state).toEqual(state);
          }
          expect(state.status).toBe(m.status);
          expect(state.featuredEntryId).toBe(m.featured === null ? null : entries[m.featured]!.entryId);
          const entryIndex = (id: string) => entries.findIndex((e) => e.entryId === id);
          // The queue holds what was not removed or withdrawn, in the host's order.
          expect(state.entries.map((e) => entryIndex(e.entryId))).toEqual(m.order);
          for (const e of state.entries) {
            const me = m.entries[entryIndex(e.entryId)]!;
            expect([e.quantity, e.claimed, e.offered, e.priceMinor]).toEqual([me.quantity, me.claimed, me.offered, me.price]);
            expect(e.claimed + e.offered).toBeLessThanOrEqual(e.quantity);
            expect((state.waitlists[e.entryId] ?? []).map((id) => buyers.indexOf(id))).toEqual(me.waitlist);
          }
          expect(state.claims.map((cl) => [buyers.indexOf(cl.userId), entryIndex(cl.entryId), cl.position, cl.voidedReason !== undefined])).toEqual(
            m.claims.map((cl) => [cl.buyer, cl.entry, cl.position, cl.voided]),
          );
          expect(state.offers.map((o) => [entryIndex(o.entryId), buyers.indexOf(o.userId)])).toEqual(m.offers.map((o) => [o.entry, o.buyer]));
        }
      }),
      { numRuns: 300 },
    );
    // A model test that never reaches a path cannot fail on it.
    expect(reached.offers).toBeGreaterThan(10);
    expect(reached.accepted).toBeGreaterThan(3);
    expect(reached.removed).toBeGreaterThan(3);
    expect(reached.withdrawn).toBeGreaterThan(3);
    expect(reached.caughtUp).toBeGreaterThan(10);
    expect(reached.snapshots).toBeGreaterThan(3);
    expect(reached.limited).toBeGreaterThan(3);
  });
});

describe('per-buyer limits', () => {
  /** A live show with one featured entry; returns what its tests need. */
  const liveShow = async (quantity: number, perBuyerLimit: number) => {
    const showId = randomUUID();
    const hostId = randomUUID();
    const entryId = randomUUID();
    await engine.open({
      showId, hostId, title: 'Limits', entries: [{
        entryId, listingId: randomUUID(), variantId: randomUUID(), title: 'Item', variantLabel: 'M', photoUrl: '/p.svg',
        sellerId: hostId, sellerName: 'Host', priceMinor: 1_000, currency: 'usd', quantity, perBuyerLimit, claimed: 0, offered: 0, cohosted: false,
      }],
    });
    await engine.start({ showId, actorId: hostId, clientOpId: 'start' });
    await engine.feature({ showId, actorId: hostId, clientOpId: 'feature', entryId });
    let op = 0;
    const claim = (actorId: string) =>
      engine.claim({ showId, actorId, displayName: 'Buyer', clientOpId: `c${op++}`, entryId }).then((c) => c.claimId, codeOf);
    return { showId, hostId, entryId, claim, next: () => `o${op++}` };
  };
  const codeOf = (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error));

  it('counts each buyer\'s units, gives one back on a void, and holds the limit at the waitlist and the offer', async () => {
    const show = await liveShow(5, 2);
    const [alice, bob, carol, dave] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const first = await show.claim(alice);
    expect(await show.claim(alice)).not.toBe('LIMIT_REACHED');
    expect(await show.claim(alice)).toBe('LIMIT_REACHED');
    // Another buyer's units are counted apart.
    expect(await show.claim(bob)).not.toBe('LIMIT_REACHED');
    await engine.voidClaim({ showId: show.showId, actorId: show.hostId, clientOpId: show.next(), entryId: show.entryId, claimId: first!, reason: 'test' });
    expect(await show.claim(alice)).not.toBe('LIMIT_REACHED');
    expect(await show.claim(alice)).toBe('LIMIT_REACHED');
    expect(await show.claim(bob)).not.toBe('LIMIT_REACHED');
    expect(await show.claim(carol)).not.toBe('SOLD_OUT');
    // 5 of 5 claimed: alice 2, bob 2, carol 1.
    expect(await show.claim(dave)).toBe('SOLD_OUT');

    // A buyer at the limit may not wait in line; one below it may.
    const join = (actorId: string) => engine.joinWaitlist({ showId: show.showId, actorId, clientOpId: show.next(), entryId: show.entryId }).then(() => 'OK', codeOf);
    expect(await join(alice)).toBe('LIMIT_REACHED');
    expect(await join(carol)).toBe('OK');
    const update = (change: { quantity?: number; perBuyerLimit?: number }) =>
      engine.updateEntry({ showId: show.showId, actorId: show.hostId, clientOpId: show.next(), entryId: show.entryId, ...change });
    const accept = () => engine.acceptOffer({ showId: show.showId, actorId: carol, displayName: 'Carol', clientOpId: show.next(), entryId: show.entryId })
      .then((c) => c.position, codeOf);
    // A sixth unit is offered to carol; the host then lowers the limit to what she holds.
    await update({ quantity: 6 });
    await update({ perBuyerLimit: 1 });
    expect(await accept()).toBe('LIMIT_REACHED');
    await update({ perBuyerLimit: 2 });
    // The seventh place: six claims before it, one of them voided.
    expect(await accept()).toBe(7);
  });
});
