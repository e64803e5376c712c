import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { TStack } from '../infra/test/harness.ts';
import { linkInNewestMail } from '../infra/test/mail.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, videoIsPlaying } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * Issue #16's "done when", in a real browser with no seeded account: one stranger signs up,
 * proves its email from the mail, lists an item with two photos, schedules a show with it
 * and goes live; another stranger signs up, finds the show by a misspelt word of the
 * listing's title, adds an address and a card at the prompt, claims, and after the show
 * has a paid order that ships to that address.
 */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({ worker: true }, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `marketplace-${name}.png`), fullPage: true });
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

/** A photo as a phone would send it: a JPEG of a coloured shape, made on the spot. */
const photo = (r: number, g: number, b: number) =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r, g, b } } })
    .composite([{ input: Buffer.from('<svg width="1600" height="1200"><circle cx="800" cy="600" r="380" fill="#fff6e8"/></svg>') }])
    .jpeg({ quality: 85 })
    .toBuffer();

/** A stranger opens an account from the sign-up page and confirms its email from the mail it was sent. */
const signUp = async (page: Page, name: string) => {
  const email = `stranger-${randomUUID().slice(0, 8)}@showcart.test`;
  await page.goto(`${baseUrl}/signup`);
  await page.getByTestId('signup-name').fill(name);
  await page.getByTestId('signup-email').fill(email);
  await page.getByTestId('signup-password').fill('a kettle of fish and chips');
  await page.getByTestId('signup-submit').click();
  await expect.poll(() => text(page, 'welcome'), { timeout: 30_000 }).toContain(`We mailed a link to ${email}`);
  const link = await linkInNewestMail(stack.env.MAIL_CATCHER_URL, email, /Confirm your email/);
  await page.goto(link.href);
  await page.getByTestId('verify-submit').click();
  await expect.poll(() => page.getByTestId('verified').isVisible(), { timeout: 30_000 }).toBe(true);
  return email;
};

describe('the marketplace, stranger to stranger', () => {
  it('takes one stranger from sign-up to a live show of its own, and another from the home page to a paid order', async () => {
    // A word no other test uses, so that the search finds this listing and its misspelling only it.
    const word = `Zephyrine${randomUUID().replace(/[^a-f]/g, '').slice(0, 4)}`;
    const title = `${word} wool coat`;

    // The seller: sign-up, confirmation, a listing with two photos.
    const seller = await newPage();
    await seller.goto(`${baseUrl}/`);
    await shot(seller, 'home-signed-out');
    await signUp(seller, 'Nadia Newseller');
    await seller.goto(`${baseUrl}/closet`);
    await seller.getByTestId('new-listing').click();
    await seller.waitForURL((url) => url.pathname === '/closet/new');
    await seller.getByTestId('photo-input').setInputFiles([
      { name: 'front.jpg', mimeType: 'image/jpeg', buffer: await photo(120, 70, 50) },
      { name: 'back.jpg', mimeType: 'image/jpeg', buffer: await photo(60, 90, 120) },
    ]);
    await expect.poll(() => seller.locator('.listing-form img[src^="/api/photos/"]').count(), { timeout: 30_000 }).toBe(2);
    await seller.getByLabel('Title', { exact: true }).fill(title);
    await seller.getByLabel('Description', { exact: true }).fill('Double-breasted, fully lined.\nWorn one winter.');
    await seller.getByLabel('Brand (optional)').fill('Atelier Nord');
    await seller.getByLabel('Category').selectOption('women/jackets');
    await seller.getByLabel('Condition').selectOption('like_new');
    await seller.getByLabel('Price ($)', { exact: true }).fill('64');
    await seller.getByLabel('Original price ($, optional)').fill('240');
    await seller.getByLabel('Size 1', { exact: true }).fill('M');
    await seller.getByLabel('How many of size 1', { exact: true }).fill('2');
    await shot(seller, 'listing-editor');
    await expectAccessible(seller, 'listing editor');
    await seller.getByTestId('save-listing').click();
    await expect.poll(() => text(seller, 'listing-notice'), { timeout: 30_000 }).toContain('Listed!');
    expect(await text(seller, 'listing-title')).toContain(title);
    expect(await seller.locator('.gallery-thumbs img').count()).toBe(2);
    await shot(seller, 'listing-page');
    await expectAccessible(seller, 'listing page');

    // A show in an hour with that coat, which the seller then starts early.
    await seller.goto(`${baseUrl}/shows/new`);
    await seller.getByTestId('show-title-input').fill(`${word} coats, live`);
    await seller.getByTestId('show-category-input').selectOption('women/jackets');
    await seller.getByTestId('show-description-input').fill('Winter coats, one of each.');
    await seller.getByLabel(/^M\b/).check();
    await seller.getByRole('button', { name: /Create show with 1 item/ }).click();
    await seller.waitForURL((url) => url.pathname.startsWith('/studio/'));
    const showId = new URL(seller.url()).pathname.split('/')[2]!;
    await shot(seller, 'studio-before');
    await seller.getByTestId('studio-go-live').click();
    await expect.poll(() => text(seller, 'show-status'), { timeout: 20_000 }).toMatch(/live/i);
    await seller.getByTestId('queue-entry').filter({ hasText: title }).getByTestId('feature-button').click();

    // The buyer: the home page, sign-up, then a search with a typo.
    const buyer = await newPage();
    await signUp(buyer, 'Omar Newbuyer');
    await buyer.goto(`${baseUrl}/`);
    await expect.poll(() => text(buyer, 'home-live'), { timeout: 30_000 }).toContain(`${word} coats, live`);
    await shot(buyer, 'home-signed-in');
    const typo = `${word.slice(0, 4)}${word.slice(5)}`;
    await buyer.getByTestId('search-input').fill(typo);
    await buyer.getByTestId('search-submit').click();
    await expect.poll(() => buyer.getByTestId('listing-card').filter({ hasText: title }).count(), { timeout: 30_000 }).toBe(1);
    await shot(buyer, 'search');
    await expectAccessible(buyer, 'search results');
    await buyer.getByTestId('listing-card').filter({ hasText: title }).getByRole('link', { name: title }).click();
    await expect.poll(() => text(buyer, 'listing-title'), { timeout: 30_000 }).toContain(title);
    await buyer.getByRole('link', { name: `${word} coats, live` }).click();
    await expect.poll(() => text(buyer, 'featured-title'), { timeout: 30_000 }).toContain(title);
    expect((await videoIsPlaying(buyer)).width).toBeGreaterThan(0);

    // A first claim asks for a card and an address, on one page; then the claim goes through.
    await buyer.getByTestId('claim-button').click();
    await expect.poll(() => text(buyer, 'claim-result'), { timeout: 15_000 }).toMatch(/Add a card/);
    await buyer.getByTestId('add-card').click();
    await buyer.waitForURL((url) => url.pathname === '/wallet');
    await buyer.getByLabel('Street address', { exact: true }).fill('221 Baker Street');
    await buyer.getByLabel('City', { exact: true }).fill('Portland');
    await buyer.getByLabel('State / region (optional)').fill('OR');
    await buyer.getByLabel('Postal code', { exact: true }).fill('97201');
    await buyer.getByTestId('save-address').click();
    await expect.poll(() => text(buyer, 'addresses'), { timeout: 15_000 }).toContain('221 Baker Street');
    await buyer.getByTestId('save-card').click();
    await expect.poll(() => text(buyer, 'ready-to-buy'), { timeout: 15_000 }).toContain('ready to claim');
    await shot(buyer, 'wallet');
    await expectAccessible(buyer, 'card and address');
    await buyer.getByRole('link', { name: 'Back to where you were' }).click();
    await expect.poll(() => text(buyer, 'ships-to'), { timeout: 30_000 }).toContain('221 Baker Street');
    await buyer.getByTestId('claim-button').click();
    await expect.poll(() => text(buyer, 'claim-result'), { timeout: 15_000 }).toMatch(/Claimed — #1/);
    await shot(buyer, 'claimed');

    // The show ends; the worker charges the order, which keeps the address it ships to.
    await seller.getByTestId('studio-end').click();
    await seller.getByTestId('end-dialog-confirm').click();
    await buyer.goto(`${baseUrl}/orders`);
    await expect.poll(async () => {
      await buyer.reload();
      return buyer.getByTestId('order-row').first().getAttribute('data-status');
    }, { timeout: 60_000, interval: 1_000 }).toBe('paid');
    expect(await text(buyer, 'order-ships-to')).toBe('Ships to Omar Newbuyer, 221 Baker Street, 97201 Portland, OR, US');
    expect(await text(buyer, 'order-row')).toContain(title);
    await shot(buyer, 'orders');
    await expectAccessible(buyer, 'orders');

    // The seller sees where to send it.
    await seller.goto(`${baseUrl}/sales`);
    await expect.poll(() => text(seller, 'sale-ship-to'), { timeout: 30_000 }).toContain('221 Baker Street');
    await shot(seller, 'sales');
    expect((await stack.db.query('select status from shows where id = $1', [showId])).rows[0]!.status).toMatch(/settl/);
  });
});
