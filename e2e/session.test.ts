import path from 'node:path';
import { sessionKey } from '@showcart/common';
import { SESSION_COOKIE, sessionIdOfToken } from '@showcart/domain';
import type { Page, WebSocket } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, TEST_PASSWORD, type TStack } from '../infra/test/harness.ts';
import { SCREENSHOTS, signIn } from './browser.ts';
import { useBrowserStack } from './stack.ts';

let stack: TStack;
let baseUrl: string;
const { newContext } = useBrowserStack({}, (env) => {
  ({ stack, baseUrl } = env);
});


/** The page's Socket.IO connections (LiveKit's signalling is a WebSocket too, elsewhere). */
const showSocketsOf = (page: Page) => {
  const sockets: WebSocket[] = [];
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) sockets.push(ws);
  });
  return sockets;
};

/** A live show with one item of two units, featured; its host on a socket of the test's own. */
const liveShow = async () => {
  const host = await stack.createUser({ name: 'Maya Host' });
  const jacket = await stack.createListing(host.id, { title: 'Corduroy jacket', priceMinor: 3_900, variants: [['M', 2]] });
  const show = await stack.createShow(host.cookie, [{ variantId: jacket.variantIds[0]!, quantity: 2 }]);
  const entryId = show.entries[0]!.entryId;
  const hostSocket = await stack.connect(host.cookie);
  await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
  await request(hostSocket, 'queue:feature', { showId: show.id, entryId, clientOpId: newOpId() });
  return { showId: show.id, hostSocket };
};

/** A viewer's show page, open and showing the featured item: signed in straight into it, so no other page opened a socket. */
const watching = async (page: Page, showId: string, viewer: { email: string }) => {
  await signIn(page, baseUrl, viewer.email, TEST_PASSWORD, `/shows/${showId}`);
  await expect.poll(() => page.getByTestId('featured-title').textContent(), { timeout: 15_000 }).toContain('Corduroy jacket');
  await expect.poll(() => page.getByTestId('claim-button').textContent()).toBe('Claim');
};

const expectNothingClaimed = async (hostSocket: Awaited<ReturnType<TStack['connect']>>, showId: string) => {
  const state = await snapshotOf(hostSocket, showId);
  expect(state.entries[0]!.claimed).toBe(0);
  expect(state.claims).toEqual([]);
};

describe('a session ended elsewhere, in the browser', () => {
  it('signing out in another tab stops the open show page: it says so, its Claim is refused and its socket is closed', async () => {
    const { showId, hostSocket } = await liveShow();
    const viewer = await stack.createUser({ name: 'Sam Viewer', withCard: true });
    const context = await newContext();
    const showTab = await context.newPage();
    const sockets = showSocketsOf(showTab);
    await watching(showTab, showId, viewer);
    // One socket for the page: the show and the header's bell share it.
    expect(sockets.filter((ws) => !ws.isClosed())).toHaveLength(1);

    // The other tab signs out from the header.
    const otherTab = await context.newPage();
    await otherTab.goto(`${baseUrl}/orders`);
    await otherTab.getByRole('button', { name: 'Sign out' }).click();
    await otherTab.waitForURL((url) => url.pathname.startsWith('/login'));

    await expect.poll(() => showTab.getByTestId('show-error').textContent(), { timeout: 5_000 }).toBe(
      'You signed out, so this page stopped. Sign in again to keep watching. Sign in',
    );
    expect(await showTab.getByTestId('sign-in-again').getAttribute('href')).toBe(`/login?next=${encodeURIComponent(`/shows/${showId}`)}`);
    await expect.poll(() => sockets.every((ws) => ws.isClosed()), { timeout: 5_000 }).toBe(true);

    // Claim is off, and says why: nothing can be sent from this page any more.
    expect(await showTab.getByTestId('claim-button').isDisabled()).toBe(true);
    expect(await showTab.getByTestId('claim-why').textContent()).toBe('Sign in again to claim.');
    await showTab.screenshot({ path: path.join(SCREENSHOTS, 'session-signed-out-elsewhere.png') });
    await expectNothingClaimed(hostSocket, showId);
    // And it does not try again: no new connection in the seconds after.
    await showTab.waitForTimeout(3_000);
    expect(sockets).toHaveLength(1);
  });

  it('a session gone without a word (cleared, expired) is refused by the server at the first Claim, which closes the page’s socket', async () => {
    const { showId, hostSocket } = await liveShow();
    const viewer = await stack.createUser({ name: 'Priya Viewer', withCard: true });
    const context = await newContext();
    const page = await context.newPage();
    const sockets = showSocketsOf(page);
    await watching(page, showId, viewer);
    const token = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!.value;
    const sessionId = sessionIdOfToken(token);
    await stack.db.query('delete from sessions where token_hash = $1', [Buffer.from(sessionId, 'base64url')]);
    await stack.redis.del(sessionKey(sessionId));
    expect(sockets.filter((ws) => !ws.isClosed())).toHaveLength(1);

    await page.getByTestId('claim-button').click();
    await expect.poll(() => page.getByTestId('claim-result').textContent(), { timeout: 5_000 }).toBe(
      'You are no longer signed in, so this page stopped. Sign in again to keep watching.',
    );
    await expect.poll(() => page.getByTestId('sign-in-again').getAttribute('href').catch(() => null), { timeout: 5_000 })
      .toBe(`/login?next=${encodeURIComponent(`/shows/${showId}`)}`);
    await expect.poll(() => sockets.every((ws) => ws.isClosed()), { timeout: 5_000 }).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'session-gone-claim-refused.png') });
    await expectNothingClaimed(hostSocket, showId);
  });
});
