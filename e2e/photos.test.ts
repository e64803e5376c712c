import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { PHONE, SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** The photo picker in a browser: an avatar on the account page, and a listing's photos uploaded, reordered and removed. */
let stack: TStack;
let baseUrl: string;
const { newContext } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});

const DESKTOP = { width: 1280, height: 900 };
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
/** A photo of one colour with some grain, as a phone's JPEG. */
const jpegOf = async (name: string, [r, g, b]: [number, number, number]) => {
  const [width, height] = [900, 700];
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    const grain = Math.round((Math.random() - 0.5) * 30);
    [pixels[i], pixels[i + 1], pixels[i + 2]] = [r + grain, g + grain, b + grain];
  }
  return { name, mimeType: 'image/jpeg', buffer: await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer() };
};
const notAPhoto = { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('A shopping list, not a photo.\n') };
/** The ids of the photos in the picker, in their order. */
const order = (page: Page) => page.locator('.photo-grid [data-photo-id]').evaluateAll((items) => items.map((i) => i.getAttribute('data-photo-id')));

describe('photos in the browser', () => {
  it('a person uploads a profile photo, is told when a file is not one, and sees it on the public page', async () => {
    const user = await stack.createUser({ name: 'Maya Photo' });
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, baseUrl, user.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/account`);
    // No photo yet: the initial stands in.
    await expect.poll(() => page.getByTestId('avatar-initial').textContent(), { timeout: 30_000 }).toBe('M');
    await expectAccessible(page, 'account without a photo');

    await page.getByTestId('photo-input').setInputFiles(notAPhoto);
    await expect.poll(() => page.locator('.photo-errors').textContent(), { timeout: 30_000 }).toContain('notes.jpg: That file is not a photo we can read');
    await shot(page, 'photos-avatar-refused-phone');
    await expectAccessible(page, 'account with a refused file');
    await page.getByRole('button', { name: 'Dismiss the message about notes.jpg' }).click();
    expect(await page.locator('.photo-errors').count()).toBe(0);

    await page.getByTestId('photo-input').setInputFiles(await jpegOf('me.jpg', [42, 111, 151]));
    await expect.poll(() => page.getByTestId('avatar-saved').textContent(), { timeout: 30_000 }).toBe('Your new photo is on your page.');
    const src = await page.getByTestId('avatar').getAttribute('src');
    expect(src).toMatch(/^\/api\/photos\/[0-9a-f-]{36}\/thumb$/);
    // The picker keeps nothing of its own once the photo is the avatar.
    expect(await page.locator('.photo-grid [data-photo-id]').count()).toBe(0);
    await shot(page, 'photos-avatar-phone');
    await expectAccessible(page, 'account with a photo');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'photos-avatar-desktop');

    const handle = await page.getByTestId('profile-link').textContent();
    await page.goto(`${baseUrl}${handle}`);
    await expect.poll(() => page.getByTestId('avatar').getAttribute('src'), { timeout: 30_000 }).toBe(src!.replace('/thumb', '/card'));
    expect(await page.getByTestId('avatar').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await expectAccessible(page, 'profile with a photo');
    await page.setViewportSize(PHONE);
    await shot(page, 'photos-profile-phone');

    await page.goto(`${baseUrl}/account`);
    await page.getByTestId('avatar-remove').click();
    await expect.poll(() => page.getByTestId('avatar-saved').textContent(), { timeout: 30_000 }).toContain('Photo removed');
    expect(await page.getByTestId('avatar-initial').textContent()).toBe('M');
    await context.close();
  });

  it('a seller uploads several photos at once, reorders them by buttons and by dragging, and removes one', async () => {
    const user = await stack.createUser({ name: 'Seller Photos' });
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, baseUrl, user.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/closet/new`);
    const input = page.getByTestId('photo-input');
    await input.setInputFiles([await jpegOf('red.jpg', [192, 57, 43]), await jpegOf('green.jpg', [39, 174, 96]), await jpegOf('blue.jpg', [41, 128, 185]), notAPhoto]);
    await expect.poll(async () => (await order(page)).length, { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.locator('.photo-errors').textContent(), { timeout: 30_000 }).toContain('notes.jpg');
    const uploaded = (await order(page)) as string[];
    expect(await page.locator('.photo-tile').first().locator('.photo-cover').textContent()).toBe('Cover');
    await shot(page, 'photos-listing-picker-phone');
    await expectAccessible(page, 'listing photos');

    // Keyboards and phones: the third one earlier; the focus stays on it, now second.
    await page.getByRole('button', { name: 'Move photo 3 earlier' }).click();
    const [a, b, c] = uploaded;
    expect(await order(page)).toEqual([a, c, b]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move photo 2 earlier');
    await page.keyboard.press('Enter');
    expect(await order(page)).toEqual([c, a, b]);
    expect(await page.locator('[role="status"]').filter({ hasText: 'moved' }).textContent()).toContain('it is the cover now');

    // A mouse: the cover dragged onto the last place.
    await page.setViewportSize(DESKTOP);
    await page.dragAndDrop(`[data-photo-id="${c}"]`, `[data-photo-id="${b}"]`);
    expect(await order(page)).toEqual([a, b, c]);
    await shot(page, 'photos-listing-picker-desktop');

    await page.getByRole('button', { name: 'Remove photo 2' }).click();
    expect(await order(page)).toEqual([a, c]);
    await context.close();
  });
});
