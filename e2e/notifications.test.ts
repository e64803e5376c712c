import path from 'node:path';
import { notify } from '@showcart/domain';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, TEST_PASSWORD, until, type TStack } from '../infra/test/harness.ts';
import { mailsTo } from '../infra/test/mail.ts';
import { startPushEndpoint } from '../infra/test/push-endpoint.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** A buyer allows notifications; an order-paid notification reaches the open page live, and the service worker shows a push. */
let stack: TStack;
let baseUrl: string;
const vapid = webpush.generateVAPIDKeys();
const { newContext } = useBrowserStack({ worker: true, env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey } }, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
let pushes: Awaited<ReturnType<typeof startPushEndpoint>>;
beforeAll(async () => {
  pushes = await startPushEndpoint();
});
afterAll(() => pushes?.close());

/** Hands a push to the page's service worker through the DevTools protocol, as a browser's push service would. */
const pushDeliverer = async (context: BrowserContext, page: Page) => {
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find((r) => r.scopeURL === `${baseUrl}/` && !r.isDeleted);
      if (mine) resolve(mine.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return async (data: string) => cdp.send('ServiceWorker.deliverPushMessage', { origin: baseUrl, registrationId: await registrationId, data });
};
const shownNotifications = (page: Page) => page.evaluate(async () =>
  (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, tag: n.tag, url: (n.data as { url: string }).url })));

describe('notifications in the browser', () => {
  it('allows notifications, gets an order-paid notification live in the bell, and the service worker shows a push', async () => {
    const buyer = await stack.createUser({ name: 'Nina Notified' });
    const context = await newContext();
    await context.grantPermissions(['notifications'], { origin: baseUrl });
    const page = await context.newPage();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/notifications`);
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 }).toContain('Nothing yet');

    // The service worker registers, then the browser asks its push service for a subscription:
    // headless Chromium has none (no network), so the page says so, and the worker stays.
    await page.getByTestId('push-toggle').click();
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/sw.js'))?.active?.state ?? null), { timeout: 30_000 })
      .toBe('activated');
    await expectAccessible(page, 'notifications');
    await shot(page, 'notifications-empty');

    // The event, as a paid charge tells it: the bell counts it and the page lists it, no reload.
    await notify({ db: stack.db, queue: stack.settlementQueue }, {
      eventId: `order-paid:e2e-${buyer.id}`, kind: 'order_paid', audience: { type: 'list', userIds: [buyer.id] },
      payload: { title: 'Paid: $30.00 to Rosa', body: 'Your order from Rosa is paid; they will ship it soon.', url: '/orders' },
    });
    await expect.poll(() => page.getByTestId('bell-count').textContent(), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('feed').textContent(), { timeout: 30_000 }).toContain('Paid: $30.00 to Rosa');
    expect(await page.getByRole('status').filter({ hasText: 'Paid: $30.00 to Rosa' }).count()).toBeGreaterThan(0);
    await shot(page, 'notifications-live');

    // A push, delivered to the service worker through the DevTools protocol, is shown by it.
    const deliver = await pushDeliverer(context, page);
    await deliver(JSON.stringify({ title: 'Live now: Rosa', body: 'The jacket you like is on.', url: '/orders', kind: 'show_live' }));
    await expect.poll(() => page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.title}|${n.body}|${n.tag}`)), { timeout: 30_000 })
      .toEqual(['Live now: Rosa|The jacket you like is on.|show_live']);

    // Opening the notification marks it read and goes to its order.
    await page.getByTestId('feed').getByRole('link').first().click();
    await page.waitForURL(`${baseUrl}/orders`);
    await expect.poll(() => page.getByTestId('bell-count').count(), { timeout: 30_000 }).toBe(0);

    const desktop = await newContext({ width: 1280, height: 900 });
    const wide = await desktop.newPage();
    await signIn(wide, baseUrl, buyer.email, TEST_PASSWORD);
    await wide.goto(`${baseUrl}/notifications`);
    await expect.poll(() => wide.getByTestId('feed').textContent(), { timeout: 30_000 }).toContain('Paid: $30.00 to Rosa');
    await shot(wide, 'notifications-desktop');
  });

  it('likes an item and follows its seller; the price drop and the live show reach the page by push, feed and email; the notice opens the show at the item', async () => {
    const seller = await stack.createUser({ name: 'Rosa Vintage' });
    const buyer = await stack.createUser({ name: 'Nico Buyer', withCard: true });
    // The seller's listing, made through the api with an uploaded photo, as its closet editor does.
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 90, b: 160 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'photo.jpg');
    const photo = (await (await fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', headers: { cookie: seller.cookie }, body: form })).json()) as { id: string };
    const listingBody = (priceMinor: number, variantId?: string) => ({
      title: 'Trucker jacket', description: 'Dark wash, 1990s.', brand: 'Levi’s', category: 'women', condition: 'good',
      priceMinor, originalPriceMinor: null, variants: [{ ...(variantId ? { id: variantId } : {}), label: 'M', quantity: 1 }], photoIds: [photo.id],
    });
    const made = await stack.http('POST', '/api/listings', { cookie: seller.cookie, body: listingBody(6_000) });
    expect(made.status).toBe(201);
    const listingId = made.body.id as string;
    const variantId = made.body.variants[0].id as string;
    const { handle } = seller;

    // The buyer likes the item and follows its seller, in the pages.
    const context = await newContext();
    await context.grantPermissions(['notifications'], { origin: baseUrl });
    const page = await context.newPage();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/listings/${listingId}`);
    await page.getByTestId('like-button').click();
    await expect.poll(() => page.getByTestId('like-button').getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    await page.goto(`${baseUrl}/@${handle}`);
    await page.getByTestId('follow-button').click();
    await expect.poll(() => page.getByTestId('follow-button').getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');

    // Allows notifications: the service worker registers. Headless Chromium has no push
    // service of its own, so the subscription the server keeps for this browser is one of
    // the local push endpoint, whose keys the test holds.
    await page.goto(`${baseUrl}/notifications`);
    await page.getByTestId('push-toggle').click();
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/sw.js'))?.active?.state ?? null), { timeout: 30_000 })
      .toBe('activated');
    const device = pushes.subscribe();
    expect(await page.evaluate(async (body) => (await fetch('/api/notifications/push-subscriptions', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body,
    })).status, JSON.stringify({ endpoint: device.endpoint, expirationTime: null, keys: device.keys }))).toBe(204);
    const deliver = await pushDeliverer(context, page);
    const nextPush = async (count: number) => {
      const all = await until(`push ${count}`, async () => (pushes.pushesTo(device.endpoint).length >= count ? pushes.pushesTo(device.endpoint) : undefined));
      return device.decrypt(all[count - 1]!.body);
    };

    // The seller drops the price in the closet: the push reaches the service worker, the bell and the feed change live.
    expect((await stack.http('PATCH', `/api/listings/${listingId}`, { cookie: seller.cookie, body: listingBody(4_500, variantId) })).status).toBe(200);
    const dropPush = await nextPush(1);
    expect(JSON.parse(dropPush)).toMatchObject({ kind: 'price_drop', title: 'Price drop: Trucker jacket, now $45.00', url: `/listings/${listingId}` });
    await deliver(dropPush);
    await expect.poll(() => shownNotifications(page), { timeout: 30_000 })
      .toEqual([{ title: 'Price drop: Trucker jacket, now $45.00', tag: 'price_drop', url: `/listings/${listingId}` }]);
    await expect.poll(() => page.getByTestId('feed').textContent(), { timeout: 30_000 }).toContain('Price drop: Trucker jacket, now $45.00');
    await expect.poll(() => page.getByTestId('bell-count').textContent(), { timeout: 30_000 }).toBe('1');
    await shot(page, 'triggers-price-drop');

    // Later the seller goes live and features the item: the follower's and the liker's notices both come.
    const show = await stack.createShow(seller.cookie, [{ variantId }]);
    const entryId = show.entries[0]!.entryId;
    const sellerSocket = await stack.connect(seller.cookie);
    for (const [event, extra] of [['show:start', {}], ['queue:feature', { entryId }]] as const) {
      const reply = await request<{ ok: boolean }>(sellerSocket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
    }
    await until('both pushes', async () => pushes.pushesTo(device.endpoint).length >= 3);
    const livePushes = [await nextPush(2), await nextPush(3)].map((m) => JSON.parse(m) as { kind: string; title: string; url: string });
    const featured = livePushes.find((m) => m.kind === 'liked_featured')!;
    expect(featured).toMatchObject({ title: 'On now: Trucker jacket', url: `/shows/${show.id}?item=${entryId}` });
    expect(livePushes.find((m) => m.kind === 'show_live')).toMatchObject({ title: 'Rosa Vintage is live now: Test show', url: `/shows/${show.id}` });
    await deliver(JSON.stringify(featured));
    await expect.poll(async () => (await shownNotifications(page)).map((n) => n.title).sort(), { timeout: 30_000 })
      .toEqual(['On now: Trucker jacket', 'Price drop: Trucker jacket, now $45.00']);
    await expect.poll(() => page.getByTestId('bell-count').textContent(), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => page.getByTestId('feed').textContent(), { timeout: 30_000 }).toContain('On now: Trucker jacket');
    expect(await page.getByTestId('feed').textContent()).toContain('Rosa Vintage is live now');
    await expectAccessible(page, 'notifications-triggers');
    await shot(page, 'triggers-live');

    // The emails: the price drop and the live show (featured items are not mailed by default).
    await expect.poll(async () => (await mailsTo(stack.env.MAIL_CATCHER_URL, buyer.email)).map((m) => m.subject).sort(), { timeout: 30_000 })
      .toEqual(['Price drop: Trucker jacket, now $45.00', 'Rosa Vintage is live now: Test show']);
    const dropMail = (await mailsTo(stack.env.MAIL_CATCHER_URL, buyer.email)).find((m) => m.subject.startsWith('Price drop'))!;
    expect(dropMail.text).toContain(`${baseUrl}/listings/${listingId}`);

    // The feed entry opens the live show at the item, marked and said.
    await page.getByTestId('feed').getByRole('link', { name: /On now: Trucker jacket/ }).click();
    await page.waitForURL(`${baseUrl}/shows/${show.id}?item=${entryId}`);
    await expect.poll(() => page.getByTestId('marked-item').textContent(), { timeout: 30_000 }).toContain('You came for Trucker jacket: it is on now at $45.00');
    expect(await page.locator(`[data-entry-id="${entryId}"]`).getAttribute('data-marked')).toBe('true');
    expect(await page.getByTestId('featured-title').textContent()).toBe('Trucker jacket');
    await expectAccessible(page, 'watch-at-item');
    await shot(page, 'triggers-watch-at-item');
    sellerSocket.disconnect();
  });
});
