import { sessionKey } from '@showcart/common';
import { createSession, endUserSessions, openSession, SESSION_COOKIE, sessionIdOfToken } from '@showcart/domain';
import type { TClaimAck, TJoinAck, TSessionEnded } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newOpId,
  request,
  snapshotOf,
  startStack,
  TEST_PASSWORD,
  until,
  type TClientSocket,
  type TStack,
} from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

const tokenOf = (cookie: string) => cookie.slice(`${SESSION_COOKIE}=`.length);
const mirrorOf = (cookie: string) => sessionKey(sessionIdOfToken(tokenOf(cookie)));

/** What a socket is told before the server closes it, and why Socket.IO says it closed. */
const endOf = (socket: TClientSocket) =>
  new Promise<{ ended: TSessionEnded | undefined; reason: string }>((resolve) => {
    let ended: TSessionEnded | undefined;
    socket.once('session:ended', (payload) => (ended = payload));
    socket.once('disconnect', (reason) => resolve({ ended, reason }));
  });

/** Another sign-in of the same user, as from a second device: a session of its own. */
const signInAgain = async (email: string) => {
  const login = await stack.http('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } });
  return login.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(';')[0]!;
};

/** A live show of one item with `quantity` units, featured; the host's socket joined on node 0. */
const liveShow = async (quantity: number) => {
  const host = await stack.createUser();
  const { variantIds } = await stack.createListing(host.id, { variants: [['M', quantity]] });
  const show = await stack.createShow(host.cookie, [{ variantId: variantIds[0]!, quantity }]);
  const entryId = show.entries[0]!.entryId;
  const hostSocket = await stack.connect(host.cookie, { node: 0 });
  await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
  await request(hostSocket, 'queue:feature', { showId: show.id, entryId, clientOpId: newOpId() });
  return { showId: show.id, entryId, hostSocket };
};

describe('a session ended anywhere ends its sockets', () => {
  it('signing out through the api closes that session’s sockets on every node, telling them why, and no other session’s', async () => {
    const { showId } = await liveShow(1);
    const buyer = await stack.createUser({ withCard: true });
    const otherDevice = await signInAgain(buyer.email);
    const onNode2 = await stack.connect(buyer.cookie, { node: 1 });
    const onNode1 = await stack.connect(buyer.cookie, { node: 0 });
    const elsewhere = await stack.connect(otherDevice, { node: 1 });
    await snapshotOf(onNode2, showId);
    const ends = [endOf(onNode2), endOf(onNode1)];

    expect((await stack.http('POST', '/api/auth/logout', { cookie: buyer.cookie })).status).toBe(204);

    for (const end of await Promise.all(ends)) {
      expect(end.reason).toBe('io server disconnect');
      expect(end.ended).toEqual({
        reason: 'signed-out',
        code: 'UNAUTHENTICATED',
        message: 'You signed out, so this page stopped. Sign in again to keep watching.',
      });
    }
    expect(await stack.redis.exists(mirrorOf(buyer.cookie))).toBe(0);
    // The same person's other session goes on.
    expect(elsewhere.connected).toBe(true);
    expect((await request<TJoinAck>(elsewhere, 'show:join', { showId })).ok).toBe(true);
    expect(await stack.redis.exists(mirrorOf(otherDevice))).toBe(1);
    // The ended session cannot connect again either.
    await expect(stack.connect(buyer.cookie, { node: 1 })).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a claim from a socket whose session is gone without a notice (cleared, expired), changes nothing, and closes it', async () => {
    const { showId, entryId, hostSocket } = await liveShow(2);
    const buyer = await stack.createUser({ withCard: true });
    const socket = await stack.connect(buyer.cookie, { node: 1 });
    await snapshotOf(socket, showId);
    // Gone from Postgres and Redis, as a cleanup of expired sessions would do: nobody is told.
    const sessionId = sessionIdOfToken(tokenOf(buyer.cookie));
    await stack.db.query('delete from sessions where token_hash = $1', [Buffer.from(sessionId, 'base64url')]);
    await stack.redis.del(sessionKey(sessionId));
    const end = endOf(socket);

    const ack = await request<TClaimAck>(socket, 'claim:create', { showId, entryId, clientOpId: newOpId() });
    expect(ack).toEqual({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'You are no longer signed in, so this page stopped. Sign in again to keep watching.',
    });
    expect(await end).toMatchObject({ reason: 'io server disconnect', ended: { reason: 'ended', code: 'UNAUTHENTICATED' } });
    const state = await snapshotOf(hostSocket, showId);
    expect(state.entries[0]!.claimed).toBe(0);
    expect(state.claims).toEqual([]);
  });

  it('checks a session without a Redis mirror in Postgres once, mirrors it, and lets it claim', async () => {
    const { showId, entryId } = await liveShow(1);
    const buyer = await stack.createUser({ withCard: true });
    // The row alone, as sessions opened before mirrors existed.
    const { token } = await createSession(stack.db, buyer.id, 3_600_000);
    const cookie = `${SESSION_COOKIE}=${token}`;
    expect(await stack.redis.exists(mirrorOf(cookie))).toBe(0);
    const socket = await stack.connect(cookie, { node: 1 });
    const ack = await request<TClaimAck>(socket, 'claim:create', { showId, entryId, clientOpId: newOpId() });
    expect(ack).toMatchObject({ ok: true, position: 1 });
    expect(await stack.redis.get(mirrorOf(cookie))).toBe(buyer.id);
    const ttl = await stack.redis.pttl(mirrorOf(cookie));
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('ends every session of a user on every node (sign out everywhere, a password change), and only that user’s', async () => {
    const { showId } = await liveShow(1);
    const user = await stack.createUser();
    const other = await stack.createUser();
    const secondSession = await openSession({ db: stack.db, redis: stack.redis }, user.id, 3_600_000);
    const sockets = [
      await stack.connect(user.cookie, { node: 0 }),
      await stack.connect(user.cookie, { node: 1 }),
      await stack.connect(`${SESSION_COOKIE}=${secondSession.token}`, { node: 1 }),
    ];
    const bystander = await stack.connect(other.cookie, { node: 1 });
    const ends = sockets.map(endOf);

    expect(await endUserSessions({ db: stack.db, redis: stack.redis }, user.id)).toBe(2);

    for (const end of await Promise.all(ends)) {
      expect(end).toMatchObject({ reason: 'io server disconnect', ended: { reason: 'signed-out-everywhere', code: 'UNAUTHENTICATED' } });
    }
    expect(bystander.connected).toBe(true);
    expect((await request<TJoinAck>(bystander, 'show:join', { showId })).ok).toBe(true);
    const { rows } = await stack.db.query('select 1 from sessions where user_id = $1', [user.id]);
    expect(rows).toHaveLength(0);
  });

  it('a node whose subscription dropped checks its sessions again when it is back, and closes those that ended', async () => {
    const gone = await stack.createUser();
    const staying = await stack.createUser();
    const goneSocket = await stack.connect(gone.cookie, { node: 1 });
    const stayingSocket = await stack.connect(staying.cookie, { node: 1 });
    await until('the sessions mirrored', async () => (await stack.redis.exists(mirrorOf(gone.cookie))) === 1);
    // Ended while no notice could arrive: nobody published it.
    const sessionId = sessionIdOfToken(tokenOf(gone.cookie));
    await stack.db.query('delete from sessions where token_hash = $1', [Buffer.from(sessionId, 'base64url')]);
    await stack.redis.del(sessionKey(sessionId));
    const end = endOf(goneSocket);

    await stack.redis.client('KILL', 'TYPE', 'pubsub');

    expect(await end).toMatchObject({ reason: 'io server disconnect', ended: { reason: 'ended', code: 'UNAUTHENTICATED' } });
    expect(stayingSocket.connected).toBe(true);
  });

  it('closes an expired session’s sockets at its expiry, on every node', async () => {
    const user = await stack.createUser();
    const { token, expiresAt } = await openSession({ db: stack.db, redis: stack.redis }, user.id, 4_000);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const sockets = [await stack.connect(cookie, { node: 0 }), await stack.connect(cookie, { node: 1 })];
    const ends = sockets.map(async (s) => ({ ...(await endOf(s)), at: Date.now() }));
    for (const end of await Promise.all(ends)) {
      expect(end.ended).toMatchObject({ reason: 'expired', code: 'SESSION_EXPIRED' });
      expect(end.reason).toBe('io server disconnect');
      expect(end.at).toBeGreaterThanOrEqual(expiresAt.getTime());
      // The nodes look once a second, and the test's own clock reads late under load.
      expect(end.at - expiresAt.getTime()).toBeLessThan(2_500);
    }
    await until('the mirror to expire', async () => (await stack.redis.exists(mirrorOf(cookie))) === 0, 2_000);
  });
});
