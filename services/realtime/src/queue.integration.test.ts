import type { TClaimAck, TCommandAck } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

const state = snapshotOf;

const queueShow = async () => {
  const host = await stack.createUser();
  const entries = [];
  for (const quantity of [3, 1, 2]) entries.push({ variantId: (await stack.createListing(host.id, { variants: [['M', quantity]] })).variantIds[0]! });
  const show = await stack.createShow(host.cookie, entries);
  const hostSocket = await stack.connect(host.cookie, { node: 0 });
  const buyers = await stack.createBuyers(2);
  const [amy, ben] = await Promise.all(buyers.map((b) => stack.connect(b.cookie, { node: 1 })));
  await state(hostSocket, show.id);
  const cmd = <R = TCommandAck>(socket: TClientSocket, event: string, extra: object) =>
    request<R>(socket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
  return { show, ids: show.entries.map((e) => e.entryId), host: hostSocket, amy: amy!, ben: ben!, cmd };
};

describe('the show queue', () => {
  it('reorders, limits per buyer, marks sold out and removes, as the host says', async () => {
    const t = await queueShow();
    const [a, b, c] = t.ids as [string, string, string];
    expect(await t.cmd(t.host, 'queue:reorder', { entryIds: [c, a, b] })).toMatchObject({ ok: true });
    expect((await state(t.amy, t.show.id)).entries.map((e) => e.entryId)).toEqual([c, a, b]);

    await t.cmd(t.host, 'show:start', {});
    await t.cmd(t.host, 'queue:feature', { entryId: a });
    expect(await t.cmd(t.host, 'queue:update', { entryId: a, perBuyerLimit: 1 })).toMatchObject({ ok: true });
    expect(await t.cmd<TClaimAck>(t.amy, 'claim:create', { entryId: a })).toMatchObject({ ok: true });
    expect(await t.cmd<TClaimAck>(t.amy, 'claim:create', { entryId: a })).toMatchObject({ ok: false, code: 'LIMIT_REACHED' });

    // Sold out: quantity down to what is taken, and no lower.
    expect(await t.cmd(t.host, 'queue:update', { entryId: a, quantity: 0 })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await t.cmd(t.host, 'queue:update', { entryId: a, quantity: 1 })).toMatchObject({ ok: true });
    expect(await t.cmd<TClaimAck>(t.ben, 'claim:create', { entryId: a })).toMatchObject({ ok: false, code: 'SOLD_OUT' });

    // Only an untouched, unfeatured entry can leave the queue.
    expect(await t.cmd(t.host, 'queue:remove', { entryId: a })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await t.cmd(t.host, 'queue:remove', { entryId: b })).toMatchObject({ ok: true });
    const s = await state(t.ben, t.show.id);
    expect(s.entries.map((e) => [e.entryId, e.quantity, e.perBuyerLimit, e.claimed])).toEqual([
      [c, 2, 2, 0],
      [a, 1, 1, 1],
    ]);
    expect(await t.cmd(t.host, 'queue:feature', { entryId: b })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('refuses queue changes from viewers and bad orders from the host, changing nothing', async () => {
    const t = await queueShow();
    const [a, b, c] = t.ids as [string, string, string];
    const before = await state(t.amy, t.show.id);
    const refused = await Promise.all([
      t.cmd(t.amy, 'queue:reorder', { entryIds: [c, b, a] }),
      t.cmd(t.amy, 'queue:update', { entryId: a, quantity: 100 }),
      t.cmd(t.amy, 'queue:remove', { entryId: b }),
      t.cmd(t.host, 'queue:reorder', { entryIds: [a, b] }),
      t.cmd(t.host, 'queue:reorder', { entryIds: [a, a, b] }),
      t.cmd(t.host, 'queue:reorder', { entryIds: [a, b, '00000000-0000-4000-8000-000000000000'] }),
      t.cmd(t.host, 'queue:update', { entryId: a }),
      t.cmd(t.host, 'queue:update', { entryId: a, perBuyerLimit: 0 }),
    ]);
    expect(refused.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT',
    ]);
    expect(await state(t.amy, t.show.id)).toEqual(before);
  });
});
