import type { TClaimAck, TCommandAck, TOrder, TShowEvent } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2, worker: true, env: { WAITLIST_OFFER_SECONDS: '1' } });
});
afterAll(async () => stack?.close());

const state = snapshotOf;

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A live show whose featured item has one unit, already claimed by Amy. */
const soldOutShow = async () => {
  const host = await stack.createUser({ name: 'Host' });
  const { variantIds } = await stack.createListing(host.id, { priceMinor: 3_000, variants: [['M', 1]] });
  const show = await stack.createShow(host.cookie, [{ variantId: variantIds[0]! }]);
  const entryId = show.entries[0]!.entryId;
  const users = await Promise.all(['Amy', 'Ben', 'Cara', 'Dan'].map((name) => stack.createUser({ name, withCard: true })));
  const [amy, ben, cara, dan] = await Promise.all(users.map((u, i) => stack.connect(u.cookie, { node: i % 2 })));
  const hostSocket = await stack.connect(host.cookie);
  for (const s of [hostSocket, amy!, ben!, cara!, dan!]) await state(s, show.id);
  const cmd = <R = TCommandAck>(socket: TClientSocket, event: string, extra: object = {}) =>
    request<R>(socket, event, { showId: show.id, entryId, clientOpId: newOpId(), ...extra });
  await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
  await cmd(hostSocket, 'queue:feature');
  const won = await cmd<TClaimAck>(amy!, 'claim:create');
  if (!won.ok) throw new Error('Amy did not win');
  return { show, entryId, users, host: hostSocket, amy: amy!, ben: ben!, cara: cara!, dan: dan!, cmd, amyClaimId: won.claimId };
};

describe('void and waitlist', () => {
  it('offers a voided unit to the first in line, holds it from others, and makes it their claim', async () => {
    const t = await soldOutShow();
    expect(await t.cmd(t.ben, 'claim:create')).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(await t.cmd(t.ben, 'waitlist:join')).toMatchObject({ ok: true });
    expect(await t.cmd(t.cara, 'waitlist:join')).toMatchObject({ ok: true });
    expect(await t.cmd(t.ben, 'waitlist:join')).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await state(t.dan, t.show.id)).waitlists[t.entryId]).toEqual([t.users[1]!.id, t.users[2]!.id]);

    const danSees: TShowEvent[] = [];
    t.dan.on('show:events', (events) => danSees.push(...events));
    expect(await t.cmd(t.amy, 'claim:void', { claimId: t.amyClaimId, reason: 'Buyer asked to cancel' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await t.cmd(t.host, 'claim:void', { claimId: t.amyClaimId, reason: 'Buyer asked to cancel' })).toMatchObject({ ok: true });
    expect(await t.cmd(t.host, 'claim:void', { claimId: t.amyClaimId, reason: 'again' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    await until(async () => danSees.map((e) => e.type), (types) => types.includes('waitlist.offered'), 'the offer');
    expect(danSees.map((e) => e.type)).toEqual(['claim.voided', 'waitlist.offered']);
    expect(danSees[1]).toMatchObject({ userId: t.users[1]!.id });

    // The freed unit is Ben's to take: a fast tap by anyone else does not get it.
    expect(await t.cmd(t.dan, 'claim:create')).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(await t.cmd(t.cara, 'offer:accept')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // Ben's claim is the item's second in claim order: Amy's voided one keeps place 1.
    expect(await t.cmd<TClaimAck>(t.ben, 'offer:accept')).toMatchObject({ ok: true, position: 2 });
    const after = await state(t.host, t.show.id);
    expect(after.entries[0]).toMatchObject({ claimed: 1, offered: 0 });
    expect(after.claims.map((c) => [c.displayName, c.voidedReason ?? null])).toEqual([['Amy', 'Buyer asked to cancel'], ['Ben', null]]);
    expect(after.waitlists[t.entryId]).toEqual([t.users[2]!.id]);
  });

  it('moves an unanswered offer on to the next in line when its time is up', async () => {
    const t = await soldOutShow();
    await t.cmd(t.ben, 'waitlist:join');
    await t.cmd(t.cara, 'waitlist:join');
    await t.cmd(t.host, 'claim:void', { claimId: t.amyClaimId, reason: 'Duplicate claim' });
    const s = await until(() => state(t.host, t.show.id), (st) => st.offers.some((o) => o.userId === t.users[2]!.id), 'the offer to pass to Cara');
    expect(s.offers).toEqual([expect.objectContaining({ entryId: t.entryId, userId: t.users[2]!.id })]);
    expect(await t.cmd(t.ben, 'offer:accept')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await t.cmd(t.cara, 'offer:accept')).toMatchObject({ ok: true });
  });

  it('refuses a waitlist for an item still on sale, and lets a buyer leave one', async () => {
    const t = await soldOutShow();
    expect(await t.cmd(t.ben, 'waitlist:leave')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    await t.cmd(t.ben, 'waitlist:join');
    expect(await t.cmd(t.ben, 'waitlist:leave')).toMatchObject({ ok: true });
    await t.cmd(t.host, 'claim:void', { claimId: t.amyClaimId, reason: 'Testing the sale' });
    expect(await t.cmd(t.cara, 'waitlist:join')).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await t.cmd(t.cara, 'claim:create')).toMatchObject({ ok: true });
  });

  it('never charges a voided claim', async () => {
    const t = await soldOutShow();
    await t.cmd(t.host, 'claim:void', { claimId: t.amyClaimId, reason: 'Item damaged' });
    await request(t.host, 'show:end', { showId: t.show.id, clientOpId: newOpId() });
    await until(async () => (await stack.db.query('select status from shows where id = $1', [t.show.id])).rows[0].status, (s) => s === 'settled', 'settlement');
    const { body } = await stack.http('GET', '/api/orders', { cookie: t.users[0]!.cookie });
    expect((body as { orders: TOrder[] }).orders).toEqual([]);
    const { rows } = await stack.db.query('select status from claims where id = $1', [t.amyClaimId]);
    expect(rows).toEqual([{ status: 'voided' }]);
  });
});
