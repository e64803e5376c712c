import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, until, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * Offers to likers as people see them: the seller sends one from its listing's page (which
 * says how many likers it reaches), a liker sees it on the listing with its time left and
 * buys at it with Buy now, and its receipt shows the offer's price and shipping discount.
 */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({ worker: true }, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('offers to likers', () => {
  it('lets a seller offer its likers a price, and a liker buy at it from the listing', async () => {
    const seller = await stack.createUser({ name: 'Sol Seller', shippingMinor: 800 });
    const { listingId } = await stack.createListing(seller.id, { title: 'Corduroy jacket', priceMinor: 6_000, variants: [['M', 2]] });
    const liker = await stack.createUser({ name: 'Lia Liker', withCard: true });
    const other = await stack.createUser({ name: 'Ona Other', withCard: true });
    for (const u of [liker, other]) await stack.http('POST', `/api/likes/${listingId}`, { cookie: u.cookie });

    const sellerPage = await newPage();
    await signIn(sellerPage, baseUrl, seller.email, TEST_PASSWORD);
    await sellerPage.goto(`${baseUrl}/listings/${listingId}`);
    const reach = sellerPage.getByTestId('offer-reach');
    await expect.poll(() => reach.textContent(), { timeout: 10_000 }).toBe('Goes to the 2 people who like it now, once each, in private.');
    // A price that is not lower is refused before it is sent.
    await sellerPage.getByLabel('Offer price (now $60.00)').fill('60');
    await sellerPage.getByTestId('offer-send').click();
    await expect.poll(() => sellerPage.getByRole('alert').textContent(), { timeout: 5_000 }).toBe('The offer must be below the current price of $60.00.');
    await sellerPage.getByLabel('Offer price (now $60.00)').fill('45');
    await sellerPage.getByLabel('Off shipping, optional (at most $8.00)').fill('5');
    await sellerPage.getByLabel('Lasts').selectOption('24');
    await shot(sellerPage, 'offers-seller-form');
    await expectAccessible(sellerPage, 'offer to likers form');
    await sellerPage.getByTestId('offer-send').click();
    await expect.poll(() => sellerPage.getByTestId('offer-sent').textContent(), { timeout: 10_000 }).toMatch(/^Sent: \$45\.00 to 2 likers, until /);
    await expect.poll(() => sellerPage.getByTestId('offer-running').textContent(), { timeout: 10_000 })
      .toMatch(/^Running: \$45\.00 and \$5\.00 off shipping to 2 likers · 2[34] h \d+ min left · 0 bought with it\./);
    await shot(sellerPage, 'offers-seller-sent');

    const page = await newPage();
    await signIn(page, baseUrl, liker.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/listings/${listingId}`);
    const offer = page.getByTestId('your-offer');
    await expect.poll(() => offer.textContent(), { timeout: 10_000 }).toMatch(/^An offer for you: \$45\.00 \$60\.00 · \$5\.00 off shipping.*2[34] h \d+ min left/);
    await shot(page, 'offers-liker-listing');
    await expectAccessible(page, 'listing with an offer for the liker');
    await page.getByTestId('buy-now').click();
    await expect.poll(() => page.getByTestId('buy-now-total').textContent(), { timeout: 10_000 })
      .toMatch(/^\$45\.00 \(your offer\) \+ \$8\.00 shipping − \$5\.00 off shipping = \$48\.00, charged now to your/);
    await shot(page, 'offers-liker-dialog');
    await page.getByTestId('buy-now-dialog-confirm').click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Bought!' }).textContent(), { timeout: 10_000 })
      .toMatch(/^Bought! Your offer is used\. We are charging \$48\.00 to your saved card now\./);
    await expect.poll(() => offer.textContent(), { timeout: 10_000 }).toMatch(/You used it/);
    await shot(page, 'offers-liker-bought');
    const order = await until('the order paid', async () =>
      (await stack.db.query<{ id: string; total: number }>(`select id, total_minor as total from orders where buyer_id = $1 and status = 'paid'`, [liker.id])).rows[0]);
    expect(order.total).toBe(4_800);

    await page.goto(`${baseUrl}/orders`);
    await expect.poll(() => page.getByTestId('order-total').first().textContent(), { timeout: 10_000 }).toBe('$48.00');
    expect(await page.getByTestId('order-offer-shipping').first().textContent()).toBe('Seller’s offer: off shipping−$5.00');
    await shot(page, 'offers-liker-orders');
    await expectAccessible(page, 'orders with an offer');

    // Someone who does not like the listing sees the listed price.
    const otherPage = await newPage();
    await stack.http('DELETE', `/api/likes/${listingId}`, { cookie: other.cookie });
    const stranger = await stack.createUser({ name: 'Sam Stranger', withCard: true });
    await signIn(otherPage, baseUrl, stranger.email, TEST_PASSWORD);
    await otherPage.goto(`${baseUrl}/listings/${listingId}`);
    await expect.poll(() => otherPage.getByTestId('buy-now').textContent(), { timeout: 10_000 }).toBe('Buy now · $60.00');
    expect(await otherPage.getByTestId('your-offer').count()).toBe(0);
  });
});
