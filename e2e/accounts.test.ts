import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TStack } from '../infra/test/harness.ts';
import { linkInNewestMail } from '../infra/test/mail.ts';
import { expectAccessible } from './axe.ts';
import { SCREENSHOTS } from './browser.ts';
import { useBrowserStack } from './stack.ts';

/** A stranger opens an account, proves its email from the mail, and later resets a forgotten password. */
let stack: TStack;
let baseUrl: string;
const { newContext } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});

/** The link in the newest mail to `address` about `subject`, read from the mail catcher. */
const linkInMail = async (address: string, subject: RegExp) => (await linkInNewestMail(stack.env.MAIL_CATCHER_URL, address, subject)).href;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

describe('accounts in the browser', () => {
  it('a stranger signs up, confirms the email from the mail, and resets a forgotten password', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const email = `stranger-${randomUUID().slice(0, 8)}@showcart.test`;

    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('signup-link').click();
    await page.getByTestId('signup-name').fill('Sam Stranger');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('short');
    await expectAccessible(page, 'sign-up');
    await shot(page, 'account-signup');
    await page.getByTestId('signup-password').fill('a kettle of fish and chips');
    await page.getByTestId('signup-submit').click();
    await expect.poll(() => page.getByTestId('welcome').textContent(), { timeout: 30_000 }).toContain(`We mailed a link to ${email}`);
    expect(await page.getByTestId('email-unverified').isVisible()).toBe(true);
    await shot(page, 'account-welcome');
    await expectAccessible(page, 'account');

    // The mail's link opens the confirm page; one tap confirms.
    const verifyLink = await linkInMail(email, /Confirm your email/);
    expect(verifyLink.startsWith(`${baseUrl}/verify?token=`)).toBe(true);
    await page.goto(verifyLink);
    await page.getByTestId('verify-submit').click();
    await expect.poll(() => page.getByTestId('verified').isVisible(), { timeout: 30_000 }).toBe(true);
    await shot(page, 'account-verified');
    await page.goto(`${baseUrl}/account`);
    await expect.poll(() => page.getByTestId('email-verified').isVisible(), { timeout: 30_000 }).toBe(true);

    // A handle and a few words of its own: the public page at /@handle shows them.
    const handle = `sam_${randomUUID().slice(0, 6)}`;
    await page.getByTestId('profile-handle').fill(handle.toUpperCase());
    await page.getByTestId('profile-bio').fill('Vintage finds,\nshipped in two days.');
    await page.getByTestId('profile-save').click();
    await expect.poll(() => page.getByTestId('profile-link').textContent(), { timeout: 30_000 }).toBe(`/@${handle}`);
    await page.getByTestId('profile-link').click();
    await expect.poll(() => page.getByTestId('profile').textContent(), { timeout: 30_000 }).toContain('Vintage finds');
    expect(await page.getByTestId('profile').textContent()).toContain(`@${handle} · 0 sales`);
    await expectAccessible(page, 'profile');
    await shot(page, 'account-profile');
    await page.goto(`${baseUrl}/account`);

    // Forgotten: sign out, ask for a link, choose a new password, sign in with it.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByTestId('forgot-email').fill(email);
    await page.getByTestId('forgot-submit').click();
    await expect.poll(() => page.getByTestId('reset-sent').isVisible(), { timeout: 30_000 }).toBe(true);
    await expectAccessible(page, 'forgot');
    const resetLink = await linkInMail(email, /Reset your Showcart password/);
    await page.goto(resetLink);
    await page.getByTestId('reset-password').fill('a brand new kettle of fish');
    await page.getByTestId('reset-submit').click();
    await expect.poll(() => page.getByTestId('reset-done').isVisible(), { timeout: 30_000 }).toBe(true);
    await shot(page, 'account-reset-done');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill('a brand new kettle of fish');
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/');

    // The same reset link a second time: it says so.
    await page.goto(resetLink);
    await page.getByTestId('reset-password').fill('yet another kettle of fish');
    await page.getByTestId('reset-submit').click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/expired or was used/);

    // Moving to another email: the password again, then the new address is confirmed by its own mail.
    const moved = `moved-${randomUUID().slice(0, 8)}@showcart.test`;
    await page.goto(`${baseUrl}/account`);
    await page.getByText('Use another email').click();
    await page.getByTestId('email-new').fill(moved);
    await page.getByTestId('email-password').fill('a brand new kettle of fish');
    await page.getByRole('button', { name: 'Change email' }).click();
    await expect.poll(() => page.getByTestId('email-moved').textContent(), { timeout: 30_000 }).toContain(`now uses ${moved}`);
    expect(await page.getByTestId('email-unverified').isVisible()).toBe(true);
    await shot(page, 'account-email-moved');
    await page.goto(await linkInMail(moved, /Confirm your email/));
    await page.getByTestId('verify-submit').click();
    await expect.poll(() => page.getByTestId('verified').isVisible(), { timeout: 30_000 }).toBe(true);
    await context.close();
  });
});
