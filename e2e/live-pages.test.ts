import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { PHONE, SCREENSHOTS, signIn, videoIsPlaying } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * The live pages as a host and two buyers use them: told what happened, no accidental
 * buys, a studio that fits a phone, real error pages, and no serious accessibility faults.
 */
let stack: TStack;
let baseUrl: string;
const { newContext } = useBrowserStack({ worker: true }, (env) => {
  ({ stack, baseUrl } = env);
});

/** What the pages' Content-Security-Policy refused: nothing the app itself does may be. */
const refusedByPolicy: string[] = [];
const newPage = async (viewport = PHONE) => {
  const page = await (await newContext(viewport)).newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refusedByPolicy.push(m.text());
  });
  return page;
};
const shot = (page: Page, name: string, firstScreen = true) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: !firstScreen });
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();
const roomExists = async (showId: string) => (await stack.livekit.rooms.listRooms()).some((r) => r.name === `show-${showId}`);

describe('the live pages', () => {
  it('keep the host private until Go live and after End, and tell each buyer what happened to them', async () => {
    const host = await stack.createUser({ name: 'Maya Host', shippingMinor: 500 });
    const scarf = await stack.createListing(host.id, { title: 'Silk scarf', priceMinor: 2_200, variants: [['One size', 3]] });
    const jacket = await stack.createListing(host.id, { title: 'Denim jacket', priceMinor: 4_800, variants: [['M', 1]] });
    const show = await stack.createShow(host.cookie, [{ variantId: scarf.variantIds[0]! }, { variantId: jacket.variantIds[0]! }]);
    const sam = await stack.createUser({ name: 'Sam Buyer', withCard: true });
    const priya = await stack.createUser({ name: 'Priya Buyer', withCard: true });

    // Before Go live: the host sees its own preview; a viewer gets nothing of it.
    const hostPage = await newPage();
    await signIn(hostPage, baseUrl, host.email, TEST_PASSWORD);
    await hostPage.goto(`${baseUrl}/studio/${show.id}`);
    await expect.poll(() => text(hostPage, 'show-status'), { timeout: 15_000 }).toMatch(/scheduled/i);
    await hostPage.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="studio-preview"]')?.videoWidth ?? 0) > 0, undefined, { timeout: 15_000 });
    const samPage = await newPage();
    await signIn(samPage, baseUrl, sam.email, TEST_PASSWORD);
    await samPage.goto(`${baseUrl}/shows/${show.id}`);
    await expect.poll(() => samPage.locator('.stage').textContent(), { timeout: 10_000 }).toContain('The show starts soon');
    await samPage.waitForTimeout(2_000);
    expect(await samPage.getByTestId('show-video').count()).toBe(0);
    expect(await roomExists(show.id)).toBe(false);
    await shot(hostPage, 'studio-preview-before-live');
    await shot(samPage, 'watch-before-live');
    await expectAccessible(hostPage, 'studio before live');
    await expectAccessible(samPage, 'watch before live');

    // Go live: now the camera reaches the viewer.
    await hostPage.getByTestId('studio-go-live').click();
    await expect.poll(() => text(hostPage, 'show-status'), { timeout: 15_000 }).toMatch(/live/i);
    expect((await videoIsPlaying(samPage)).width).toBeGreaterThan(0);
    await hostPage.getByTestId('queue-entry').filter({ hasText: 'Silk scarf' }).getByTestId('feature-button').click();
    await expect.poll(() => text(samPage, 'featured-title'), { timeout: 10_000 }).toBe('Silk scarf');

    // A double tap buys one: after the claim the button says Claimed, and a second unit
    // needs the dialog that states the total.
    const claimButton = samPage.getByTestId('claim-button');
    await claimButton.dblclick();
    await expect.poll(() => text(samPage, 'claim-result'), { timeout: 5_000 }).toMatch(/Claimed — #1/);
    await expect.poll(() => claimButton.textContent()).toBe('Claimed ✓ · Claim another');
    if (await samPage.getByTestId('claim-another').isVisible()) await samPage.getByTestId('claim-another-cancel').click();
    await samPage.waitForTimeout(1_000);
    await expect.poll(() => text(hostPage, 'counter-claims')).toBe('1');
    await claimButton.click();
    const dialog = samPage.getByTestId('claim-another');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('Another makes 2 for $44.00');
    await shot(samPage, 'watch-claim-another-dialog');
    await expectAccessible(samPage, 'the claim-another dialog');
    await samPage.getByTestId('claim-another-confirm').click();
    await expect.poll(() => text(hostPage, 'counter-claims'), { timeout: 5_000 }).toBe('2');
    await expect.poll(() => claimButton.textContent()).toBe('Claimed ✓ × 2 · Claim another');
    expect(await text(hostPage, 'counter-revenue')).toBe('$44.00');

    // The host voids one of Sam's claims with a reason: Sam's page says so, and why.
    await hostPage.getByTestId('studio-tab-claims').click();
    await hostPage.getByTestId('claims-list').getByRole('button', { name: /^Void/ }).first().click();
    await hostPage.getByTestId('void-dialog-reason').fill('Wrong size listed');
    await shot(hostPage, 'studio-void-dialog');
    await hostPage.getByTestId('void-dialog-confirm').click();
    await expect.poll(() => text(samPage, 'claim-voided'), { timeout: 5_000 }).toContain('Wrong size listed');
    expect(await text(samPage, 'my-claims')).toContain('voided by the host: Wrong size listed');
    await expect.poll(() => claimButton.textContent()).toBe('Claimed ✓ · Claim another');
    await shot(samPage, 'watch-claim-voided');

    // A banned viewer's Claim is off and says why; its chat too.
    const priyaPage = await newPage();
    await signIn(priyaPage, baseUrl, priya.email, TEST_PASSWORD);
    await priyaPage.goto(`${baseUrl}/shows/${show.id}`);
    await priyaPage.getByTestId('chat-input').fill('Does it come in blue?');
    await priyaPage.getByTestId('chat-send').click();
    await hostPage.getByTestId('studio-tab-chat').click();
    const priyaMessage = hostPage.getByTestId('chat-message').filter({ hasText: 'Does it come in blue?' });
    await priyaMessage.getByRole('button', { name: 'Ban' }).click();
    await expect.poll(() => priyaPage.getByTestId('claim-button').isDisabled(), { timeout: 5_000 }).toBe(true);
    expect(await text(priyaPage, 'claim-why')).toMatch(/removed you/);
    expect(await text(priyaPage, 'chat-blocked')).toMatch(/removed you/);
    await shot(priyaPage, 'watch-banned');

    // On a phone, chat and claims are a tap away, above the queue, not below it.
    for (const tab of ['chat', 'claims'] as const) {
      await hostPage.evaluate(() => window.scrollTo(0, 0));
      const tabBox = (await hostPage.getByTestId(`studio-tab-${tab}`).boundingBox())!;
      expect(tabBox.y + tabBox.height).toBeLessThanOrEqual(PHONE.height);
      await hostPage.getByTestId(`studio-tab-${tab}`).click();
      expect(await hostPage.getByTestId('studio-panel-queue').isVisible()).toBe(false);
      expect((await hostPage.getByTestId(`studio-panel-${tab}`).boundingBox())!.y).toBeLessThan(PHONE.height);
    }
    await shot(hostPage, 'studio-phone-claims-tab');
    await expectAccessible(hostPage, 'studio live');
    await expectAccessible(samPage, 'watch live');

    // On a desktop, video, queue, chat and claims are all on the first screen.
    const desk = await newPage({ width: 1280, height: 800 });
    await signIn(desk, baseUrl, host.email, TEST_PASSWORD);
    await desk.goto(`${baseUrl}/studio/${show.id}`);
    await expect.poll(() => text(desk, 'show-status'), { timeout: 15_000 }).toMatch(/live/i);
    for (const part of ['show-status', 'studio-panel-queue', 'studio-panel-chat', 'studio-panel-claims']) {
      const box = (await desk.getByTestId(part).boundingBox())!;
      expect(box.y, part).toBeLessThan(800);
    }
    await shot(desk, 'studio-desktop-live');

    // End: the room closes for everyone; the host gets the summary and what the show sold.
    await hostPage.getByTestId('studio-end').click();
    await shot(hostPage, 'studio-end-dialog');
    await hostPage.getByTestId('end-dialog-confirm').click();
    await expect.poll(() => samPage.getByTestId('show-ended').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await samPage.getByTestId('show-video').count()).toBe(0);
    await expect.poll(() => roomExists(show.id), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => text(hostPage, 'show-summary'), { timeout: 10_000 }).toContain('1 item claimed for $22.00 by 1 buyer');
    expect(await hostPage.getByTestId('show-sold-link').getAttribute('href')).toBe(`/shows/${show.id}/sales`);

    // After the show the buyer is told its order was charged.
    await expect.poll(() => samPage.getByTestId('my-order').first().getAttribute('data-status', { timeout: 1_000 }).catch(() => null), { timeout: 60_000 }).toBe('paid');
    expect(await text(samPage, 'my-orders')).toContain('$27.00 charged to your card');
    await expect.poll(() => text(hostPage, 'show-summary'), { timeout: 10_000 }).toContain('Every order is final');
    await shot(samPage, 'watch-after-show-charged');
    await shot(hostPage, 'studio-after-show');
    await expectAccessible(hostPage, 'studio after the show');

    // All of that ran under the production build's Content-Security-Policy, which refused nothing.
    const policy = (await fetch(`${baseUrl}/`)).headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain(`connect-src 'self' ${stack.config.livekit.url}`);
    expect(refusedByPolicy).toEqual([]);
  });

  it('answer every bad URL with a real page, and bring a signed-out person back where they were going', async () => {
    const owner = await stack.createUser({ name: 'Olive Owner' });
    const show = await stack.createShow(owner.cookie, [{ variantId: (await stack.createListing(owner.id)).variantIds[0]! }]);
    const visitor = await stack.createUser({ name: 'Vic Visitor' });
    const page = await newPage();

    // A show's own page is open to anyone (e2e/scheduled-show.test.ts); a studio is not.
    await page.goto(`${baseUrl}/studio/${show.id}`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/studio/${show.id}`);
    await page.getByTestId('login-email').fill(visitor.email);
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === `/studio/${show.id}`);

    for (const [url, kind] of [
      ['/shows/doesnotexist', 'not-found'],
      [`/shows/${randomUUID()}`, 'not-found'],
      [`/studio/${randomUUID()}`, 'not-found'],
      ['/no/such/page', 'not-found'],
      ['/replays/doesnotexist', 'not-found'],
      [`/replays/${show.id}`, 'not-found'],
      [`/shows/${randomUUID()}/receipts`, 'not-found'],
      [`/orders/${randomUUID()}/pay`, 'not-found'],
      [`/studio/${show.id}`, 'forbidden'],
      [`/shows/${show.id}/sales`, 'forbidden'],
      ['/admin/queues', 'forbidden'],
    ] as const) {
      await page.goto(`${baseUrl}${url}`);
      await expect.poll(() => page.getByTestId(`error-${kind}`).isVisible(), { timeout: 10_000 }).toBe(true);
      // No controls of the page that was refused.
      expect(await page.getByTestId('chat-input').count()).toBe(0);
      expect(await page.getByTestId('studio-go-live').count()).toBe(0);
      await expectAccessible(page, url);
    }
    await shot(page, 'error-not-allowed');

    // A fault of ours (the api answers 500, which the real one cannot be made to on demand):
    // after its retries the page says so and offers to try again; nothing of the show's controls.
    await page.route('**/api/shows/*', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } }) }));
    await page.goto(`${baseUrl}/shows/${show.id}`);
    await expect.poll(() => page.getByTestId('error-server-error').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(await page.getByTestId('chat-input').count()).toBe(0);
    await expectAccessible(page, 'server error');
    await shot(page, 'error-server');
    await page.unroute('**/api/shows/*');
    await page.goto(`${baseUrl}/shows/doesnotexist`);
    await shot(page, 'error-not-found');
  });
});
