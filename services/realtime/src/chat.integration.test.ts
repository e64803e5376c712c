import type { TAck, TClaimAck, TCommandAck, TShowEvent } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

const state = snapshotOf;

/** A scheduled show with a host, two viewers on the other node, all joined. */
const chatShow = async () => {
  const host = await stack.createUser({ name: 'Host' });
  const { variantIds } = await stack.createListing(host.id, { variants: [['M', 5]] });
  const show = await stack.createShow(host.cookie, [{ variantId: variantIds[0]! }]);
  const amy = await stack.createUser({ name: 'Amy', withCard: true });
  const ben = await stack.createUser({ name: 'Ben', withCard: true });
  const sockets = {
    host: await stack.connect(host.cookie, { node: 0 }),
    amy: await stack.connect(amy.cookie, { node: 1 }),
    ben: await stack.connect(ben.cookie, { node: 1 }),
  };
  for (const s of Object.values(sockets)) await state(s, show.id);
  const send = (socket: TClientSocket, text: string) =>
    request<TCommandAck>(socket, 'chat:send', { showId: show.id, clientOpId: newOpId(), text });
  const moderate = (socket: TClientSocket, payload: object) =>
    request<TCommandAck>(socket, 'user:moderate', { showId: show.id, clientOpId: newOpId(), ...payload });
  return { show, host, amy, ben, sockets, send, moderate, entryId: show.entries[0]!.entryId };
};

const nextEvent = (socket: TClientSocket, type: TShowEvent['type']) =>
  new Promise<TShowEvent>((resolve) => {
    const handler = (events: TShowEvent[]) => {
      const found = events.find((e) => e.type === type);
      if (found) {
        socket.off('show:events', handler);
        resolve(found);
      }
    };
    socket.on('show:events', handler);
  });

describe('chat', () => {
  it('delivers a message as plain text to everyone, and refuses bad ones', async () => {
    const t = await chatShow();
    const received = nextEvent(t.sockets.ben, 'chat.sent');
    const text = '<img src=x onerror=alert(1)> is this 100% silk?';
    expect(await t.send(t.sockets.amy, `  ${text}  `)).toMatchObject({ ok: true });
    expect(await received).toMatchObject({ type: 'chat.sent', userId: t.amy.id, displayName: 'Amy', text });

    const bad = await Promise.all([
      t.send(t.sockets.amy, ''),
      t.send(t.sockets.amy, 'x'.repeat(301)),
      t.send(t.sockets.amy, 'bell\u0007'),
      request<TCommandAck>(t.sockets.amy, 'chat:send', { showId: t.show.id, clientOpId: newOpId(), text: 42 }),
    ]);
    expect(bad.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT']);
    expect((await state(t.sockets.host, t.show.id)).chat.map((m) => m.text)).toEqual([text]);
  });

  it('limits how fast one user may send', async () => {
    const t = await chatShow();
    const replies = [];
    for (let i = 0; i < 7; i++) replies.push(await t.send(t.sockets.amy, `message ${i}`));
    expect(replies.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await t.send(t.sockets.ben, 'others still can')).toMatchObject({ ok: true });
  });

  it('holds viewers to slow mode, but not the host', async () => {
    const t = await chatShow();
    const settings = await request<TAck<{ bannedWords: string[] }>>(t.sockets.host, 'chat:settings', { showId: t.show.id, clientOpId: newOpId(), slowModeSeconds: 30 });
    expect(settings).toMatchObject({ ok: true });
    expect(await t.send(t.sockets.amy, 'first')).toMatchObject({ ok: true });
    const second = await t.send(t.sockets.amy, 'second');
    expect(second).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(second.ok ? '' : second.message).toMatch(/Slow mode is on: you can send again in (29|30) s/);
    expect(await t.send(t.sockets.host, 'host one')).toMatchObject({ ok: true });
    expect(await t.send(t.sockets.host, 'host two')).toMatchObject({ ok: true });
    expect((await state(t.sockets.ben, t.show.id)).slowModeSeconds).toBe(30);
    const fromViewer = await request<TCommandAck>(t.sockets.amy, 'chat:settings', { showId: t.show.id, clientOpId: newOpId(), slowModeSeconds: 0 });
    expect(fromViewer).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses the host’s banned words, whole words only, and keeps the list from viewers', async () => {
    const t = await chatShow();
    const set = await request<TAck<{ bannedWords: string[] }>>(t.sockets.host, 'chat:settings', { showId: t.show.id, clientOpId: newOpId(), bannedWords: ['Scam', 'fake'] });
    expect(set).toMatchObject({ ok: true, bannedWords: ['fake', 'scam'] });
    expect(await t.send(t.sockets.amy, 'this is a SCAM!')).toMatchObject({ ok: false, code: 'BLOCKED_WORD' });
    expect(await t.send(t.sockets.amy, 'no scampi here, not faked either')).toMatchObject({ ok: true });
    expect(JSON.stringify(await state(t.sockets.amy, t.show.id))).not.toMatch(/scam"|fake"/);
  });
});

describe('moderation', () => {
  it('lets the host delete a message and ban a user, who then can neither chat nor claim', async () => {
    const t = await chatShow();
    await request(t.sockets.host, 'show:start', { showId: t.show.id, clientOpId: newOpId() });
    await request(t.sockets.host, 'queue:feature', { showId: t.show.id, entryId: t.entryId, clientOpId: newOpId() });
    await t.send(t.sockets.ben, 'rude message');
    const [message] = (await state(t.sockets.host, t.show.id)).chat;

    const byViewer = await request<TCommandAck>(t.sockets.amy, 'chat:delete', { showId: t.show.id, clientOpId: newOpId(), messageId: message!.messageId });
    expect(byViewer).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const deleted = nextEvent(t.sockets.amy, 'chat.deleted');
    expect(await request(t.sockets.host, 'chat:delete', { showId: t.show.id, clientOpId: newOpId(), messageId: message!.messageId })).toMatchObject({ ok: true });
    expect(await deleted).toMatchObject({ messageId: message!.messageId });

    expect(await t.moderate(t.sockets.amy, { action: 'ban', userId: t.ben.id })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await t.moderate(t.sockets.host, { action: 'ban', userId: t.ben.id })).toMatchObject({ ok: true });
    expect(await t.send(t.sockets.ben, 'let me back')).toMatchObject({ ok: false, code: 'BANNED' });
    const claim = await request<TClaimAck>(t.sockets.ben, 'claim:create', { showId: t.show.id, entryId: t.entryId, clientOpId: newOpId() });
    expect(claim).toMatchObject({ ok: false, code: 'BANNED' });
    const after = await state(t.sockets.host, t.show.id);
    expect(after.bannedUserIds).toEqual([t.ben.id]);
    expect(after.chat).toEqual([]);
    expect(after.entries[0]!.claimed).toBe(0);
  });

  it('lets a moderator the host picked mute a viewer, but not ban the host or pick moderators', async () => {
    const t = await chatShow();
    expect(await t.moderate(t.sockets.amy, { action: 'mute', userId: t.ben.id, minutes: 5 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await t.moderate(t.sockets.host, { action: 'moderator', userId: t.amy.id, on: true })).toMatchObject({ ok: true });
    expect(await t.moderate(t.sockets.amy, { action: 'mute', userId: t.ben.id, minutes: 5 })).toMatchObject({ ok: true });
    expect(await t.send(t.sockets.ben, 'hello?')).toMatchObject({ ok: false, code: 'MUTED' });
    expect(await t.moderate(t.sockets.amy, { action: 'ban', userId: t.host.id })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await t.moderate(t.sockets.amy, { action: 'moderator', userId: t.ben.id, on: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await t.moderate(t.sockets.amy, { action: 'mute', userId: t.ben.id, minutes: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    const s = await state(t.sockets.ben, t.show.id);
    expect(s.moderatorIds).toEqual([t.amy.id]);
    expect(s.mutedUntil[t.ben.id]).toBeGreaterThan(Date.now() + 4 * 60_000);
  });

  it('gives a moderator no say over the show itself', async () => {
    const t = await chatShow();
    expect(await t.moderate(t.sockets.host, { action: 'moderator', userId: t.amy.id, on: true })).toMatchObject({ ok: true });
    const before = await state(t.sockets.host, t.show.id);
    const cmd = (event: string, extra: object = {}) =>
      request<TCommandAck>(t.sockets.amy, event, { showId: t.show.id, clientOpId: newOpId(), ...extra });
    const attempts = await Promise.all([
      cmd('show:start'),
      cmd('queue:feature', { entryId: t.entryId }),
      cmd('queue:price', { entryId: t.entryId, priceMinor: 1 }),
      cmd('queue:reorder', { entryIds: [t.entryId] }),
      cmd('queue:update', { entryId: t.entryId, quantity: 0 }),
      cmd('queue:remove', { entryId: t.entryId }),
      cmd('show:end'),
      request<TCommandAck>(t.sockets.amy, 'chat:settings', { showId: t.show.id, clientOpId: newOpId(), slowModeSeconds: 60 }),
    ]);
    expect(attempts.map((r) => (r.ok ? 'ok' : r.code))).toEqual(Array(8).fill('FORBIDDEN'));
    expect(await state(t.sockets.host, t.show.id)).toEqual(before);
  });
});
