import path from 'node:path';
import { notify } from '@showcart/domain';
import type { Page } from 'playwright-core';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
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
    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL === `${baseUrl}/` && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: baseUrl, registrationId: await registrationId,
      data: JSON.stringify({ title: 'Live now: Rosa', body: 'The jacket you like is on.', url: '/orders', kind: 'show_live' }),
    });
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
});
