import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, until, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * Ship together as people see it: the seller suggests more of its closet on a paid sale,
 * the buyer adds one to the box from its orders page (charged the item price only), and the
 * seller ships the box with both orders in it.
 */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({ worker: true }, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Browser test files share one database: this file's titles carry a word of their own. */
const TOKEN = `box${Date.now().toString(36)}`;

describe('ship together', () => {
  it('lets the seller suggest, the buyer add to the box for the item price, and the seller ship both', async () => {
    const seller = await stack.createUser({ name: 'Sana Seller', shippingMinor: 700 });
    const buyer = await stack.createUser({ name: 'Bo Buyer', withCard: true });
    const { variantIds } = await stack.createListing(seller.id, { title: `${TOKEN} Denim jacket`, priceMinor: 4_000 });
    await stack.createListing(seller.id, { title: `${TOKEN} Silk scarf`, priceMinor: 1_200, variants: [['One size', 2]] });
    await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    await until('the order paid', async () =>
      (await stack.db.query(`select 1 from orders where buyer_id = $1 and status = 'paid'`, [buyer.id])).rowCount);

    // The seller suggests the scarf on the sale.
    const sellerPage = await newPage();
    await signIn(sellerPage, baseUrl, seller.email, TEST_PASSWORD);
    await sellerPage.goto(`${baseUrl}/sales`);
    await sellerPage.getByRole('button', { name: 'Complete the look…' }).click();
    await sellerPage.getByLabel(new RegExp(`${TOKEN} Silk scarf`)).check();
    await shot(sellerPage, 'ship-together-suggest');
    await expectAccessible(sellerPage, 'sales with the suggestion form');
    await sellerPage.getByRole('button', { name: /^Suggest to/ }).click();
    await expect.poll(() => sellerPage.getByTestId('sale-box-status').textContent(), { timeout: 10_000 }).toBe('Suggested 1 item to Bo Buyer; they were told.');

    // The buyer is told, and adds it from the order.
    await until('the buyer told', async () => (await stack.db.query(
      `select 1 from notification_recipients r join notification_events e on e.id = r.event_id where r.user_id = $1 and e.kind = 'ship_together'`, [buyer.id])).rowCount);
    const page = await newPage();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    const firstId = (await stack.db.query<{ id: string }>(`select id from orders where buyer_id = $1`, [buyer.id])).rows[0]!.id;
    await page.goto(`${baseUrl}/orders#order-${firstId}`);
    const suggestion = page.getByTestId('box-suggestion').filter({ hasText: `${TOKEN} Silk scarf` });
    await expect.poll(() => suggestion.count(), { timeout: 10_000 }).toBe(1);
    await shot(page, 'ship-together-buyer-suggestion');
    await expectAccessible(page, 'orders with a suggestion for the box');
    await suggestion.getByRole('button', { name: /to this box/ }).dblclick();
    await expect.poll(() => page.getByTestId('box-status').textContent(), { timeout: 15_000 })
      .toBe(`Added ${TOKEN} Silk scarf to your box: $12.00 charged, no extra shipping.`);
    await expect.poll(() => suggestion.getByText('In your box ✓').count(), { timeout: 10_000 }).toBe(1);
    // A double tap is one add: one more order, of the item price only.
    const orders = (await stack.db.query<{ origin: string; total: number; shipping: number }>(
      'select origin, total_minor as total, shipping_minor as shipping from orders where buyer_id = $1 order by created_at', [buyer.id])).rows;
    expect(orders).toEqual([{ origin: 'show', total: 4_700, shipping: 700 }, { origin: 'ship_together', total: 1_200, shipping: 0 }]);
    await shot(page, 'ship-together-buyer-added');

    // The seller ships the box: both orders.
    await sellerPage.reload();
    const sale = sellerPage.getByTestId('sale-row').filter({ hasText: `${TOKEN} Denim jacket` });
    await expect.poll(() => sale.getByText(/✓ added/).count(), { timeout: 10_000 }).toBe(1);
    await sale.getByRole('button', { name: 'Mark shipped' }).click();
    await expect.poll(() => sellerPage.getByTestId('sale-box-status').first().textContent(), { timeout: 10_000 }).toBe('Marked shipped: 2 orders in this box.');
    await shot(sellerPage, 'ship-together-shipped');
    await page.reload();
    await expect.poll(() => page.getByTestId('order-shipped').count(), { timeout: 10_000 }).toBe(2);
    await shot(page, 'ship-together-buyer-shipped');
    await expectAccessible(page, 'orders shipped together');
  });
});
