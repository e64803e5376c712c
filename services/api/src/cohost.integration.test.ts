import type { TCohostItem, TShowDetail, TShowEvent } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

const setup = async () => {
  const host = await stack.createUser({ name: 'Host' });
  const seller = await stack.createUser({ name: 'Vintage Vault' });
  const stranger = await stack.createUser({ name: 'Stranger' });
  const own = await stack.createListing(host.id);
  const bag = await stack.createListing(seller.id, { title: 'Leather satchel', priceMinor: 9_500, variants: [['One size', 1]] });
  const boots = await stack.createListing(seller.id, { title: 'Boots', priceMinor: 7_000, variants: [['42', 2]] });
  const show = await stack.createShow(host.cookie, [{ variantId: own.variantIds[0]! }]);
  return { host, seller, stranger, show, bagVariant: bag.variantIds[0]!, bootsVariant: boots.variantIds[0]! };
};

describe('co-hosted items', () => {
  it('enter a live show only once the seller approves, and reach viewers at once', async () => {
    const t = await setup();
    const hostSocket = await stack.connect(t.host.cookie);
    await snapshotOf(hostSocket, t.show.id);
    await request(hostSocket, 'show:start', { showId: t.show.id, clientOpId: newOpId() });
    const seen: TShowEvent[] = [];
    hostSocket.on('show:events', (events) => seen.push(...events));

    const asked = await stack.http('POST', `/api/shows/${t.show.id}/cohost-requests`, { cookie: t.host.cookie, body: { variantId: t.bagVariant, commissionBps: 1_000 } });
    expect(asked).toMatchObject({ status: 201, body: { status: 'requested', role: 'host', listingTitle: 'Leather satchel', commissionBps: 1_000 } });
    const item = asked.body as TCohostItem;
    expect((await stack.http('GET', `/api/shows/${t.show.id}`, { cookie: t.host.cookie })).body.entries).toHaveLength(1);

    // Only the seller decides on a host's request.
    for (const cookie of [t.host.cookie, t.stranger.cookie]) {
      const res = await stack.http('POST', `/api/cohost-items/${item.id}/decision`, { cookie, body: { approve: true } });
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const inbox = await stack.http('GET', '/api/cohost-items', { cookie: t.seller.cookie });
    expect((inbox.body.items as TCohostItem[]).map((i) => [i.id, i.role, i.status])).toEqual([[item.id, 'seller', 'requested']]);
    const approved = await stack.http('POST', `/api/cohost-items/${item.id}/decision`, { cookie: t.seller.cookie, body: { approve: true } });
    expect(approved.body).toMatchObject({ status: 'approved' });

    const detail = (await stack.http('GET', `/api/shows/${t.show.id}`, { cookie: t.host.cookie })).body as TShowDetail;
    expect(detail.entries.map((e) => [e.title, e.cohosted, e.sellerName])).toEqual([
      ['Test jacket', false, 'Host'],
      ['Leather satchel', true, 'Vintage Vault'],
    ]);
    const deadline = Date.now() + 5_000;
    while (!seen.some((e) => e.type === 'entry.added') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen.find((e) => e.type === 'entry.added')).toMatchObject({ entry: { title: 'Leather satchel', cohosted: true } });
    expect((await snapshotOf(hostSocket, t.show.id)).entries.map((e) => e.title)).toEqual(['Test jacket', 'Leather satchel']);
    const { rows } = await stack.db.query('select commission_bps from show_entries where cohost_item_id = $1', [item.id]);
    expect(rows).toEqual([{ commission_bps: 1_000 }]);
  });

  it('can be withdrawn by the seller until featured, and not after', async () => {
    const t = await setup();
    const hostSocket = await stack.connect(t.host.cookie);
    await snapshotOf(hostSocket, t.show.id);
    const ids: string[] = [];
    for (const variantId of [t.bagVariant, t.bootsVariant]) {
      const asked = await stack.http('POST', `/api/shows/${t.show.id}/cohost-requests`, { cookie: t.host.cookie, body: { variantId, commissionBps: 500 } });
      ids.push(asked.body.id);
      await stack.http('POST', `/api/cohost-items/${asked.body.id}/decision`, { cookie: t.seller.cookie, body: { approve: true } });
    }
    const state = await snapshotOf(hostSocket, t.show.id);
    const bootsEntry = state.entries.find((e) => e.title === 'Boots')!;
    await request(hostSocket, 'show:start', { showId: t.show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: t.show.id, entryId: bootsEntry.entryId, clientOpId: newOpId() });

    expect((await stack.http('POST', `/api/cohost-items/${ids[0]}/withdraw`, { cookie: t.host.cookie })).body.error.code).toBe('FORBIDDEN');
    expect((await stack.http('POST', `/api/cohost-items/${ids[0]}/withdraw`, { cookie: t.seller.cookie })).body).toMatchObject({ status: 'withdrawn' });
    const featured = await stack.http('POST', `/api/cohost-items/${ids[1]}/withdraw`, { cookie: t.seller.cookie });
    expect(featured).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect((await snapshotOf(hostSocket, t.show.id)).entries.map((e) => e.title)).toEqual(['Test jacket', 'Boots']);
    const { rows } = await stack.db.query('select count(*)::int as n from show_entries where show_id = $1', [t.show.id]);
    expect(rows[0].n).toBe(2);
  });

  it('lets a seller offer its item, which the host accepts or declines', async () => {
    const t = await setup();
    const offered = await stack.http('POST', `/api/shows/${t.show.id}/cohost-offers`, { cookie: t.seller.cookie, body: { variantId: t.bootsVariant, commissionBps: 800 } });
    expect(offered.body).toMatchObject({ status: 'offered', role: 'seller' });
    expect((await stack.http('POST', `/api/cohost-items/${offered.body.id}/decision`, { cookie: t.seller.cookie, body: { approve: true } })).body.error.code).toBe('FORBIDDEN');
    expect((await stack.http('POST', `/api/cohost-items/${offered.body.id}/decision`, { cookie: t.host.cookie, body: { approve: false } })).body.status).toBe('declined');
    expect((await stack.http('GET', `/api/shows/${t.show.id}`, { cookie: t.host.cookie })).body.entries).toHaveLength(1);
  });

  it('refuses bad proposals, changing nothing', async () => {
    const t = await setup();
    const post = (cookie: string, path: string, body: unknown) => stack.http('POST', `/api/shows/${t.show.id}/${path}`, { cookie, body });
    const results = await Promise.all([
      post(t.stranger.cookie, 'cohost-requests', { variantId: t.bagVariant, commissionBps: 500 }),
      post(t.stranger.cookie, 'cohost-offers', { variantId: t.bagVariant, commissionBps: 500 }),
      post(t.host.cookie, 'cohost-requests', { variantId: t.bagVariant, commissionBps: 9_000 }),
      post(t.host.cookie, 'cohost-requests', { variantId: '00000000-0000-4000-8000-000000000000', commissionBps: 500 }),
      post(t.host.cookie, 'cohost-requests', { variantId: t.bagVariant }),
    ]);
    expect(results.map((r) => r.body.error.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'INVALID_INPUT', 'NOT_FOUND', 'INVALID_INPUT']);
    await post(t.host.cookie, 'cohost-requests', { variantId: t.bagVariant, commissionBps: 500 });
    expect((await post(t.host.cookie, 'cohost-requests', { variantId: t.bagVariant, commissionBps: 500 })).body.error.code).toBe('CONFLICT');
    const { rows } = await stack.db.query('select count(*)::int as n from cohost_items where show_id = $1', [t.show.id]);
    expect(rows[0].n).toBe(1);
  });

  it('lets the host add its own item while live, and nobody else', async () => {
    const t = await setup();
    const hostSocket = await stack.connect(t.host.cookie);
    await snapshotOf(hostSocket, t.show.id);
    await request(hostSocket, 'show:start', { showId: t.show.id, clientOpId: newOpId() });
    const scarf = await stack.createListing(t.host.id, { title: 'Silk scarf', priceMinor: 2_200, variants: [['One size', 3]] });
    const add = (cookie: string, body: unknown) => stack.http('POST', `/api/shows/${t.show.id}/entries`, { cookie, body });
    expect((await add(t.seller.cookie, { variantId: scarf.variantIds[0] })).body.error.code).toBe('FORBIDDEN');
    // Another seller's item comes in only through its consent; the closet has 3, not 5.
    expect((await add(t.host.cookie, { variantId: t.bagVariant })).body.error.code).toBe('NOT_FOUND');
    expect((await add(t.host.cookie, { variantId: scarf.variantIds[0], quantity: 5 })).body.error).toEqual({
      code: 'NOT_ENOUGH_STOCK', message: 'Only 3 units are free in the seller’s closet.', requestId: expect.any(String),
    });
    const added = await add(t.host.cookie, { variantId: scarf.variantIds[0], priceMinor: 1_900, quantity: 2 });
    expect(added).toMatchObject({ status: 201, body: { title: 'Silk scarf', priceMinor: 1_900, quantity: 2, cohosted: false } });
    expect((await add(t.host.cookie, { variantId: scarf.variantIds[0] })).body.error.code).toBe('CONFLICT');
    expect((await snapshotOf(hostSocket, t.show.id)).entries.map((e) => [e.title, e.priceMinor])).toEqual([
      ['Test jacket', 2_500],
      ['Silk scarf', 1_900],
    ]);
  });
});
