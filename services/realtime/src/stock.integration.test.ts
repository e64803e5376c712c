import { randomUUID } from 'node:crypto';
import { releaseShowStock } from '@showcart/domain';
import type { TAck, TClaimAck, TCommandAck } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, until, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

/**
 * One stock across channels (invariant 1): a variant's closet is the single truth, live in
 * two shows and sold from a replay at once, raised live by its host; never more is sold
 * than the closet held, and settling never has to clamp it.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

const stockOf = async (variantId: string) =>
  (await stack.db.query<{ quantity: number; reserved: number }>('select quantity, reserved from listing_variants where id = $1', [variantId])).rows[0]!;

/** Units of the variant in paid orders, from every channel. */
const soldOf = async (variantId: string) =>
  (await stack.db.query<{ n: number }>(
    `select count(*)::int as n from order_items oi join orders o on o.id = oi.order_id join claims c on c.id = oi.claim_id
       join show_entries e on e.id = c.entry_id where e.variant_id = $1 and o.status = 'paid'`,
    [variantId],
  )).rows[0]!.n;

/** A live show of one entry of the variant, featured, with its host's socket. */
const liveShow = async (host: { cookie: string }, variantId: string, quantity: number) => {
  const show = await stack.createShow(host.cookie, [{ variantId, quantity }]);
  const socket = await stack.connect(host.cookie);
  await snapshotOf(socket, show.id);
  const ask = <R extends TAck>(event: string, extra: object = {}) => request<R>(socket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
  expect(await ask('show:start')).toMatchObject({ ok: true });
  expect(await ask('queue:feature', { entryId: show.entries[0]!.entryId })).toMatchObject({ ok: true });
  return { show, entryId: show.entries[0]!.entryId, ask };
};

/** An earlier show of the variant that sold nothing, settled, with a ready recording: its replay sells from the closet. */
const replayOf = async (host: { cookie: string }, variantId: string) => {
  const show = await stack.createShow(host.cookie, [{ variantId, quantity: 1 }]);
  await stack.db.query(`update shows set status = 'settled', started_at = now() - interval '1 hour', ended_at = now() - interval '30 minutes' where id = $1`, [show.id]);
  await releaseShowStock(stack.db, show.id);
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into recordings (show_id, backend, status, started_at, ended_at) values ($1, 'builtin', 'ready', now() - interval '1 hour', now()) returning id`,
    [show.id],
  );
  await stack.db.query(
    `insert into recording_segments (recording_id, part, seq, started_at, duration_ms, bytes, path) values ($1, 0, 0, now() - interval '1 hour', 2000, 188, 'part-0/seg-00000.ts')`,
    [rows[0]!.id],
  );
  return { show, entryId: show.entries[0]!.entryId };
};

const codeOf = (ack: TAck) => (ack.ok ? 'OK' : ack.code);

describe('one stock across channels', () => {
  it('refuses a live raise beyond what the closet has free, and changes nothing', async () => {
    const host = await stack.createUser();
    const { variantIds } = await stack.createListing(host.id, { variants: [['M', 6]] });
    const variantId = variantIds[0]!;
    // As the issue found it: 6 in the closet, a show of 16 is refused at creation...
    const tooMany = await stack.http('POST', '/api/shows', { cookie: host.cookie, body: { title: 'Too many', entries: [{ variantId, quantity: 16 }] } });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([409, 'NOT_ENOUGH_STOCK']);
    // ...and now a live raise to 16 is too.
    const live = await liveShow(host, variantId, 6);
    const raise = await live.ask<TCommandAck>('queue:update', { entryId: live.entryId, quantity: 16 });
    expect(raise).toMatchObject({ ok: false, code: 'NOT_ENOUGH_STOCK' });
    expect(raise.ok ? '' : raise.message).toBe('No more units are free in the seller’s closet: this item can have at most 6.');
    expect((await snapshotOf(await stack.connect(host.cookie), live.show.id)).entries[0]!.quantity).toBe(6);
    expect(await stockOf(variantId)).toEqual({ quantity: 6, reserved: 6 });
    // A second live show of the same item finds nothing free.
    const second = await stack.http('POST', '/api/shows', { cookie: host.cookie, body: { title: 'Same item', entries: [{ variantId }] } });
    expect(second.body.error.code).toBe('NOT_ENOUGH_STOCK');
    // Lowering is always allowed; the units come back when the show settles.
    expect(codeOf(await live.ask('queue:update', { entryId: live.entryId, quantity: 4 }))).toBe('OK');
    expect(await stockOf(variantId)).toEqual({ quantity: 6, reserved: 6 });
    expect(codeOf(await live.ask('show:end'))).toBe('OK');
    await until('the show settled', async () => (await stack.db.query(`select 1 from shows where id = $1 and status = 'settled'`, [live.show.id])).rows[0]);
    expect(await stockOf(variantId)).toEqual({ quantity: 6, reserved: 0 });
  });

  it('never sells more than the closet holds while two live shows and a replay sell the same item at once', async () => {
    const CLOSET = 6;
    for (let round = 0; round < 3; round++) {
      const host = await stack.createUser({ name: 'Closet owner' });
      const { variantIds } = await stack.createListing(host.id, { title: 'Denim jacket', variants: [['M', CLOSET]] });
      const variantId = variantIds[0]!;
      const replay = await replayOf(host, variantId);
      const a = await liveShow(host, variantId, 2);
      const b = await liveShow(host, variantId, 2);
      const buyers = await Promise.all(Array.from({ length: 12 }, () => stack.createUser({ withCard: true })));
      const sockets: TClientSocket[] = await Promise.all(buyers.map((buyer) => stack.connect(buyer.cookie)));
      for (const socket of sockets) {
        await snapshotOf(socket, a.show.id);
        await snapshotOf(socket, b.show.id);
      }
      const claim = (socket: TClientSocket, live: typeof a) =>
        request<TClaimAck>(socket, 'claim:create', { showId: live.show.id, clientOpId: newOpId(), entryId: live.entryId });
      const buy = (cookie: string) =>
        stack.http('POST', `/api/replays/${replay.show.id}/entries/${replay.entryId}/buy`, { cookie, body: { attemptId: randomUUID() } });
      // Everything at once: both hosts' raises (which together ask for more than is free),
      // every buyer's claim in both shows, and replay purchases.
      const [raiseA, raiseB, ...rest] = await Promise.all([
        a.ask<TCommandAck>('queue:update', { entryId: a.entryId, quantity: 4 }),
        b.ask<TCommandAck>('queue:update', { entryId: b.entryId, quantity: 4 }),
        ...sockets.flatMap((socket) => [claim(socket, a), claim(socket, b)]),
        ...buyers.slice(0, 5).map((buyer) => buy(buyer.cookie)),
      ]);
      const claims = rest.slice(0, sockets.length * 2) as TClaimAck[];
      const purchases = rest.slice(sockets.length * 2) as { status: number; body: { error?: { code: string } } }[];
      const raised = [raiseA, raiseB].filter((r) => r!.ok).length;
      const won = claims.filter((c) => c.ok).length;
      const bought = purchases.filter((p) => p.status === 201).length;
      expect(purchases.filter((p) => p.status !== 201).map((p) => p.body.error?.code)).toEqual(Array(5 - bought).fill('SOLD_OUT'));
      for (const refused of [raiseA, raiseB].filter((r) => !r!.ok)) expect(refused).toMatchObject({ code: 'NOT_ENOUGH_STOCK' });
      // What was on sale never exceeded the closet: 2 + 2 in the shows, the raises and the
      // replay's purchases sharing the 2 left.
      expect(raised * 2 + bought).toBeLessThanOrEqual(CLOSET - 4);
      expect(won).toBeLessThanOrEqual(4 + raised * 2);
      expect(won + bought).toBeLessThanOrEqual(CLOSET);

      expect(codeOf(await a.ask('show:end'))).toBe('OK');
      expect(codeOf(await b.ask('show:end'))).toBe('OK');
      // Every claim and purchase charged (stripe-mock pays), and the closet holds the rest.
      await until('every order paid', async () => (await soldOf(variantId)) === won + bought);
      await until('both shows settled', async () =>
        (await stack.db.query(`select count(*)::int as n from shows where id = any($1) and status = 'settled'`, [[a.show.id, b.show.id]])).rows[0]!.n === 2);
      expect(await stockOf(variantId)).toEqual({ quantity: CLOSET - won - bought, reserved: 0 });
      for (const socket of sockets) socket.disconnect();
    }
  }, 180_000);
});
