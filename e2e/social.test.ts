import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** A buyer on a phone follows a seller and likes an item: the counts, the Likes page and the feed. */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('follows and likes in the browser', () => {
  it('follows from the profile, likes a card, finds it in Likes and the seller in the feed, and unlikes', async () => {
    const seller = await stack.createUser({ name: 'Rosa Social' });
    const { handle } = seller;
    const jacket = await stack.createListing(seller.id, { title: 'Corduroy jacket', priceMinor: 4_200 });
    await stack.createListing(seller.id, { title: 'Striped scarf', priceMinor: 1_500 });
    const show = await stack.createShow(seller.cookie, [{ variantId: jacket.variantIds[0]!, priceMinor: 4_000 }]);
    const buyer = await stack.createUser({ name: 'Ben Buyer' });

    const page = await newPage();
    await signIn(page, baseUrl, buyer.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/@${handle}`);
    await page.getByTestId('profile').waitFor({ timeout: 30_000 });
    await page.getByTestId('follow-button').click();
    await expect.poll(() => page.getByTestId('follow-notice').textContent(), { timeout: 30_000 }).toContain(`Following @${handle}`);
    expect(await page.getByTestId('follow-button').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('follow-counts').textContent()).toMatch(/^1 follower0 following$/);

    const card = page.getByTestId('profile-listings').locator('li').filter({ hasText: 'Corduroy jacket' });
    await card.getByTestId('like-button').click();
    await expect.poll(() => card.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Saved to your Likes');
    expect(await card.getByTestId('like-count').textContent()).toBe('1 like');
    await expectAccessible(page, 'profile, followed and liked');
    await shot(page, 'social-profile-phone');

    // What the server holds, not only what the page shows.
    const listing = await stack.http('GET', `/api/listings/${jacket.listingId}`, { cookie: buyer.cookie });
    expect(listing.body).toMatchObject({ likeCount: 1, likedByMe: true });

    await page.getByRole('link', { name: 'Likes', exact: true }).click();
    await page.waitForURL(`${baseUrl}/likes`);
    const liked = page.getByTestId('likes-listings');
    await expect.poll(() => liked.textContent(), { timeout: 30_000 }).toContain('Corduroy jacket');
    expect(await liked.textContent()).not.toContain('Striped scarf');
    await expectAccessible(page, 'likes');
    await shot(page, 'social-likes-phone');

    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await page.waitForURL(`${baseUrl}/feed`);
    await expect.poll(() => page.getByTestId('feed-item').count(), { timeout: 30_000 }).toBe(3);
    const kinds = await page.getByTestId('feed-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')));
    expect(kinds.sort()).toEqual(['listed', 'listed', 'scheduled']);
    expect(await page.getByTestId('feed').textContent()).toContain(show.title);
    await expectAccessible(page, 'feed');
    await shot(page, 'social-feed-phone');

    // Unliked from the Likes page: the count goes back and, on a fresh load, the page is empty.
    await page.goto(`${baseUrl}/likes`);
    const again = page.getByTestId('likes-listings').locator('li').filter({ hasText: 'Corduroy jacket' });
    await again.getByTestId('like-button').click();
    await expect.poll(() => again.getByRole('status').textContent(), { timeout: 30_000 }).toBe('Removed from your Likes');
    await page.reload();
    await page.getByTestId('likes-empty').waitFor({ timeout: 30_000 });
    expect((await stack.http('GET', `/api/listings/${jacket.listingId}`, { cookie: buyer.cookie })).body).toMatchObject({ likeCount: 0, likedByMe: false });
    await shot(page, 'social-likes-empty-phone');
  });
});
