import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/**
 * A scheduled show as a host makes it and strangers find it: the form, the studio before
 * the start, the show's open page with its countdown, items and host for a visitor who is
 * not signed in, the switch to the live show without a reload, and a cancelled show.
 */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string, firstScreen = true) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: !firstScreen });
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

/** A cover photo made on the fly: a warm gradient, as a JPEG a phone would send. */
const coverJpeg = () =>
  sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 200, g: 90, b: 70 } } })
    .composite([{ input: Buffer.from('<svg width="1200" height="800"><rect x="300" y="200" width="600" height="400" rx="60" fill="#f6d6a8"/></svg>') }])
    .jpeg()
    .toBuffer();

/** The `datetime-local` value of a time, in the browser's zone (the test's, here). */
const localInput = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

describe('a scheduled show', () => {
  it('is made from the form, opens from its link for anyone, and turns into the live show without a reload', async () => {
    const host = await stack.createUser({ name: 'Maya Host' });
    const dress = await stack.createListing(host.id, { title: 'Linen midi dress', priceMinor: 4_200, variants: [['S', 1], ['M', 2]] });
    const shirt = await stack.createListing(host.id, { title: 'Linen shirt', priceMinor: 2_800, variants: [['L', 1]] });
    await stack.db.query(`update listings set photo_url = case id when $1 then '/demo/midi-dress.svg' else '/demo/linen-shirt.svg' end where id = any($2)`,
      [dress.listingId, [dress.listingId, shirt.listingId]]);
    const handle = (await stack.http('GET', '/api/me', { cookie: host.cookie })).body.handle as string;

    // The host fills the form on a phone: title, a time 2 h 15 min ahead, a cover, a category, words and items.
    const hostPage = await newPage();
    await signIn(hostPage, baseUrl, host.email, TEST_PASSWORD);
    await hostPage.goto(`${baseUrl}/shows/new`);
    await hostPage.getByTestId('show-title-input').fill('Summer linen drop');
    await hostPage.getByTestId('show-when-later').check();
    const startsAt = Date.now() + (2 * 60 + 15) * 60_000 + 30_000;
    await hostPage.getByTestId('show-starts-at').fill(localInput(startsAt));
    await hostPage.locator('input[type="file"]').first().setInputFiles({ name: 'cover.jpg', mimeType: 'image/jpeg', buffer: await coverJpeg() });
    await expect.poll(() => hostPage.locator('img[src^="/api/photos/"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await hostPage.getByTestId('show-category-input').selectOption('women/dresses');
    await hostPage.getByTestId('show-description-input').fill('Linen for hot days.\nEverything washed and pressed, sizes S to L.');
    await hostPage.getByLabel(/^S\b/).check();
    await hostPage.getByLabel(/^L\b/).check();
    await shot(hostPage, 'scheduled-new-show-form', false);
    await expectAccessible(hostPage, 'new show form');
    await hostPage.getByRole('button', { name: /Create show with 2 items/ }).click();

    // The studio before the start: the same facts, Edit and Cancel, and Go live for an early start.
    await hostPage.waitForURL((url) => url.pathname.startsWith('/studio/'));
    const showId = new URL(hostPage.url()).pathname.split('/')[2]!;
    await expect.poll(() => text(hostPage, 'studio-notice'), { timeout: 10_000 }).toContain('Your show is scheduled');
    expect(await text(hostPage, 'before-show')).toMatch(/Summer linen drop.*Starts in 2 h 1[45] min/s);
    expect(await hostPage.getByTestId('show-edit').isVisible()).toBe(true);
    expect(await hostPage.getByTestId('show-cancel').isVisible()).toBe(true);
    await shot(hostPage, 'scheduled-studio-before-start', false);
    await expectAccessible(hostPage, 'studio before the start');

    // A visitor who is not signed in opens the link: cover, title, when, host, category, words, the items to come.
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/shows/${showId}`);
    await expect.poll(() => text(visitor, 'show-title'), { timeout: 10_000 }).toBe('Summer linen drop');
    expect(new URL(visitor.url()).pathname).toBe(`/shows/${showId}`);
    expect(await text(visitor, 'show-countdown')).toMatch(/^Starts in 2 h 1[45] min · /);
    expect(await text(visitor, 'show-category')).toBe('Women › Dresses');
    expect(await text(visitor, 'show-description')).toBe('Linen for hot days.\nEverything washed and pressed, sizes S to L.');
    expect(await text(visitor, 'show-host')).toContain('Maya Host');
    expect(await visitor.getByTestId('show-host').getAttribute('href')).toBe(`/@${handle}`);
    expect(await visitor.getByTestId('show-cover').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const items = await visitor.getByTestId('preshow-item').allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/Linen midi dress.*Size S.*\$42\.00/s);
    expect(items[1]).toMatch(/Linen shirt.*Size L.*\$28\.00/s);
    expect(await text(visitor, 'preshow-note')).toContain('Sign in to claim when it goes live.');
    expect(new URL((await visitor.getByTestId('preshow-sign-in').getAttribute('href'))!, baseUrl).searchParams.get('next')).toBe(`/shows/${showId}`);
    await shot(visitor, 'scheduled-preshow-phone');
    await shot(visitor, 'scheduled-preshow-phone-full', false);
    await expectAccessible(visitor, 'pre-show page, signed out');
    const desk = await newPage({ width: 1280, height: 800 });
    await desk.goto(`${baseUrl}/shows/${showId}`);
    await expect.poll(() => text(desk, 'show-title'), { timeout: 10_000 }).toBe('Summer linen drop');
    await shot(desk, 'scheduled-preshow-desktop');

    // A signed-in buyer waits on the same page.
    const buyer = await stack.createUser({ name: 'Sam Buyer', withCard: true });
    const buyerPage = await newPage();
    await signIn(buyerPage, baseUrl, buyer.email, TEST_PASSWORD);
    await buyerPage.goto(`${baseUrl}/shows/${showId}`);
    await expect.poll(() => text(buyerPage, 'preshow-note'), { timeout: 10_000 }).toContain('turns into the live show');

    // The host edits the title; the visitor's page has it a moment later.
    await hostPage.getByTestId('show-edit').click();
    await hostPage.getByTestId('show-title-input').fill('Summer linen drop: last sizes');
    await shot(hostPage, 'scheduled-edit-form', false);
    await hostPage.getByTestId('edit-show-save').click();
    await expect.poll(() => text(hostPage, 'studio-notice'), { timeout: 10_000 }).toContain('Your changes are saved');
    await expect.poll(() => text(visitor, 'show-title'), { timeout: 10_000 }).toBe('Summer linen drop: last sizes');

    // The host goes live early: both pages move on by themselves, the same documents as before.
    for (const page of [visitor, buyerPage]) await page.evaluate(() => Object.assign(window, { stayedOpen: true }));
    await hostPage.getByTestId('studio-go-live').click();
    await expect.poll(() => text(hostPage, 'show-status'), { timeout: 15_000 }).toMatch(/live/i);
    await expect.poll(() => text(visitor, 'preshow-note'), { timeout: 10_000 }).toContain('Maya Host is live now. Sign in to watch and claim.');
    await expect.poll(() => buyerPage.getByTestId('show-status').first().textContent(), { timeout: 10_000 }).toMatch(/live/i);
    expect(await buyerPage.getByTestId('preshow').count()).toBe(0);
    // The live page names the show as it is now, not as the live engine opened it before the edit.
    expect(await buyerPage.locator('.stage-bar').textContent()).toContain('Summer linen drop: last sizes');
    for (const page of [visitor, buyerPage]) expect(await page.evaluate(() => (window as { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    await shot(visitor, 'scheduled-preshow-now-live-signed-out');
    await shot(buyerPage, 'scheduled-preshow-now-live-signed-in');
  });

  it('is cancelled from the studio after a confirmation, and its page says so to anyone', async () => {
    const host = await stack.createUser({ name: 'Olive Host' });
    const bag = await stack.createListing(host.id, { title: 'Leather bag', variants: [['One size', 2]] });
    const created = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      body: { title: 'Bags and more', category: 'women/bags', scheduledAt: new Date(Date.now() + 26 * 3_600_000).toISOString(), entries: [{ variantId: bag.variantIds[0]! }] },
    });
    const showId = created.body.id as string;

    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/shows/${showId}`);
    await expect.poll(() => text(visitor, 'show-countdown'), { timeout: 10_000 }).toMatch(/^Starts in 1 day 1 h/);

    const hostPage = await newPage();
    await signIn(hostPage, baseUrl, host.email, TEST_PASSWORD);
    await hostPage.goto(`${baseUrl}/studio/${showId}`);
    await hostPage.getByTestId('show-cancel').click();
    await expect.poll(() => hostPage.getByTestId('cancel-dialog').isVisible()).toBe(true);
    expect(await text(hostPage, 'cancel-dialog')).toContain('Its item goes back to the closets they came from');
    await shot(hostPage, 'scheduled-cancel-dialog');
    await hostPage.getByTestId('cancel-dialog-confirm').click();
    await expect.poll(() => text(hostPage, 'show-cancelled'), { timeout: 10_000 }).toContain('You cancelled this show');
    expect(await hostPage.getByTestId('studio-go-live').count()).toBe(0);
    await shot(hostPage, 'scheduled-studio-cancelled');
    await expectAccessible(hostPage, 'studio of a cancelled show');

    // The open page says so within its next look, and sells nothing.
    await expect.poll(() => text(visitor, 'show-cancelled'), { timeout: 10_000 }).toContain('This show was cancelled by Olive Host');
    expect(await visitor.getByTestId('preshow-item').count()).toBe(0);
    expect(await text(visitor, 'show-status')).toMatch(/cancelled/i);
    await shot(visitor, 'scheduled-preshow-cancelled');
    await expectAccessible(visitor, 'pre-show page of a cancelled show');
    const free = (await stack.http('GET', '/api/listings/mine', { cookie: host.cookie })).body.listings[0].variants[0].free;
    expect(free).toBe(2);
  });
});
