import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** A person downloads its data from the Account page, then deletes the account there and lands signed out. */
let stack: TStack;
let baseUrl: string;
const { newPage } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('privacy in the browser', () => {
  it('downloads the data file and deletes the account from the Account page', async () => {
    const me = await stack.createUser({ name: 'Priya Private' });
    const page = await newPage();
    await signIn(page, baseUrl, me.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/account`);

    // The file: a download named for the account, holding its email and no password.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^showcart-.+-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(data.account).toMatchObject({ email: me.email, displayName: 'Priya Private' });
    await expect.poll(() => page.getByTestId('export-done').textContent(), { timeout: 30_000 }).toContain('Downloaded showcart-');
    await page.getByTestId('export-download').scrollIntoViewIfNeeded();
    await shot(page, 'privacy-downloaded');

    // Deleting says what happens and asks for the password; a wrong one changes nothing.
    await page.getByTestId('delete-open').click();
    await expect.poll(() => page.getByTestId('delete-dialog').isVisible()).toBe(true);
    await expectAccessible(page, 'account delete dialog');
    await page.getByTestId('delete-password').fill('not my password');
    await shot(page, 'privacy-delete-dialog');
    await page.getByTestId('delete-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('delete-error').textContent(), { timeout: 30_000 }).toContain('password is not right');
    await shot(page, 'privacy-delete-wrong-password');

    await page.getByTestId('delete-open').click();
    await page.getByTestId('delete-password').fill(TEST_PASSWORD);
    await page.getByTestId('delete-dialog-confirm').click();
    await page.waitForURL((url) => url.pathname === '/', { timeout: 30_000 });
    await expect.poll(() => page.getByTestId('account-deleted').textContent(), { timeout: 30_000 }).toContain('Your account was deleted');
    expect(await page.getByRole('link', { name: 'Sign in' }).first().isVisible()).toBe(true);
    await expectAccessible(page, 'home after deletion');
    await shot(page, 'privacy-deleted-home');
    expect((await stack.db.query('select email, display_name as name from users where id = $1', [me.id])).rows).toEqual([{ email: null, name: 'Deleted user' }]);
  }, 120_000);

  it('says what keeps an account that still owes something', async () => {
    const host = await stack.createUser({ name: 'Hana Host' });
    const { variantIds } = await stack.createListing(host.id);
    await stack.createShow(host.cookie, [{ variantId: variantIds[0]! }]);
    const page = await newPage();
    await signIn(page, baseUrl, host.email, TEST_PASSWORD);
    await page.goto(`${baseUrl}/account`);
    await expect.poll(() => page.getByTestId('delete-blocked').textContent(), { timeout: 30_000 }).toContain('You host a show that is scheduled or live');
    expect(await page.getByTestId('delete-open').isDisabled()).toBe(true);
    await page.getByTestId('delete-blocked').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'account delete blocked');
    await shot(page, 'privacy-delete-blocked');
  }, 120_000);
});
