import { randomUUID } from 'node:crypto';
import { createDb, createRedis, LOG_FIELD, readShowLog, showKeys, withTransaction, type Redis, type TDb } from '@showcart/common';
import { unitsForNewEntry, updateShowEntry } from '../../catalog/stock.ts';
import { listShowEntries, setShowStatus } from '../repo.ts';
import { AppError, reduceShowEvents, ZShowEvent, type TShowEntry } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../../../../../infra/test/global-setup.ts';
import { createShowEngine, type TShowEngine } from './show-engine.ts';

let redis: Redis;
let engine: TShowEngine;
let db: TDb;
beforeAll(() => {
  redis = createRedis(inject('componentEnv').REDIS_URL!);
  engine = createShowEngine(redis, { offerTtlMs: 60_000 });
  db = createDb(inject('componentEnv').DATABASE_URL!, 2);
});
afterAll(async () => {
  redis.disconnect();
  await db.end();
});

/** What the engine should do, written as plainly as possible. */
type TModel = {
  status: 'scheduled' | 'live' | 'ended';
  featured: number | null;
  entries: {
    quantity: number; limit: number; claimed: number; offered: number; positions: number; price: number; waitlist: number[];
    removed: boolean; featuredOnce: boolean;
    /** The variant's units in the closet; what this entry holds of them; what other shows hold. */
    closet: number; held: number; elsewhere: number;
    /** Withdrawn: deleted from Postgres too, with its hold. */
    gone?: boolean;
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
  /** Another show of the host puts units of the entry's variant on sale (holding them). */
  | { kind: 'elsewhere'; entry: number; units: number }
  /** The watching client loses its connection, or comes back and catches up from its last seq. */
  | { kind: 'disconnect' }
  | { kind: 'reconnect' };

const QUANTITIES = [1, 2, 3];
/** Each variant's closet holds its entry's units and up to this many more, drawn per run. */
const MAX_SPARE_UNITS = 3;
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
      kind: fc.constant('update' as const), entry: waitEntry, quantity: fc.nat(QUANTITIES.at(-1)! + MAX_SPARE_UNITS + 1),
      limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), byHost, op: fc.nat(OPS),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), entry: anyEntry, byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('reorder' as const), rotate: fc.nat(2), valid: fc.boolean(), byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('withdraw' as const), entry: anyEntry }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('elsewhere' as const), entry: fc.nat(QUANTITIES.length - 1), units: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
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
const reached = { offers: 0, accepted: 0, removed: 0, withdrawn: 0, snapshots: 0, caughtUp: 0, limited: 0, raised: 0, noStock: 0 };

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
    if (!e) return 'OK';
    // An entry the host removed is not in the engine: the seller's withdrawal deletes its row.
    if (e.removed) {
      e.held = 0;
      e.gone = true;
      return 'OK';
    }
    if (m.status === 'ended') return 'SHOW_ENDED';
    if (e.featuredOnce || e.claimed > 0 || e.offered > 0) return 'CONFLICT';
    drop(m, c.entry);
    e.held = 0;
    e.gone = true;
    reached.withdrawn++;
    return 'OK';
  }
  if (c.kind === 'elsewhere') {
    const e = m.entries[c.entry]!;
    if (c.units > e.closet - e.held - e.elsewhere) return 'NOT_ENOUGH_STOCK';
    e.elsewhere += c.units;
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
    // A raise takes its units from the closet before the engine hears of it, for any entry
    // Postgres has (a removed one too) while the show runs, and only for its host.
    if (c.kind === 'update' && c.byHost && m.status !== 'ended') {
      const e = m.entries[c.entry];
      if (e && !e.gone && c.quantity > e.held) {
        if (c.quantity - e.held > e.closet - e.held - e.elsewhere) return 'NOT_ENOUGH_STOCK';
        e.held = c.quantity;
        reached.raised++;
      }
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
  if (reply === 'NOT_ENOUGH_STOCK') reached.noStock++;
  // Refusals for who the actor is, of a malformed queue (INVALID_INPUT) and of a raise the
  // closet cannot cover (decided in Postgres, before the engine) are not remembered: a
  // retry is asked again. Everything else answers retries alike.
  if (reply !== 'FORBIDDEN' && reply !== 'INVALID_INPUT' && reply !== 'NOT_ENOUGH_STOCK') m.replies.set(key, reply);
  return reply;
};

/** Spare units in each variant's closet beyond what its entry holds at first. */
const spareUnits = fc.tuple(...QUANTITIES.map(() => fc.nat(MAX_SPARE_UNITS)));

/** The model's show in Postgres: a host, one variant per entry with its spare units, and the show's entries. */
const modelShow = async (spares: number[]) => {
  const { rows: users } = await db.query<{ id: string }>(
    `insert into users (email, password_hash, display_name) values ($1, 'not a hash', 'Model host') returning id`,
    [`model-${randomUUID()}@showcart.test`],
  );
  const hostId = users[0]!.id;
  const { rows: shows } = await db.query<{ id: string }>(`insert into shows (host_id, title) values ($1, 'Model show') returning id`, [hostId]);
  const showId = shows[0]!.id;
  const variantIds: string[] = [];
  for (const [i, quantity] of QUANTITIES.entries()) {
    const { rows: listings } = await db.query<{ id: string }>(
      `insert into listings (seller_id, title, photo_url, price_minor, category, condition) values ($1, $2, '/p.svg', 1000, 'women', 'good') returning id`,
      [hostId, `Item ${i}`],
    );
    const { rows: variants } = await db.query<{ id: string }>(
      `insert into listing_variants (listing_id, label, quantity) values ($1, 'M', $2) returning id`,
      [listings[0]!.id, quantity + spares[i]!],
    );
    variantIds.push(variants[0]!.id);
    await db.query(
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity) values ($1, $2, $3, $4, 1000, $5)`,
      [showId, i, variants[0]!.id, hostId, quantity],
    );
  }
  const entries: TShowEntry[] = (await listShowEntries(db, showId)).map((e, i) => ({ ...e, perBuyerLimit: LIMITS[i]! }));
  return { hostId, showId, variantIds, entries };
};

/** Deletes a model run's host and everything it made. */
const dropModelShow = async (hostId: string) =>
  withTransaction(db, async (tx) => {
    await tx.query('delete from show_entries e using shows s where s.id = e.show_id and s.host_id = $1', [hostId]);
    await tx.query('delete from shows where host_id = $1', [hostId]);
    await tx.query('delete from listing_variants v using listings l where l.id = v.listing_id and l.seller_id = $1', [hostId]);
    await tx.query('delete from listings where seller_id = $1', [hostId]);
    await tx.query('delete from users where id = $1', [hostId]);
  });

/** Another show of the host takes `units` of the variant, as creating a show does. */
const sellElsewhere = async (hostId: string, variantId: string, units: number) =>
  withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(`insert into shows (host_id, title) values ($1, 'Elsewhere') returning id`, [hostId]);
    const quantity = await unitsForNewEntry(tx, { variantId, quantity: units });
    await tx.query(
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity) values ($1, 0, $2, $3, 1000, $4)`,
      [rows[0]!.id, variantId, hostId, quantity],
    );
  });

/** Each variant's reserved units and closet quantity, and what its entry of the model show holds. */
const stockOf = async (variantIds: string[], entryIds: string[]) => {
  const { rows } = await db.query<{ id: string; reserved: number; quantity: number; held: number | null }>(
    `select v.id, v.reserved, v.quantity, (select e.quantity from show_entries e where e.id = any($2::uuid[]) and e.variant_id = v.id) as held
       from listing_variants v where v.id = any($1::uuid[])`,
    [variantIds, entryIds],
  );
  return variantIds.map((id) => {
    const row = rows.find((r) => r.id === id)!;
    return { reserved: row.reserved, held: row.held, quantity: row.quantity };
  });
};

describe('the show engine against a model', () => {
  it('agrees with the model after every command, and a reconnecting client ends in the server\'s state', async () => {
    await fc.assert(
      fc.asyncProperty(commands, catchUpLimit, spareUnits, async (commands, CATCH_UP, spares) => {
        // The show and its closet in Postgres, where stock is held; the show's state in Redis.
        const { hostId, showId, variantIds, entries } = await modelShow(spares);
        const viewerId = randomUUID();
        const buyers: string[] = Array.from({ length: BUYERS }, () => randomUUID());
        const entryIdOf = (i: number) => entries[i]?.entryId ?? randomUUID();
        await engine.open({ showId, hostId, title: 'Model show', entries });
        const m: TModel = {
          status: 'scheduled', featured: null,
          entries: QUANTITIES.map((quantity, i) => ({
            quantity, limit: LIMITS[i]!, claimed: 0, offered: 0, positions: 0, price: 1_000, waitlist: [], removed: false, featuredOnce: false,
            closet: quantity + spares[i]!, held: quantity, elsewhere: 0,
          })),
          order: QUANTITIES.map((_, i) => i),
          offers: [], bought: new Map(), replies: new Map(), claims: [],
        };
        // A viewer's client: follows the log while connected; on reconnect it asks for what
        // came after its last seq, or reloads a snapshot when that is too far behind.
        let state = reduceShowEvents(await readShowLog(redis, showId));
        const client = { connected: true, state };

        // The model's rows leave the shared database after each run: other tests list shows.
        try {
          for (const c of commands) {
            const actor = 'buyer' in c ? buyers[c.buyer]! : 'byHost' in c && c.byHost ? hostId : viewerId;
            // A void names a claim the model knows of (or none): look it up before the model moves.
            const target = c.kind === 'void' ? m.claims[c.claim] : undefined;
            const p = { showId, actorId: actor, clientOpId: `op${'op' in c ? c.op : 0}xxxxxx` };
            const expected = step(m, c, actor);
            let got: string;
            try {
              // As the realtime node does: Postgres follows the show's status once the engine moved it.
              if (c.kind === 'start') {
                await engine.start(p);
                await setShowStatus(db, showId, ['scheduled'], 'live');
              } else if (c.kind === 'end') {
                await engine.end(p);
                await setShowStatus(db, showId, ['scheduled', 'live'], 'ended');
              }
              else if (c.kind === 'feature') await engine.feature({ ...p, entryId: entryIdOf(c.entry) });
              else if (c.kind === 'price') await engine.setPrice({ ...p, entryId: entryIdOf(c.entry), priceMinor: c.price });
              else if (c.kind === 'claim' || c.kind === 'accept') {
                const claim = c.kind === 'claim'
                  ? await engine.claim({ ...p, displayName: `Buyer ${c.buyer}`, entryId: entryIdOf(c.entry) })
                  : await engine.acceptOffer({ ...p, displayName: `Buyer ${c.buyer}`, entryId: entryIdOf(c.entry) });
                const last = m.claims.at(-1);
                if (last && !last.claimId) last.claimId = claim.claimId;
              } else if (c.kind === 'join') await engine.joinWaitlist({ ...p, entryId: entryIdOf(c.entry) });
              else if (c.kind === 'update') await updateShowEntry({ db, engine }, { ...p, entryId: entryIdOf(c.entry), quantity: c.quantity, perBuyerLimit: c.limit });
              else if (c.kind === 'remove') await engine.removeEntry({ ...p, entryId: entryIdOf(c.entry) });
              else if (c.kind === 'reorder') {
                const ids = state.entries.map((e) => e.entryId);
                const r = ids.length ? c.rotate % ids.length : 0;
                await engine.reorder({ ...p, entryIds: c.valid ? [...ids.slice(r), ...ids.slice(0, r)] : [...ids, randomUUID()] });
              } else if (c.kind === 'withdraw') {
                // As the co-host route does: the engine lets the entry go, then Postgres deletes it and its hold.
                await engine.withdrawEntry(showId, entryIdOf(c.entry));
                if (entries[c.entry]) await db.query('delete from show_entries where id = $1', [entryIdOf(c.entry)]);
              } else if (c.kind === 'elsewhere') await sellElsewhere(hostId, variantIds[c.entry]!, c.units);
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
            // One stock: Postgres holds what the model says, and the engine never sells more of
            // an entry than it holds, nor the closet more than it has.
            const stock = await stockOf(variantIds, entries.map((e) => e.entryId));
            m.entries.forEach((me, i) => {
              expect(stock[i], JSON.stringify(c)).toEqual({ reserved: me.held + me.elsewhere, held: me.gone ? null : me.held, quantity: me.closet });
            });
            for (const e of state.entries) expect(e.quantity).toBeLessThanOrEqual(m.entries[entryIndex(e.entryId)]!.held);
          }
          // Every event the scripts built is exactly an event of the protocol: nothing
          // missing, nothing the schema does not name.
          for (const [, fields] of (await redis.xrange(showKeys(showId).log, '-', '+')) as [string, string[]][]) {
            const raw: unknown = JSON.parse(fields[fields.indexOf(LOG_FIELD) + 1]!);
            expect(ZShowEvent.parse(raw)).toEqual(raw);
          }
        } finally {
          await dropModelShow(hostId);
        }
      }),
      { numRuns: 400 },
    );
    // A model test that never reaches a path cannot fail on it.
    expect(reached.offers).toBeGreaterThan(10);
    expect(reached.accepted).toBeGreaterThan(3);
    expect(reached.removed).toBeGreaterThan(3);
    expect(reached.withdrawn).toBeGreaterThan(3);
    expect(reached.caughtUp).toBeGreaterThan(10);
    expect(reached.snapshots).toBeGreaterThan(3);
    expect(reached.limited).toBeGreaterThan(3);
    expect(reached.raised).toBeGreaterThan(5);
    expect(reached.noStock).toBeGreaterThan(3);
  });
});

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

describe('per-buyer limits', () => {

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
    const base = () => ({ showId: show.showId, actorId: show.hostId, clientOpId: show.next(), entryId: show.entryId });
    const update = (change: { quantity: number } | { perBuyerLimit: number }) =>
      engine.updateEntry('quantity' in change ? { ...base(), quantity: change.quantity, heldUnits: change.quantity } : { ...base(), ...change });
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

describe('the engine and the closet', () => {
  it('never puts more of an entry on sale than the entry holds in the closet, whatever the caller asks', async () => {
    const { showId, hostId, entryId } = await liveShow(2, 2);
    const raise = (quantity: number, heldUnits: number, clientOpId: string) =>
      engine.updateEntry({ showId, actorId: hostId, clientOpId, entryId, quantity, heldUnits }).then(() => 'OK', codeOf);
    expect(await raise(5, 4, 'over')).toBe('NOT_ENOUGH_STOCK');
    expect(reduceShowEvents(await readShowLog(redis, showId)).entries[0]!.quantity).toBe(2);
    expect(await raise(4, 4, 'exact')).toBe('OK');
    expect(await raise(3, 4, 'lower')).toBe('OK');
    expect(reduceShowEvents(await readShowLog(redis, showId)).entries[0]!.quantity).toBe(3);
  });
});
