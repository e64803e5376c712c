import { randomInt } from 'node:crypto';
import path from 'node:path';
import { showKeys } from '@showcart/common';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { PHONE, SCREENSHOTS, signIn } from './browser.ts';
import { TEST_PASSWORD } from '../infra/test/harness.ts';
import { startBrowserStack } from './stack.ts';

/**
 * A visitor from a link, signed out: the home page's rows, a search with typos, the
 * filters on a phone, "Load more", the empty state; the same pages on a desktop. Every
 * title this file makes starts with a word of this run's own, which its searches use.
 */
let env: Awaited<ReturnType<typeof startBrowserStack>>;
let stack: TStack;
let browser: Browser;
let baseUrl: string;
const TOKEN = `zq${Array.from({ length: 7 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });

/** Items of a closet, each with one of the demo photos. */
const ITEMS = [
  ['Vintage denim jacket', 'denim-jacket', 'women/jackets', 6_800], ['Cord trousers', 'cord-trousers', 'men/pants', 3_900],
  ['Leather weekend bag', 'leather-bag', 'women/bags', 12_000], ['Linen shirt', 'linen-shirt', 'men/shirts', 2_900],
  ['Midi dress', 'midi-dress', 'women/dresses', 4_500], ['Silk scarf', 'silk-scarf', 'women/accessories', 1_900],
  ['Canvas sneakers', 'sneakers', 'men/shoes', 5_500], ['Tortoise sunglasses', 'sunglasses', 'women/accessories', 2_400],
  ['Wool beanie', 'wool-beanie', 'women/accessories', 1_500],
] as const;

beforeAll(async () => {
  env = await startBrowserStack();
  ({ stack, browser, baseUrl } = env);
  const seller = await stack.createUser({ name: 'Maya Vintage' });
  // 30 listings: more than a page of 24, so that "Load more" has a second page.
  for (let i = 0; i < 30; i++) {
    const [title, photo, category, priceMinor] = ITEMS[i % ITEMS.length]!;
    const { rows } = await stack.db.query<{ id: string }>(
      `insert into listings (seller_id, title, brand, category, condition, photo_url, price_minor, original_price_minor, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now() - $9 * interval '1 minute') returning id`,
      [seller.id, `${TOKEN} ${title}${i >= ITEMS.length ? ` no. ${i}` : ''}`, i % 2 ? 'Arket' : "Levi's", category, i % 3 ? 'good' : 'like_new',
        `/demo/${photo}.svg`, priceMinor + i * 100, i % 4 === 0 ? priceMinor * 2 : null, i],
    );
    for (const [label, quantity] of [['S', i % 5 === 0 ? 0 : 1], ['M', 2]] as const) {
      await stack.db.query('insert into listing_variants (listing_id, label, quantity) values ($1, $2, $3)', [rows[0]!.id, label, quantity]);
    }
  }
  const show = async (title: string, status: string, at: Date) => (await stack.db.query<{ id: string }>(
    `insert into shows (host_id, title, status, scheduled_at, started_at, ended_at, category)
     values ($1, $2, $3, case when $3 = 'scheduled' then $4::timestamptz end, case when $3 <> 'scheduled' then $4::timestamptz end,
             case when $3 = 'ended' then now() end, 'women') returning id`,
    [seller.id, `${TOKEN} ${title}`, status, at],
  )).rows[0]!.id;
  const live = await show('Denim Friday', 'live', new Date());
  // A realtime node's count, stamped an hour ahead so that it stays fresh for the whole file.
  await stack.redis.hset(showKeys(live).presence, 'node-a', `27:${Date.now() + 3_600_000}`);
  await show('Sunday knits', 'scheduled', new Date(Date.now() + 3 * 3_600_000));
  await show('Accessories hour', 'scheduled', new Date(Date.now() + 26 * 3_600_000));
  const replay = await show('Summer linen', 'ended', new Date(Date.now() - 86_400_000));
  await stack.db.query(`insert into recordings (show_id, backend, status, started_at, ended_at) values ($1, 'builtin', 'ready', now() - interval '1 day', now())`, [replay]);
}, 240_000);
afterAll(() => env?.close());

describe('discovery in the browser', () => {
  it('a signed-out visitor on a phone browses the home page, searches with typos, filters, loads more and hits an empty search', async () => {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('home-live').getByText(`${TOKEN} Denim Friday`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('home-live').getByText('27 watching').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('home-soon').getByText(`${TOKEN} Sunday knits`).isVisible()).toBe(true);
    expect(await page.getByTestId('home-replays').getByText(`${TOKEN} Summer linen`).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    await expectAccessible(page, 'home, signed out');
    await shot(page, 'discovery-home-phone', true);

    // Two words misspelt, and the run's own word.
    await page.getByTestId('search-input').fill(`${TOKEN} denm jaket`);
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/\/search\?q=/);
    await page.getByTestId('listing-card').first().waitFor({ timeout: 30_000 });
    const titles = await page.getByTestId('listing-card').locator('h3').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => t.includes('Vintage denim jacket'))).toBe(true);
    expect(await page.getByTestId('search-shows').getByText(`${TOKEN} Denim Friday`).isVisible()).toBe(true);
    await expectAccessible(page, 'search results');
    await shot(page, 'discovery-search-phone');

    // Every listing of the run: a page, then the rest.
    await page.getByTestId('search-input').fill(TOKEN);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-more').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('listing-card').count()).toBe(24);
    await page.getByTestId('search-more').click();
    await page.getByTestId('search-end').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('search-end').textContent()).toBe('That is all 30 listings.');
    expect(new Set(await page.getByTestId('listing-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-listing-id')))).size).toBe(30);

    // The filters sit behind a button on a phone; applying them is in the address.
    expect(await page.getByTestId('filters').isVisible()).toBe(false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-category').selectOption('women');
    await page.getByTestId('filter-size').fill('s');
    await page.getByTestId('filter-max').fill('50');
    await expectAccessible(page, 'search filters open');
    await shot(page, 'discovery-filters-phone');
    await page.getByTestId('filters-apply').click();
    await page.waitForURL(/category=women/);
    expect(new URL(page.url()).searchParams.get('maxPriceMinor')).toBe('5000');
    await expect.poll(() => page.getByTestId('search-title').textContent(), { timeout: 30_000 }).toContain('Women · size s · up to $50.00');
    await page.getByTestId('search-end').waitFor({ timeout: 30_000 });
    const prices = await page.locator('.listing-card-price strong').allTextContents();
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => Number(p.replace(/[^0-9.]/g, '')) <= 50)).toBe(true);
    expect(await page.getByTestId('filters-toggle').textContent()).toBe('Filters (3)');
    await shot(page, 'discovery-filtered-phone');

    // Nothing like it: the page says what to try.
    await page.goto(`${baseUrl}/search?q=${TOKEN}+qxjvkw`);
    await page.getByTestId('search-empty').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('search-empty').textContent()).toContain('Check the spelling');
    await expectAccessible(page, 'search, nothing found');
    await shot(page, 'discovery-empty-phone');

    // A value the api does not take is said, not shown as an empty search.
    await page.goto(`${baseUrl}/search?q=${TOKEN}&category=women/capes`);
    await page.getByTestId('search-problem').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('search-problem').textContent()).toContain('category');

    // A category of the home page opens its search.
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('home-categories').getByRole('link', { name: /^Women \d+$/ }).click();
    await page.waitForURL(/\/search\?category=women$/);
    await page.getByTestId('listing-card').first().waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('shows the same pages on a desktop, filters beside the results', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('home-live').getByText(`${TOKEN} Denim Friday`).waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'home, desktop');
    await shot(page, 'discovery-home-desktop', true);
    await page.goto(`${baseUrl}/search?q=${TOKEN}+levis&size=M`);
    await page.getByTestId('listing-card').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('filters').isVisible()).toBe(true);
    expect(await page.getByTestId('filters-toggle').isVisible()).toBe(false);
    await expectAccessible(page, 'search, desktop');
    await shot(page, 'discovery-search-desktop');

    // Signed in, the home page is the same, with the way to a show of one's own; a host's shows are under Shows.
    const buyer = await stack.createUser();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: 'Start a show' }).waitFor({ timeout: 30_000 });
    await page.getByRole('navigation').getByRole('link', { name: 'Shows' }).click();
    await page.waitForURL(`${baseUrl}/shows`);
    await page.getByRole('heading', { name: 'Shows' }).waitFor({ timeout: 30_000 });
    await context.close();
  });
});
