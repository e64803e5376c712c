import { photoUrl } from '@showcart/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';

/**
 * A seller's closet through the api: listings made, edited, unlisted and deleted with their
 * real uploaded photos; and a buyer's addresses, which each order copies.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;

/** A photo uploaded as a seller's page does: a small JPEG made on the spot. */
const upload = async (user: TUser, hue = 0) => {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: hue, g: 120, b: 200 } } }).jpeg().toBuffer();
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', headers: { cookie: user.cookie }, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
};

const listingBody = (photoIds: string[], over: Record<string, unknown> = {}) => ({
  title: 'Linen wrap dress',
  description: 'Worn twice.\nNo marks.',
  brand: 'Toast',
  category: 'women/dresses',
  condition: 'like_new',
  priceMinor: 4_500,
  originalPriceMinor: 12_000,
  variants: [{ label: 'S', quantity: 1 }, { label: 'M', quantity: 2 }],
  photoIds,
  ...over,
});

const listingsOf = async (sellerId: string) =>
  Number((await stack.db.query('select count(*) from listings where seller_id = $1', [sellerId])).rows[0]!.count);

describe('a closet', () => {
  it('lists an item with its photos in order, and shows it to anyone', async () => {
    const seller = await stack.createUser();
    const [a, b] = [await upload(seller, 10), await upload(seller, 200)];
    const created = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([b, a]) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Linen wrap dress', brand: 'Toast', category: 'women/dresses', condition: 'like_new', state: 'listed',
      priceMinor: 4_500, originalPriceMinor: 12_000, photoUrl: photoUrl(b, 'card'), description: 'Worn twice.\nNo marks.',
      photos: [{ id: b, cardUrl: photoUrl(b, 'card') }, { id: a }],
      variants: [{ label: 'M', quantity: 2, free: 2 }, { label: 'S', quantity: 1, free: 1 }],
    });
    // A visitor, signed out, opens it from a link; the cover is served.
    const open = await stack.http('GET', `/api/listings/${created.body.id}`);
    expect(open).toMatchObject({ status: 200, body: { id: created.body.id, sellerHandle: expect.any(String) } });
    expect((await fetch(`${stack.apiUrl}${open.body.photoUrl}`)).status).toBe(200);
  });

  it('refuses what a seller may not list, changing nothing', async () => {
    const seller = await stack.createUser();
    const other = await stack.createUser();
    const photo = await upload(seller);
    const theirs = await upload(other);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ priceMinor: 0 }, 400, 'INVALID_INPUT'],
      [{ priceMinor: -100 }, 400, 'INVALID_INPUT'],
      [{ priceMinor: 12.5 }, 400, 'INVALID_INPUT'],
      [{ originalPriceMinor: 100 }, 400, 'INVALID_INPUT'],
      [{ category: 'women/spaceships' }, 400, 'INVALID_INPUT'],
      [{ title: '<script>alert(1)</script>' }, 400, 'INVALID_INPUT'],
      [{ title: 'Bell\u0007 boots' }, 400, 'INVALID_INPUT'],
      [{ condition: 'mint' }, 400, 'INVALID_INPUT'],
      [{ variants: [] }, 400, 'INVALID_INPUT'],
      [{ variants: [{ label: 'M', quantity: 1 }, { label: 'm', quantity: 1 }] }, 400, 'INVALID_INPUT'],
      [{ photoIds: [] }, 400, 'INVALID_INPUT'],
      [{ photoIds: Array.from({ length: 9 }, () => photo) }, 400, 'INVALID_INPUT'],
      [{ photoIds: [theirs] }, 409, 'PHOTO_UNUSABLE'],
      [{ photoIds: ['00000000-0000-4000-8000-000000000000'] }, 409, 'PHOTO_UNUSABLE'],
      [{ sellerId: other.id }, 400, 'INVALID_INPUT'],
    ];
    for (const [change, status, code] of cases) {
      const res = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([photo], change) });
      expect({ change, status: res.status, code: res.body?.error?.code }).toEqual({ change, status, code });
    }
    expect(await listingsOf(seller.id)).toBe(0);

    // A photo is one listing's: a second listing cannot take it.
    expect((await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([photo]) })).status).toBe(201);
    expect((await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([photo]) })).body.error.code).toBe('PHOTO_UNUSABLE');

    // An account whose email is not proven sells nothing.
    const fresh = await stack.createUser();
    await stack.db.query('update users set email_verified_at = null where id = $1', [fresh.id]);
    const res = await stack.http('POST', '/api/listings', { cookie: fresh.cookie, body: listingBody([await upload(fresh)]) });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'EMAIL_UNVERIFIED' } } });
    expect(await listingsOf(fresh.id)).toBe(0);
  });

  it('edits only its own listings, keeping what shows and orders hold', async () => {
    const seller = await stack.createUser();
    const [a, b, c] = [await upload(seller), await upload(seller), await upload(seller)];
    const { body: listing } = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([a, b]) });
    const [m, s] = listing.variants as { id: string; label: string }[];
    expect([m!.label, s!.label]).toEqual(['M', 'S']);

    const other = await stack.createUser();
    const foreign = await stack.http('PATCH', `/api/listings/${listing.id}`, { cookie: other.cookie, body: listingBody([await upload(other)]) });
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });

    // Reordered photos, a third one, a new price, S renamed XS, a new size L.
    const edit = await stack.http('PATCH', `/api/listings/${listing.id}`, {
      cookie: seller.cookie,
      body: listingBody([c, b, a], { priceMinor: 3_900, variants: [{ id: m!.id, label: 'M', quantity: 2 }, { id: s!.id, label: 'XS', quantity: 1 }, { label: 'L', quantity: 4 }] }),
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ priceMinor: 3_900, photoUrl: photoUrl(c, 'card'), photos: [{ id: c }, { id: b }, { id: a }] });
    expect((edit.body.variants as { label: string }[]).map((v) => v.label)).toEqual(['L', 'M', 'XS']);

    // A show takes both units of M: M cannot go below 2, nor be removed; XS can go.
    await stack.createShow(seller.cookie, [{ variantId: m!.id, quantity: 2 }]);
    const lower = await stack.http('PATCH', `/api/listings/${listing.id}`, {
      cookie: seller.cookie, body: listingBody([c], { variants: [{ id: m!.id, label: 'M', quantity: 1 }] }),
    });
    expect(lower).toMatchObject({ status: 409, body: { error: { code: 'NOT_ENOUGH_STOCK' } } });
    const drop = await stack.http('PATCH', `/api/listings/${listing.id}`, { cookie: seller.cookie, body: listingBody([c], { variants: [{ label: 'L', quantity: 1 }] }) });
    expect(drop).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const after = await stack.http('GET', `/api/listings/${listing.id}`);
    expect(after.body).toMatchObject({ priceMinor: 3_900, photos: [{ id: c }, { id: b }, { id: a }] });
    expect((after.body.variants as { label: string }[]).map((v) => v.label)).toEqual(['L', 'M', 'XS']);
  });

  it('unlists, lists again, deletes or archives', async () => {
    const seller = await stack.createUser();
    const buyer = await stack.createUser({ withCard: true });
    const make = async () => (await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([await upload(seller)]) })).body;
    const listing = await make();

    expect((await stack.http('POST', `/api/listings/${listing.id}/state`, { cookie: seller.cookie, body: { state: 'unlisted' } })).body.state).toBe('unlisted');
    expect((await stack.http('GET', `/api/listings/${listing.id}`)).status).toBe(404);
    expect((await stack.http('GET', `/api/listings/${listing.id}`, { cookie: buyer.cookie })).status).toBe(404);
    expect((await stack.http('GET', `/api/listings/${listing.id}`, { cookie: seller.cookie })).body.state).toBe('unlisted');
    expect((await stack.http('GET', `/api/sellers/${seller.id}/listings`, { cookie: buyer.cookie })).body.listings).toEqual([]);
    expect((await stack.http('GET', '/api/listings/mine', { cookie: seller.cookie })).body.listings).toHaveLength(1);
    expect((await stack.http('POST', `/api/listings/${listing.id}/state`, { cookie: seller.cookie, body: { state: 'listed' } })).body.state).toBe('listed');
    expect((await stack.http('GET', `/api/listings/${listing.id}`)).status).toBe(200);

    // Never in a show: removed, and its photo is free again.
    expect((await stack.http('DELETE', `/api/listings/${listing.id}`, { cookie: buyer.cookie })).status).toBe(403);
    expect((await stack.http('DELETE', `/api/listings/${listing.id}`, { cookie: seller.cookie })).body).toEqual({ outcome: 'removed' });
    expect((await stack.db.query('select 1 from listings where id = $1', [listing.id])).rows).toHaveLength(0);
    expect((await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([listing.photos[0].id]) })).status).toBe(201);

    // In a show not yet settled: refused. Sold in a show: archived, its order intact.
    const sold = await make();
    const { show } = await stack.runShow({
      host: seller, entries: [{ variantId: sold.variants[0].id, quantity: 1 }], claims: [{ cookie: buyer.cookie, entry: 0 }],
    });
    const early = await stack.http('DELETE', `/api/listings/${sold.id}`, { cookie: seller.cookie });
    const settled = async () => (await stack.db.query(`select status from shows where id = $1`, [show.id])).rows[0]!.status === 'settled';
    if (!(await settled())) expect(early).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    for (let i = 0; i < 100 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await stack.http('DELETE', `/api/listings/${sold.id}`, { cookie: seller.cookie })).body).toEqual({ outcome: 'archived' });
    expect((await stack.http('GET', `/api/listings/${sold.id}`)).status).toBe(404);
    const orders = (await stack.http('GET', '/api/orders', { cookie: buyer.cookie })).body.orders;
    expect(orders).toMatchObject([{ status: 'paid', items: [{ title: 'Linen wrap dress' }] }]);
  });

  it('keeps the closet’s shipping fee and handling time, shown on its listings', async () => {
    const seller = await stack.createUser();
    expect((await stack.http('PATCH', '/api/me/closet', { cookie: seller.cookie, body: { shippingFeeMinor: -1, handlingDays: 2 } })).status).toBe(400);
    expect((await stack.http('PATCH', '/api/me/closet', { cookie: seller.cookie, body: { shippingFeeMinor: 650, handlingDays: 0 } })).status).toBe(400);
    expect((await stack.http('PATCH', '/api/me/closet', { cookie: seller.cookie, body: { shippingFeeMinor: 650, handlingDays: 3 } })).body)
      .toEqual({ shippingFeeMinor: 650, handlingDays: 3 });
    const { body } = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody([await upload(seller)]) });
    expect(body).toMatchObject({ shippingFeeMinor: 650, handlingDays: 3 });
  });
});

describe('addresses', () => {
  const home = { name: 'Sam Lee', line1: '12 Elm Street', line2: '', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'us' };

  it('keeps one default, and each order keeps the address it was made with', async () => {
    const buyer = await stack.createUser({ withCard: true, withAddress: false });
    expect((await stack.http('GET', '/api/me', { cookie: buyer.cookie })).body.hasShippingAddress).toBe(false);
    const first = await stack.http('POST', '/api/addresses', { cookie: buyer.cookie, body: home });
    expect(first).toMatchObject({ status: 201, body: { isDefault: true, country: 'US' } });
    expect((await stack.http('GET', '/api/me', { cookie: buyer.cookie })).body.hasShippingAddress).toBe(true);
    const work = await stack.http('POST', '/api/addresses', { cookie: buyer.cookie, body: { ...home, line1: '1 Office Park', makeDefault: true } });
    const list = (await stack.http('GET', '/api/addresses', { cookie: buyer.cookie })).body.addresses;
    expect(list.map((a: { line1: string; isDefault: boolean }) => [a.line1, a.isDefault])).toEqual([['1 Office Park', true], ['12 Elm Street', false]]);

    // Bad addresses, and someone else's, change nothing.
    for (const bad of [{ ...home, postalCode: '<>' }, { ...home, country: 'USA' }, { ...home, name: '' }, { ...home, line1: 'a\u0000b' }]) {
      expect((await stack.http('POST', '/api/addresses', { cookie: buyer.cookie, body: bad })).status).toBe(400);
    }
    const stranger = await stack.createUser();
    expect((await stack.http('DELETE', `/api/addresses/${work.body.id}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await stack.http('POST', `/api/addresses/${work.body.id}/default`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await stack.http('GET', '/api/addresses', { cookie: buyer.cookie })).body.addresses).toHaveLength(2);

    // An order made now ships to the office; moving house later does not move it.
    const seller = await stack.createUser();
    const { variantIds } = await stack.createListing(seller.id);
    const { show } = await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    let order: { shippingAddress: unknown; showId: string } | undefined;
    for (let i = 0; i < 100 && !order; i++) {
      order = (await stack.http('GET', '/api/orders', { cookie: buyer.cookie })).body.orders.find((o: { showId: string }) => o.showId === show.id);
      if (!order) await new Promise((r) => setTimeout(r, 100));
    }
    await stack.http('POST', `/api/addresses/${first.body.id}/default`, { cookie: buyer.cookie });
    await stack.http('DELETE', `/api/addresses/${work.body.id}`, { cookie: buyer.cookie });
    const after = (await stack.http('GET', '/api/orders', { cookie: buyer.cookie })).body.orders.find((o: { showId: string }) => o.showId === show.id);
    expect(after.shippingAddress).toEqual({ ...home, line1: '1 Office Park', country: 'US' });
    const sale = (await stack.http('GET', '/api/sales', { cookie: seller.cookie })).body.sales[0];
    expect(sale.shippingAddress).toMatchObject({ line1: '1 Office Park', city: 'Springfield' });
  });

  it('asks for an address before a first claim', async () => {
    const seller = await stack.createUser();
    const buyer = await stack.createUser({ withCard: true, withAddress: false });
    const { variantIds } = await stack.createListing(seller.id);
    await expect(stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] }))
      .rejects.toThrow(/NO_ADDRESS/);
    expect((await stack.db.query('select 1 from claims where buyer_id = $1', [buyer.id])).rows).toHaveLength(0);
  });
});
