import type { TCohostItem, TListing, TShowDetail } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TStack } from '../../../infra/test/harness.ts';

/** Scheduled shows (issue #16): created with their details, edited until they start, cancelled, and open to anyone before. */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

const HOUR_MS = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR_MS).toISOString();

/** An uploaded photo of `ownerId`, as the upload pipeline leaves it. */
const photoOf = async (ownerId: string) =>
  (await stack.db.query<{ id: string }>(
    'insert into photos (id, owner_id, width, height, bytes) values (gen_random_uuid(), $1, 1200, 800, 50000) returning id', [ownerId],
  )).rows[0]!.id;

/** What the closet says is free of each of the user's variants (closet.mine). */
const freeUnits = async (cookie: string) => {
  const res = await stack.http('GET', '/api/listings/mine', { cookie });
  return Object.fromEntries((res.body.listings as TListing[]).flatMap((l) => l.variants.map((v) => [v.id, v.free])));
};

const showsOf = async (hostId: string) =>
  Number((await stack.db.query('select count(*) from shows where host_id = $1', [hostId])).rows[0].count);

const handleOf = async (cookie: string) => (await stack.http('GET', '/api/me', { cookie })).body.handle as string;

describe('a scheduled show', () => {
  it('is created with every detail, and its page answers anyone, signed out too', async () => {
    const host = await stack.createUser({ name: 'Maya Host' });
    const dress = await stack.createListing(host.id, { title: 'Linen dress', priceMinor: 3_900, variants: [['S', 2], ['M', 1]] });
    const cover = await photoOf(host.id);
    const scheduledAt = inHours(26);
    const created = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      body: {
        title: 'Summer linen drop',
        description: 'Linen for hot days.\nEverything washed and pressed.',
        coverPhotoId: cover,
        category: 'women/dresses',
        scheduledAt,
        entries: [{ variantId: dress.variantIds[0]! }, { variantId: dress.variantIds[1]!, priceMinor: 3_500 }],
      },
    });
    expect(created.status).toBe(201);
    const show = created.body as TShowDetail;
    const expected = {
      id: show.id,
      title: 'Summer linen drop',
      status: 'scheduled',
      description: 'Linen for hot days.\nEverything washed and pressed.',
      category: 'women/dresses',
      coverPhotoId: cover,
      coverUrl: `/api/photos/${cover}/card`,
      scheduledAt,
      hostName: 'Maya Host',
      hostHandle: await handleOf(host.cookie),
      hostAvatarUrl: null,
      cancelledAt: null,
    };
    expect(show).toMatchObject(expected);

    const signedOut = await stack.http('GET', `/api/shows/${show.id}`);
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toMatchObject(expected);
    expect((signedOut.body as TShowDetail).entries.map((e) => [e.title, e.variantLabel, e.priceMinor, e.quantity])).toEqual([
      ['Linen dress', 'S', 3_900, 2],
      ['Linen dress', 'M', 3_500, 1],
    ]);
    expect(await freeUnits(host.cookie)).toEqual({ [dress.variantIds[0]!]: 0, [dress.variantIds[1]!]: 0 });
    expect((await stack.http('GET', `/api/shows/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('is refused with a past or far start time, someone else’s photo, or a made-up category, and nothing is made', async () => {
    const host = await stack.createUser();
    const other = await stack.createUser();
    const shirt = await stack.createListing(host.id, { variants: [['M', 2]] });
    const theirs = await photoOf(other.id);
    const mine = await photoOf(host.id);
    // A cover is one show's: a photo on another show already is not one to use again.
    const taken = await photoOf(host.id);
    await stack.createShow(host.cookie, [{ variantId: shirt.variantIds[0]!, quantity: 1 }]).then((s) =>
      stack.http('PATCH', `/api/shows/${s.id}`, { cookie: host.cookie, body: { coverPhotoId: taken } }));
    const before = await showsOf(host.id);
    const body = { title: 'Shirts', entries: [{ variantId: shirt.variantIds[0]!, quantity: 1 }] };
    const refused = async (extra: object) => {
      const res = await stack.http('POST', '/api/shows', { cookie: host.cookie, body: { ...body, ...extra } });
      return [res.status, res.body?.error?.code];
    };
    expect(await refused({ scheduledAt: new Date(Date.now() - 60_000).toISOString() })).toEqual([422, 'IN_THE_PAST']);
    expect(await refused({ scheduledAt: inHours(91 * 24) })).toEqual([400, 'INVALID_INPUT']);
    expect(await refused({ scheduledAt: 'tomorrow at noon' })).toEqual([400, 'INVALID_INPUT']);
    expect(await refused({ coverPhotoId: theirs })).toEqual([409, 'PHOTO_UNUSABLE']);
    expect(await refused({ coverPhotoId: taken })).toEqual([409, 'PHOTO_UNUSABLE']);
    expect(await refused({ coverPhotoId: crypto.randomUUID() })).toEqual([409, 'PHOTO_UNUSABLE']);
    expect(await refused({ category: 'women/hats' })).toEqual([400, 'INVALID_INPUT']);
    expect(await refused({ title: 'Shirts <script>' })).toEqual([400, 'INVALID_INPUT']);
    expect(await refused({ description: 'bell\u0007' })).toEqual([400, 'INVALID_INPUT']);
    expect(await showsOf(host.id)).toBe(before);
    expect(await freeUnits(host.cookie)).toEqual({ [shirt.variantIds[0]!]: 1 });
    // The host's own unused photo and a time ahead: made.
    expect(await refused({ coverPhotoId: mine, scheduledAt: inHours(1) })).toEqual([201, undefined]);
  });

  it('is edited by its host until it goes live, by no one else, and never after', async () => {
    const host = await stack.createUser();
    const stranger = await stack.createUser();
    const coat = await stack.createListing(host.id, { title: 'Wool coat', variants: [['L', 3]] });
    const scarf = await stack.createListing(host.id, { title: 'Scarf', variants: [['One size', 2]] });
    const show = await stack.createShow(host.cookie, [{ variantId: coat.variantIds[0]!, quantity: 1 }]);
    const cover = await photoOf(host.id);
    const url = `/api/shows/${show.id}`;

    const changes = { title: 'Coats for winter', description: 'Warm.', category: 'women/jackets', coverPhotoId: cover, scheduledAt: inHours(3) };
    expect(await stack.http('PATCH', url, { cookie: stranger.cookie, body: changes })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await stack.http('PATCH', url, { body: changes })).status).toBe(401);
    expect((await stack.http('PATCH', `/api/shows/${crypto.randomUUID()}`, { cookie: host.cookie, body: changes })).status).toBe(404);
    expect((await stack.http('GET', url)).body).toMatchObject({ title: 'Test show', description: '', category: null, coverUrl: null, scheduledAt: null });

    const edited = await stack.http('PATCH', url, { cookie: host.cookie, body: changes });
    expect(edited).toMatchObject({ status: 200, body: { ...changes, coverUrl: `/api/photos/${cover}/card`, status: 'scheduled' } });
    const cleared = await stack.http('PATCH', url, { cookie: host.cookie, body: { category: null, coverPhotoId: null, scheduledAt: null } });
    expect(cleared.body).toMatchObject({ title: 'Coats for winter', category: null, coverPhotoId: null, scheduledAt: null });
    for (const [body, status, code] of [
      [{}, 400, 'INVALID_INPUT'],
      [{ scheduledAt: new Date(Date.now() - 1_000).toISOString() }, 422, 'IN_THE_PAST'],
      [{ coverPhotoId: await photoOf(stranger.id) }, 409, 'PHOTO_UNUSABLE'],
      [{ hostId: stranger.id }, 400, 'INVALID_INPUT'],
    ] as const) {
      expect(await stack.http('PATCH', url, { cookie: host.cookie, body })).toMatchObject({ status, body: { error: { code } } });
    }
    expect((await stack.http('GET', url)).body).toMatchObject({ title: 'Coats for winter', scheduledAt: null, hostId: host.id });

    // Its queue is changed through its entries, before the show and while it is live.
    expect((await stack.http('POST', `${url}/entries`, { cookie: host.cookie, body: { variantId: scarf.variantIds[0]!, quantity: 1 } })).status).toBe(201);
    const hostSocket = await stack.connect(host.cookie);
    await snapshotOf(hostSocket, show.id);
    expect(await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: true });

    expect(await stack.http('PATCH', url, { cookie: host.cookie, body: { title: 'Too late' } })).toMatchObject({ status: 409, body: { error: { code: 'SHOW_STARTED' } } });
    expect(await stack.http('POST', `${url}/cancel`, { cookie: host.cookie })).toMatchObject({ status: 409, body: { error: { code: 'SHOW_STARTED' } } });
    const again = await stack.http('POST', `${url}/entries`, { cookie: host.cookie, body: { variantId: coat.variantIds[0]! } });
    expect(again.body.error.code).toBe('CONFLICT');
    const more = await stack.createListing(host.id, { title: 'Beanie', variants: [['One size', 4]] });
    expect(await stack.http('POST', `${url}/entries`, { cookie: host.cookie, body: { variantId: more.variantIds[0]!, quantity: 2 } }))
      .toMatchObject({ status: 201, body: { title: 'Beanie', quantity: 2 } });
    expect((await snapshotOf(hostSocket, show.id)).entries.map((e) => e.title)).toEqual(['Wool coat', 'Scarf', 'Beanie']);
    expect((await freeUnits(host.cookie))[more.variantIds[0]!]).toBe(2);
    expect((await stack.http('GET', url)).body).toMatchObject({ title: 'Coats for winter', status: 'live' });
  });

  it('is cancelled by its host: every unit back in the closets, waiting co-host items ended, Go live refused', async () => {
    const host = await stack.createUser({ name: 'Cancelling host' });
    const seller = await stack.createUser({ name: 'Co-host seller' });
    const stranger = await stack.createUser();
    const jeans = await stack.createListing(host.id, { title: 'Jeans', variants: [['28', 3], ['30', 1]] });
    const bag = await stack.createListing(seller.id, { title: 'Bag', variants: [['One size', 2]] });
    const belt = await stack.createListing(seller.id, { title: 'Belt', variants: [['M', 1]] });
    const hat = await stack.createListing(seller.id, { title: 'Hat', variants: [['M', 1]] });
    const show = await stack.createShow(host.cookie, [{ variantId: jeans.variantIds[0]!, quantity: 2 }, { variantId: jeans.variantIds[1]! }]);
    const url = `/api/shows/${show.id}`;

    const propose = async (as: 'requests' | 'offers', cookie: string, variantId: string) =>
      (await stack.http('POST', `${url}/cohost-${as}`, { cookie, body: { variantId, commissionBps: 1_000 } })).body as TCohostItem;
    const approved = await propose('requests', host.cookie, bag.variantIds[0]!);
    await stack.http('POST', `/api/cohost-items/${approved.id}/decision`, { cookie: seller.cookie, body: { approve: true } });
    const requested = await propose('requests', host.cookie, belt.variantIds[0]!);
    const offered = await propose('offers', seller.cookie, hat.variantIds[0]!);
    expect(await freeUnits(host.cookie)).toEqual({ [jeans.variantIds[0]!]: 1, [jeans.variantIds[1]!]: 0 });
    expect((await freeUnits(seller.cookie))[bag.variantIds[0]!]).toBe(0);

    // The show is open in the live engine already (the studio joined): Postgres decides all the same.
    const hostSocket = await stack.connect(host.cookie);
    await snapshotOf(hostSocket, show.id);

    expect(await stack.http('POST', `${url}/cancel`, { cookie: stranger.cookie })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await stack.http('POST', `${url}/cancel`)).status).toBe(401);
    expect((await freeUnits(host.cookie))[jeans.variantIds[0]!]).toBe(1);

    const cancelled = await stack.http('POST', `${url}/cancel`, { cookie: host.cookie });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const cancelledAt = (cancelled.body as TShowDetail).cancelledAt!;
    expect(Math.abs(Date.parse(cancelledAt) - Date.now())).toBeLessThan(60_000);

    expect(await freeUnits(host.cookie)).toEqual({ [jeans.variantIds[0]!]: 3, [jeans.variantIds[1]!]: 1 });
    expect(await freeUnits(seller.cookie)).toEqual({ [bag.variantIds[0]!]: 2, [belt.variantIds[0]!]: 1, [hat.variantIds[0]!]: 1 });
    const items = (await stack.http('GET', '/api/cohost-items', { cookie: seller.cookie })).body.items as TCohostItem[];
    expect(Object.fromEntries(items.map((i) => [i.id, i.status]))).toEqual({ [approved.id]: 'approved', [requested.id]: 'withdrawn', [offered.id]: 'declined' });

    // Twice is the same answer; nothing else moves it.
    expect(await stack.http('POST', `${url}/cancel`, { cookie: host.cookie })).toMatchObject({ status: 200, body: { status: 'cancelled', cancelledAt } });
    expect(await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: false, code: 'SHOW_CANCELLED' });
    expect(await request(hostSocket, 'show:end', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: false, code: 'SHOW_CANCELLED' });
    for (const [method, path, body] of [
      ['PATCH', url, { title: 'Back on' }],
      ['POST', `${url}/entries`, { variantId: jeans.variantIds[0]!, quantity: 1 }],
    ] as const) {
      expect(await stack.http(method, path, { cookie: host.cookie, body })).toMatchObject({ status: 409, body: { error: { code: 'SHOW_CANCELLED' } } });
    }
    expect((await stack.http('POST', `${url}/cohost-offers`, { cookie: seller.cookie, body: { variantId: belt.variantIds[0]!, commissionBps: 500 } })).status).toBe(409);
    expect((await stack.http('GET', url)).body).toMatchObject({ status: 'cancelled', cancelledAt, startedAt: null });
    expect(await freeUnits(host.cookie)).toEqual({ [jeans.variantIds[0]!]: 3, [jeans.variantIds[1]!]: 1 });
  });
});
