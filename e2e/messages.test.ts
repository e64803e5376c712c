import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** A seller's greeting reaching a first-time visitor, a question about a listing and its answer, and a block. */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `messages-${name}.png`), fullPage: true });
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();
const handleOf = async (cookie: string) => (await stack.http('GET', '/api/me', { cookie })).body.handle as string;

describe('messages in the browser', () => {
  it('greets a first visitor, carries a question about a listing and its answer, and stops at a block', async () => {
    const seller = await stack.createUser({ name: 'Rosa Closet' });
    const buyer = await stack.createUser({ name: 'Ben Buyer' });
    const { listingId } = await stack.createListing(seller.id, { title: 'Striped sailor top' });
    const [sellerHandle, buyerHandle] = [await handleOf(seller.cookie), await handleOf(buyer.cookie)];

    const sellerPage = await newPage();
    await signIn(sellerPage, baseUrl, seller.email, TEST_PASSWORD);
    await sellerPage.goto(`${baseUrl}/closet`);
    await sellerPage.getByTestId('greeting-input').fill('Hi! Bundle two items and they ship together.');
    await sellerPage.getByRole('button', { name: 'Save greeting' }).click();
    await expect.poll(() => sellerPage.getByText('Greeting on').isVisible(), { timeout: 15_000 }).toBe(true);

    // The buyer opens the closet: the greeting arrives once; then asks about the listing.
    const buyerPage = await newPage();
    await signIn(buyerPage, baseUrl, buyer.email, TEST_PASSWORD);
    await buyerPage.goto(`${baseUrl}/@${sellerHandle}`);
    await expect.poll(() => buyerPage.getByTestId('message-seller').isVisible(), { timeout: 15_000 }).toBe(true);
    await buyerPage.goto(`${baseUrl}/listings/${listingId}`);
    await buyerPage.getByTestId('ask-seller').click();
    await expect.poll(() => text(buyerPage, 'messages'), { timeout: 15_000 }).toContain('Bundle two items');
    expect(await text(buyerPage, 'messages')).toContain('Greeting from the closet');
    await buyerPage.getByTestId('message-input').fill('Is the M still available?');
    await buyerPage.getByTestId('message-send').click();
    await expect.poll(() => buyerPage.getByTestId('message').count(), { timeout: 15_000 }).toBe(2);
    expect(await buyerPage.getByTestId('message').last().textContent()).toMatch(/Striped sailor top.*Is the M still available\?/s);
    await shot(buyerPage, 'thread-buyer');
    await expectAccessible(buyerPage, 'thread');

    // The seller's inbox has it, unread; the answer goes back.
    await sellerPage.goto(`${baseUrl}/messages`);
    await expect.poll(() => text(sellerPage, 'conversations'), { timeout: 15_000 }).toMatch(/Ben Buyer.*1 new/s);
    await shot(sellerPage, 'inbox');
    await expectAccessible(sellerPage, 'inbox');
    await sellerPage.getByRole('link', { name: /Ben Buyer/ }).click();
    await sellerPage.waitForURL((url) => url.pathname === `/messages/${buyerHandle}`);
    await sellerPage.getByTestId('message-input').fill('Yes, one M left!');
    await sellerPage.getByTestId('message-send').click();
    await expect.poll(() => text(buyerPage, 'messages'), { timeout: 15_000 }).toContain('Yes, one M left!');

    // The buyer blocks the seller: the form goes, and the seller cannot write either.
    await buyerPage.getByTestId('block-toggle').click();
    await expect.poll(() => text(buyerPage, 'thread-notice'), { timeout: 15_000 }).toContain('Blocked');
    expect(await text(buyerPage, 'thread-blocked')).toContain('You blocked this person');
    await sellerPage.reload();
    await expect.poll(() => text(sellerPage, 'thread-blocked'), { timeout: 15_000 }).toContain('You cannot message this person');
  });
});
