import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, until, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * The first-sale boost as people see it: a "New seller" badge on a seller that never sold,
 * its first buyer's receipt saying the platform paid the shipping, and no badge after.
 */
let stack: TStack;
let baseUrl: string;
const DESKTOP = { width: 1280, height: 900 };
const { newPage } = useBrowserStack({ worker: true, env: { FIRST_SALE_SHIPPING_DISCOUNT_MINOR: '500' } }, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Browser test files share one database: this file's titles carry a word of their own. */
const TOKEN = `boost${Date.now().toString(36)}`;

describe('the first-sale boost', () => {
  it('badges a new seller, tells its first buyer the shipping is on us, and drops the badge after the sale', async () => {
    const seller = await stack.createUser({ name: 'Noor New', shippingMinor: 700 });
    const { handle } = seller;
    const { listingId, variantIds } = await stack.createListing(seller.id, { title: `${TOKEN} Linen shirt`, priceMinor: 3_000, variants: [['M', 2]] });
    const buyer = await stack.createUser({ name: 'Bea Buyer', withCard: true });

    const page = await newPage();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/listings/${listingId}`);
    await expect.poll(() => page.getByTestId('new-seller').count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'boost-listing-new-seller');
    await expectAccessible(page, 'listing of a new seller');
    await page.goto(`${baseUrl}/@${handle}`);
    await expect.poll(() => page.getByTestId('profile').getByTestId('new-seller').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot(page, 'boost-profile-new-seller');
    await page.goto(`${baseUrl}/search?q=${encodeURIComponent(`${TOKEN} Linen shirt`)}`);
    const card = page.getByTestId('listing-card').filter({ hasText: `${TOKEN} Linen shirt` });
    await expect.poll(() => card.getByTestId('new-seller').count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'boost-search-card');
    const scheduled = await stack.createShow(seller.cookie, [{ variantId: variantIds[0]!, quantity: 1 }]);
    await page.goto(`${baseUrl}/shows/${scheduled.id}`);
    await expect.poll(() => page.getByTestId('show-host').getByTestId('new-seller').count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'boost-preshow-host');

    await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]!, quantity: 1 }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    await until('the order paid', async () =>
      (await stack.db.query(`select 1 from orders where buyer_id = $1 and status = 'paid'`, [buyer.id])).rowCount);
    await page.goto(`${baseUrl}/orders`);
    const boost = page.getByTestId('order-boost');
    await expect.poll(() => boost.first().textContent(), { timeout: 10_000 }).toBe('First-sale boost: shipping on us−$5.00');
    expect(await page.getByTestId('order-total').first().textContent()).toBe('$32.00');
    await shot(page, 'boost-orders-phone');
    await expectAccessible(page, 'orders with a first-sale boost');
    const wide = await newPage(DESKTOP);
    await signIn(wide, baseUrl, buyer.email, TEST_PASSWORD);
    await wide.goto(`${baseUrl}/orders`);
    await expect.poll(() => wide.getByTestId('order-boost').count(), { timeout: 10_000 }).toBe(1);
    await shot(wide, 'boost-orders-desktop');

    // A sale made, the seller is new no more.
    await page.goto(`${baseUrl}/listings/${listingId}`);
    await expect.poll(() => page.getByTestId('listing-title').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('new-seller').count()).toBe(0);
  });
});
