import { createMailer, createPushSender, createRedis, jobIds, NOTIFICATIONS_QUEUE, pushCollapseKey } from '@showcart/common';
import { deliverBatch, FAN_OUT_BATCH, fanOutBatch, STARTING_SOON_MS, tellShowStartingSoon } from '@showcart/domain';
import type { TShowDetail } from '@showcart/shared';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, sleep, startStack, until, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';
import { mailsTo } from '../../../infra/test/mail.ts';
import { startPushEndpoint } from '../../../infra/test/push-endpoint.ts';

/**
 * The notification triggers (issue #17, point 3), each through the verb a person uses (the
 * api, the realtime socket) and the worker's fan-out: who received what, with what url.
 */
let stack: TStack;
let pushes: Awaited<ReturnType<typeof startPushEndpoint>>;
let notifications: Queue;
const vapid = webpush.generateVAPIDKeys();

beforeAll(async () => {
  pushes = await startPushEndpoint();
  stack = await startStack({ worker: true, env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey } });
  notifications = new Queue(NOTIFICATIONS_QUEUE, { connection: createRedis(stack.config.redisUrl, { forBullmq: true }), prefix: stack.config.queuePrefix });
});
afterAll(async () => {
  await notifications?.close();
  await stack?.close();
  await pushes?.close();
});

type TUser = Awaited<ReturnType<TStack['createUser']>>;
type TRow = { kind: string; event_id: string; title: string; url: string };

const rowsOf = async (userId: string, kind?: string) =>
  (await stack.db.query<TRow>(
    `select kind, event_id, payload->>'title' as title, payload->>'url' as url from notifications
      where user_id = $1 and ($2::text is null or kind = $2) order by created_at, id`,
    [userId, kind ?? null])).rows;
/** Until the worker has nothing left to do (no job of either queue waiting, running or due now). */
const settled = async () => {
  await until('the fan-out done', async () => {
    const counts = await notifications.getJobCounts('waiting', 'active', 'prioritized');
    const settlement = await stack.settlementQueue.getJobCounts('waiting', 'active');
    return [...Object.values(counts), ...Object.values(settlement)].every((n) => n === 0);
  });
};
const follow = async (follower: TUser, followee: TUser) =>
  expect((await stack.http('POST', `/api/follows/${followee.id}`, { cookie: follower.cookie })).status).toBe(200);
const like = async (user: TUser, listingId: string) =>
  expect((await stack.http('POST', `/api/likes/${listingId}`, { cookie: user.cookie })).status).toBe(200);
const subscribe = async (user: TUser) => {
  const sub = pushes.subscribe();
  const res = await stack.http('POST', '/api/notifications/push-subscriptions', { cookie: user.cookie, body: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys } });
  expect(res.status).toBe(204);
  return sub;
};
const tellDeps = () => ({ db: stack.db, queue: stack.settlementQueue, logger: { warn: () => {}, error: () => {}, info: () => {} } as never });

const schedule = async (host: TUser, variantId: string, startsInMs: number, entry: { priceMinor?: number } = {}) => {
  const res = await stack.http('POST', '/api/shows', {
    cookie: host.cookie, body: { title: 'Denim night', scheduledAt: new Date(Date.now() + startsInMs).toISOString(), entries: [{ variantId, ...entry }] },
  });
  expect(res.status).toBe(201);
  return res.body as TShowDetail;
};

/** A photo uploaded as a seller's page does, and a listing of it made through the api. */
const listingThroughApi = async (seller: TUser, priceMinor: number) => {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 200 } } }).jpeg().toBuffer();
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'photo.jpg');
  const photo = (await (await fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', headers: { cookie: seller.cookie }, body: form })).json()) as { id: string };
  const body = (price: number) => ({
    title: 'Levi’s 501, 1990s', description: '', brand: 'Levi’s', category: 'women', condition: 'good',
    priceMinor: price, originalPriceMinor: null, variants: [{ label: 'W28', quantity: 1 }], photoIds: [photo.id],
  });
  const made = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: body(priceMinor) });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  return {
    id,
    /** The seller changes the price in the closet editor. */
    setPrice: async (price: number) => {
      const res = await stack.http('PATCH', `/api/listings/${id}`, { cookie: seller.cookie, body: { ...body(price), variants: [{ id: made.body.variants[0].id, label: 'W28', quantity: 1 }] } });
      expect(res.status).toBe(200);
    },
  };
};

describe('a host’s shows tell its followers', () => {
  it('scheduling tells the followers (not the others, nor the host); the reminder moves with the start, and a cancelled show reminds no one', async () => {
    const host = await stack.createUser({ name: 'Rosa Vintage' });
    const [ana, ben, stranger] = [await stack.createUser(), await stack.createUser(), await stack.createUser()];
    await follow(ana, host);
    await follow(ben, host);
    const { variantIds } = await stack.createListing(host.id);
    const show = await schedule(host, variantIds[0]!, 60 * 60_000);
    await until('both followers told', async () => (await rowsOf(ana.id, 'show_scheduled')).length + (await rowsOf(ben.id, 'show_scheduled')).length === 2);
    expect(await rowsOf(ana.id, 'show_scheduled')).toEqual([
      expect.objectContaining({ event_id: `show-scheduled:${show.id}`, title: 'Rosa Vintage scheduled a show: Denim night', url: `/shows/${show.id}` }),
    ]);
    await settled();
    expect(await rowsOf(stranger.id)).toEqual([]);
    expect(await rowsOf(host.id, 'show_scheduled')).toEqual([]);

    // The reminder waits until 15 minutes before the start.
    const first = new Date(show.scheduledAt!);
    const job = await stack.settlementQueue.getJob(jobIds.showStartingSoon(show.id, first));
    expect(job?.data).toEqual({ showId: show.id, scheduledAt: first.toISOString() });
    expect(job!.opts.delay!).toBeGreaterThan(60 * 60_000 - STARTING_SOON_MS - 10_000);
    expect(job!.opts.delay!).toBeLessThanOrEqual(60 * 60_000 - STARTING_SOON_MS);

    // Moved: the old job is gone, one for the new time waits; edited again, no second "scheduled".
    const moved = new Date(Date.now() + 2 * 60 * 60_000);
    expect((await stack.http('PATCH', `/api/shows/${show.id}`, { cookie: host.cookie, body: { scheduledAt: moved.toISOString() } })).status).toBe(200);
    expect(await stack.settlementQueue.getJob(jobIds.showStartingSoon(show.id, first))).toBeUndefined();
    const movedAt = new Date((await stack.db.query<{ at: Date }>('select scheduled_at as at from shows where id = $1', [show.id])).rows[0]!.at);
    expect(await stack.settlementQueue.getJob(jobIds.showStartingSoon(show.id, movedAt))).toBeDefined();
    // An old job that ran anyway (its removal lost a race) tells no one.
    expect(await tellShowStartingSoon(tellDeps(), { showId: show.id, scheduledAt: first.toISOString() })).toEqual({ told: false });

    // Cancelled: the job is dropped, and one that ran anyway tells no one.
    expect((await stack.http('POST', `/api/shows/${show.id}/cancel`, { cookie: host.cookie })).status).toBe(200);
    expect(await stack.settlementQueue.getJob(jobIds.showStartingSoon(show.id, movedAt))).toBeUndefined();
    expect(await tellShowStartingSoon(tellDeps(), { showId: show.id, scheduledAt: movedAt.toISOString() })).toEqual({ told: false });
    await settled();
    expect(await rowsOf(ana.id, 'show_starting_soon')).toEqual([]);
    expect(await rowsOf(ana.id, 'show_scheduled')).toHaveLength(1);
  });

  it('15 minutes before the start the worker reminds the followers; a show already live is not reminded', async () => {
    const host = await stack.createUser({ name: 'Mina Thrift' });
    const fan = await stack.createUser();
    await follow(fan, host);
    const soon = await schedule(host, (await stack.createListing(host.id)).variantIds[0]!, STARTING_SOON_MS + 1_500);
    const early = await schedule(host, (await stack.createListing(host.id)).variantIds[0]!, STARTING_SOON_MS + 2_500);
    const hostSocket = await stack.connect(host.cookie);
    const ack = await request<{ ok: boolean }>(hostSocket, 'show:start', { showId: early.id, clientOpId: newOpId() });
    expect(ack.ok).toBe(true);
    await until('the reminder', async () => (await rowsOf(fan.id, 'show_starting_soon')).length > 0, 20_000);
    await sleep(2_500);
    await settled();
    expect(await rowsOf(fan.id, 'show_starting_soon')).toEqual([
      expect.objectContaining({ event_id: `show-starting-soon:${soon.id}:${new Date(soon.scheduledAt!).getTime()}`, url: `/shows/${soon.id}` }),
    ]);
    expect((await rowsOf(fan.id, 'show_live')).map((r) => r.url)).toEqual([`/shows/${early.id}`]);
    hostSocket.disconnect();
  });
});

describe('live shows tell followers and likers', () => {
  it('going live tells the followers; a liked item featured tells its likers, opening the show at it; a price lowered live is a drop', async () => {
    const host = await stack.createUser({ name: 'Lou Denim' });
    const [follower, jacketFan, jeansFan] = [await stack.createUser(), await stack.createUser(), await stack.createUser()];
    await follow(follower, host);
    const jacket = await stack.createListing(host.id, { title: 'Trucker jacket', priceMinor: 3_000 });
    const jeans = await stack.createListing(host.id, { title: '501 jeans', priceMinor: 2_000 });
    await like(jacketFan, jacket.listingId);
    await like(jeansFan, jeans.listingId);
    // The seller liking its own item hears nothing of it.
    await like(host, jacket.listingId);
    const show = await stack.createShow(host.cookie, [{ variantId: jacket.variantIds[0]! }, { variantId: jeans.variantIds[0]!, priceMinor: 1_500 }]);
    const [jacketEntry, jeansEntry] = show.entries.map((e) => e.entryId) as [string, string];
    const hostSocket: TClientSocket = await stack.connect(host.cookie);
    const ask = async (event: string, extra: object = {}) => {
      const reply = await request<{ ok: boolean }>(hostSocket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
    };

    await ask('show:start');
    await until('the follower told', async () => (await rowsOf(follower.id, 'show_live')).length === 1);
    expect(await rowsOf(follower.id, 'show_live')).toEqual([expect.objectContaining({ title: 'Lou Denim is live now: Test show', url: `/shows/${show.id}` })]);

    await ask('queue:feature', { entryId: jacketEntry });
    await until('the jacket’s liker told', async () => (await rowsOf(jacketFan.id, 'liked_featured')).length === 1);
    expect(await rowsOf(jacketFan.id, 'liked_featured')).toEqual([
      expect.objectContaining({ event_id: `featured:${show.id}:${jacketEntry}`, title: 'On now: Trucker jacket', url: `/shows/${show.id}?item=${jacketEntry}` }),
    ]);

    // Lowered live, below the closet's price: a drop, opening the show at the item.
    await ask('queue:price', { entryId: jacketEntry, priceMinor: 2_500 });
    await until('the drop told', async () => (await rowsOf(jacketFan.id, 'price_drop')).length === 1);
    expect(await rowsOf(jacketFan.id, 'price_drop')).toEqual([
      expect.objectContaining({ title: 'Price drop: Trucker jacket, $25.00 live now', url: `/shows/${show.id}?item=${jacketEntry}` }),
    ]);
    // A raise is no drop, nor is a price lowered again but still above the closet's.
    await ask('queue:price', { entryId: jacketEntry, priceMinor: 4_000 });
    await ask('queue:price', { entryId: jacketEntry, priceMinor: 3_500 });
    // Featured again: told once already.
    await ask('queue:feature', { entryId: jeansEntry });
    await ask('queue:feature', { entryId: jacketEntry });

    // The jeans are featured below their closet price: one notice, told as a price drop.
    await until('the jeans’ liker told', async () => (await rowsOf(jeansFan.id)).length === 1);
    expect(await rowsOf(jeansFan.id)).toEqual([
      expect.objectContaining({ kind: 'price_drop', title: '501 jeans: $15.00 live now', url: `/shows/${show.id}?item=${jeansEntry}` }),
    ]);
    await settled();
    expect((await rowsOf(jacketFan.id)).map((r) => r.kind)).toEqual(['liked_featured', 'price_drop']);
    expect(await rowsOf(follower.id)).toHaveLength(1);
    // The host hears of its follower and of the likes (not its own), nothing of its own show.
    expect((await rowsOf(host.id)).map((r) => r.kind).sort()).toEqual(['new_follower', 'new_like', 'new_like']);
    hostSocket.disconnect();
  });
});

describe('the closet and the social verbs', () => {
  it('a lower closet price tells the likers (not the others, nor the seller); a raise tells nobody', async () => {
    const seller = await stack.createUser({ name: 'Ada Closet' });
    const [fan, other] = [await stack.createUser(), await stack.createUser()];
    const listing = await listingThroughApi(seller, 4_000);
    await like(fan, listing.id);
    await like(seller, listing.id);
    await listing.setPrice(4_500);
    await listing.setPrice(3_200);
    await until('the liker told', async () => (await rowsOf(fan.id, 'price_drop')).length === 1);
    await settled();
    expect(await rowsOf(fan.id, 'price_drop')).toEqual([
      expect.objectContaining({ title: 'Price drop: Levi’s 501, 1990s, now $32.00', url: `/listings/${listing.id}` }),
    ]);
    expect(await rowsOf(other.id)).toEqual([]);
    expect(await rowsOf(seller.id, 'price_drop')).toEqual([]);
  });

  it('collapses: 15 price drops of a liked item make 15 feed rows, 1 push and 1 email', async () => {
    const seller = await stack.createUser();
    const fan = await stack.createUser();
    const sub = await subscribe(fan);
    const listing = await listingThroughApi(seller, 10_000);
    await like(fan, listing.id);
    for (let i = 1; i <= 15; i++) await listing.setPrice(10_000 - i * 100);
    await until('15 rows', async () => (await rowsOf(fan.id, 'price_drop')).length === 15);
    await settled();
    expect(pushes.pushesTo(sub.endpoint)).toHaveLength(1);
    expect(JSON.parse(sub.decrypt(pushes.pushesTo(sub.endpoint)[0]!.body))).toMatchObject({ kind: 'price_drop', title: expect.stringMatching(/^Price drop: Levi’s 501, 1990s, now \$\d\d\.00$/) });
    expect((await mailsTo(stack.env.MAIL_CATCHER_URL, fan.email)).filter((m) => m.subject.startsWith('Price drop'))).toHaveLength(1);
  });

  it('a new follower and a new like tell the seller once, however often undone and redone', async () => {
    const seller = await stack.createUser({ name: 'Sol Seller' });
    const fan = await stack.createUser({ name: 'Fan Fiona' });
    const listing = await stack.createListing(seller.id, { title: 'Cord skirt' });
    await follow(fan, seller);
    expect((await stack.http('DELETE', `/api/follows/${seller.id}`, { cookie: fan.cookie })).status).toBe(200);
    await follow(fan, seller);
    await like(fan, listing.listingId);
    expect((await stack.http('DELETE', `/api/likes/${listing.listingId}`, { cookie: fan.cookie })).status).toBe(200);
    await like(fan, listing.listingId);
    await until('both told', async () => (await rowsOf(seller.id)).length === 2);
    await settled();
    const { handle } = fan;
    expect(await rowsOf(seller.id)).toEqual([
      expect.objectContaining({ kind: 'new_follower', title: 'Fan Fiona follows you', url: `/@${handle}` }),
      expect.objectContaining({ kind: 'new_like', title: 'Fan Fiona likes Cord skirt', url: `/listings/${listing.listingId}` }),
    ]);
    expect(await rowsOf(fan.id)).toEqual([]);
  });
});

describe('the followers audience', () => {
  it('is read in batches: a host with more followers than a batch reaches every one once, and each batch run again writes and pushes nothing', async () => {
    const host = await stack.createUser({ name: 'Big Host' });
    const count = FAN_OUT_BATCH + 5;
    // Followers made in one statement each (as the benchmark does), two of them real with a device.
    const { rows: made } = await stack.db.query<{ id: string }>(
      `insert into users (email, password_hash, display_name) select 'fan-' || gen_random_uuid() || '@showcart.test', 'x', 'Fan ' || i
         from generate_series(1, $1::int) i returning id`, [count - 2]);
    const real = [await stack.createUser(), await stack.createUser()];
    const subs = [await subscribe(real[0]!), await subscribe(real[1]!)];
    await stack.db.query('insert into follows (follower_id, followee_id) select unnest($1::uuid[]), $2', [[...made.map((r) => r.id), ...real.map((u) => u.id)], host.id]);
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const hostSocket = await stack.connect(host.cookie);
    expect((await request<{ ok: boolean }>(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() })).ok).toBe(true);
    const eventId = `show-live:${show.id}`;
    const written = async () => Number((await stack.db.query('select count(*) from notifications where event_id = $1', [eventId])).rows[0]!.count);
    await until('every follower told', async () => (await written()) === count);
    await settled();
    for (const sub of subs) expect(pushes.pushesTo(sub.endpoint)).toHaveLength(1);

    // Both batches again, as a retried job would run them: nothing written, nothing pushed.
    const ids = (await stack.db.query<{ id: string }>('select follower_id as id from follows where followee_id = $1 order by follower_id', [host.id])).rows.map((r) => r.id);
    await stack.redis.del(...real.map((u) => pushCollapseKey(u.id, 'show_live')));
    const deps = {
      db: stack.db, redis: stack.redis, logger: { warn: () => {}, error: () => {}, info: () => {} } as never, config: stack.config,
      mailer: createMailer(stack.config.mail), push: createPushSender(stack.config.push), notifications,
    };
    const again = [
      await fanOutBatch(deps, { eventId, afterUserId: null }),
      await fanOutBatch(deps, { eventId, afterUserId: ids[FAN_OUT_BATCH - 1]! }),
    ];
    expect(again).toEqual([{ recipients: FAN_OUT_BATCH, written: 0 }, { recipients: 5, written: 0 }]);
    const deliveredAgain = [
      await deliverBatch(deps, { eventId, afterUserId: null, throughUserId: ids[FAN_OUT_BATCH - 1]! }),
      await deliverBatch(deps, { eventId, afterUserId: ids[FAN_OUT_BATCH - 1]!, throughUserId: ids.at(-1)! }),
    ];
    expect(deliveredAgain).toEqual([{ taken: 0, pushed: 0, pushesGone: 0, emailed: 0 }, { taken: 0, pushed: 0, pushesGone: 0, emailed: 0 }]);
    // Every row was delivered once, by the batch that wrote it.
    expect(Number((await stack.db.query('select count(*) from notifications where event_id = $1 and delivered_at is null', [eventId])).rows[0]!.count)).toBe(0);
    await sleep(200);
    for (const sub of subs) expect(pushes.pushesTo(sub.endpoint)).toHaveLength(1);
    expect(await written()).toBe(count);
    hostSocket.disconnect();
  });
});
