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
  entries: { quantity: number; claimed: number; price: number }[];
  bought: Map<string, number>;
  replies: Map<string, string>;
  claims: { buyer: number; entry: number; position: number }[];
};

type TCommand =
  | { kind: 'start'; byHost: boolean; op: number }
  | { kind: 'end'; byHost: boolean; op: number }
  | { kind: 'feature'; entry: number; byHost: boolean; op: number }
  | { kind: 'price'; entry: number; price: number; byHost: boolean; op: number }
  | { kind: 'claim'; buyer: number; entry: number; op: number };

const QUANTITIES = [1, 2, 3];
const BUYERS = 4;
/** Op ids are drawn from a set this large, so that retries of the same op happen now and then. */
const OPS = 30;

/** Mostly the host's own commands, so that shows go live and sell; sometimes a viewer's. */
const byHost = fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 });
/** Entries 0-2 exist; 3 is an id of no entry of this show. */
const anyEntry = fc.oneof({ arbitrary: fc.nat(QUANTITIES.length - 1), weight: 8 }, { arbitrary: fc.constant(QUANTITIES.length), weight: 1 });

const command: fc.Arbitrary<TCommand> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('start' as const), byHost, op: fc.nat(OPS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), byHost, op: fc.nat(OPS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('feature' as const), entry: anyEntry, byHost, op: fc.nat(OPS) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('price' as const), entry: fc.nat(QUANTITIES.length - 1), price: fc.integer({ min: 1, max: 99_999 }), byHost, op: fc.nat(OPS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), buyer: fc.nat(BUYERS - 1), entry: anyEntry, op: fc.nat(OPS) }), weight: 10 },
);

/** The model's answer to a command: 'OK' or an error code; it changes the model like the engine should. */
const step = (m: TModel, c: TCommand, actor: string): string => {
  const key = `${actor}:${c.op}`;
  const earlier = m.replies.get(key);
  if (earlier) return earlier;
  let reply: string;
  const decide = (): string => {
    if (c.kind === 'claim') {
      if (m.status === 'ended') return 'SHOW_ENDED';
      if (m.status !== 'live') return 'NOT_LIVE';
      if (m.featured !== c.entry) return 'NOT_FEATURED';
      const e = m.entries[c.entry]!;
      if (e.claimed >= e.quantity) return 'SOLD_OUT';
      if ((m.bought.get(`${c.buyer}:${c.entry}`) ?? 0) >= e.quantity) return 'LIMIT_REACHED';
      e.claimed++;
      m.bought.set(`${c.buyer}:${c.entry}`, (m.bought.get(`${c.buyer}:${c.entry}`) ?? 0) + 1);
      m.claims.push({ buyer: c.buyer, entry: c.entry, position: e.claimed });
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
    if (c.entry >= m.entries.length) return 'NOT_FOUND';
    if (c.kind === 'feature') m.featured = c.entry;
    else m.entries[c.entry]!.price = c.price;
    return 'OK';
  };
  reply = decide();
  // Refusals for who the actor is are not remembered; everything else answers retries alike.
  if (reply !== 'FORBIDDEN') m.replies.set(key, reply);
  return reply;
};

describe('the show engine against a model', () => {
  it('agrees with the model after every command, and never oversells', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
        const showId = randomUUID();
        const hostId = randomUUID();
        const viewerId = randomUUID();
        const buyers: string[] = Array.from({ length: BUYERS }, () => randomUUID());
        const entries: TShowEntry[] = QUANTITIES.map((quantity, i) => ({
          entryId: randomUUID(), listingId: randomUUID(), variantId: randomUUID(), title: `Item ${i}`, variantLabel: 'M',
          photoUrl: '/p.svg', sellerId: hostId, sellerName: 'Host', priceMinor: 1_000, currency: 'usd', quantity, perBuyerLimit: quantity, claimed: 0, offered: 0, cohosted: false,
        }));
        const entryIdOf = (i: number) => entries[i]?.entryId ?? randomUUID();
        await engine.open({ showId, hostId, title: 'Model show', entries });
        const m: TModel = {
          status: 'scheduled', featured: null, entries: QUANTITIES.map((quantity) => ({ quantity, claimed: 0, price: 1_000 })),
          bought: new Map(), replies: new Map(), claims: [],
        };

        for (const c of commands) {
          const actor = c.kind === 'claim' ? buyers[c.buyer]! : c.byHost ? hostId : viewerId;
          const p = { showId, actorId: actor, clientOpId: `op${c.op}xxxxxx` };
          const expected = step(m, c, actor);
          let got: string;
          try {
            if (c.kind === 'start') await engine.start(p);
            else if (c.kind === 'end') await engine.end(p);
            else if (c.kind === 'feature') await engine.feature({ ...p, entryId: entryIdOf(c.entry) });
            else if (c.kind === 'price') await engine.setPrice({ ...p, entryId: entryIdOf(c.entry), priceMinor: c.price });
            else await engine.claim({ ...p, displayName: `Buyer ${c.buyer}`, entryId: entryIdOf(c.entry) });
            got = 'OK';
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            got = error.code;
          }
          expect(got, JSON.stringify(c)).toBe(expected);

          const state = reduceShowEvents(await readShowLog(redis, showId));
          expect(state.status).toBe(m.status);
          expect(state.featuredEntryId).toBe(m.featured === null ? null : entries[m.featured]!.entryId);
          state.entries.forEach((e, i) => {
            expect(e.claimed).toBe(m.entries[i]!.claimed);
            expect(e.claimed).toBeLessThanOrEqual(e.quantity);
            expect(e.priceMinor).toBe(m.entries[i]!.price);
          });
          expect(state.claims.map((cl) => [buyers.indexOf(cl.userId), entries.findIndex((e) => e.entryId === cl.entryId), cl.position])).toEqual(
            m.claims.map((cl) => [cl.buyer, cl.entry, cl.position]),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
