import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';

/** Direct messages between a buyer and a seller, blocks and reports, and a closet's greeting sent once. */
let stack: TStack;
beforeAll(async () => {
  // The worker persists a live show's claims, which say who bought from whom.
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;
const send = (from: TUser, to: TUser, body: string, extra: Record<string, unknown> = {}) =>
  stack.http('POST', `/api/messages/${to.handle}`, { cookie: from.cookie, body: { clientId: randomUUID(), body, ...extra } });
const thread = async (of: TUser, with_: TUser) => (await stack.http('GET', `/api/messages/${with_.handle}`, { cookie: of.cookie })).body;

describe('messages', () => {
  it('threads a buyer and a seller, with a listing card, unread counts and safe retries', async () => {
    const buyer = await stack.createUser();
    const seller = await stack.createUser();
    const { listingId } = await stack.createListing(seller.id, { title: 'Rain jacket' });
    const clientId = randomUUID();
    const first = await stack.http('POST', `/api/messages/${seller.handle}`, { cookie: buyer.cookie, body: { clientId, body: 'Is this still available?\nSize M?', listingId } });
    expect(first).toMatchObject({ status: 201, body: { mine: true, body: 'Is this still available?\nSize M?', listing: { id: listingId, title: 'Rain jacket' } } });
    // The same tap sent twice is one message.
    const retry = await stack.http('POST', `/api/messages/${seller.handle}`, { cookie: buyer.cookie, body: { clientId, body: 'Is this still available?\nSize M?', listingId } });
    expect(retry.body.id).toBe(first.body.id);

    expect((await stack.http('GET', '/api/messages', { cookie: seller.cookie })).body.conversations)
      .toMatchObject([{ other: { id: buyer.id }, unread: 1, last: { mine: false, body: 'Is this still available?\nSize M?' } }]);
    expect((await send(seller, buyer, 'Yes! M is here.')).status).toBe(201);
    const seen = await thread(seller, buyer);
    expect(seen.messages.map((m: { body: string; mine: boolean }) => [m.mine, m.body])).toEqual([[false, 'Is this still available?\nSize M?'], [true, 'Yes! M is here.']]);
    expect((await stack.http('GET', '/api/messages', { cookie: seller.cookie })).body.conversations[0].unread).toBe(0);
  });

  it('refuses yourself, markup-free bad bodies, unknown people, unlisted cards and a flood, sending nothing', async () => {
    const a = await stack.createUser();
    const b = await stack.createUser();
    expect((await send(a, a, 'hi')).status).toBe(400);
    expect((await send(a, b, '')).status).toBe(400);
    expect((await send(a, b, 'x'.repeat(2001))).status).toBe(400);
    expect((await send(a, b, 'bell\u0007')).status).toBe(400);
    expect((await stack.http('POST', '/api/messages/nobody_here_xyz', { cookie: a.cookie, body: { clientId: randomUUID(), body: 'hi' } })).status).toBe(404);
    const { listingId } = await stack.createListing(b.id);
    await stack.db.query('update listings set unlisted_at = now() where id = $1', [listingId]);
    expect((await send(a, b, 'this one?', { listingId })).body.error.code).toBe('LISTING_UNAVAILABLE');
    expect((await thread(a, b)).messages).toEqual([]);

    const codes: string[] = [];
    for (let i = 0; i < 25; i++) codes.push((await send(a, b, `hello ${i}`)).body.error?.code ?? 'sent');
    expect(codes.filter((c) => c === 'sent')).toHaveLength(20);
    expect(codes.slice(20)).toEqual(Array(5).fill('RATE_LIMITED'));
  });

  it('stops both ways once one blocks the other, and takes a report of a message', async () => {
    const buyer = await stack.createUser();
    const seller = await stack.createUser();
    const { body: rude } = await send(buyer, seller, 'rude words');
    expect((await stack.http('POST', `/api/blocks/${buyer.handle}`, { cookie: seller.cookie })).body).toEqual({ blocked: true });
    expect((await send(buyer, seller, 'hello?')).body.error.code).toBe('BLOCKED');
    expect((await send(seller, buyer, 'bye')).body.error.code).toBe('BLOCKED');
    expect(await thread(seller, buyer)).toMatchObject({ blockedByMe: true, blockedMe: false });
    expect(await thread(buyer, seller)).toMatchObject({ blockedByMe: false, blockedMe: true });

    expect((await stack.http('POST', `/api/reports/${buyer.handle}`, { cookie: seller.cookie, body: { reason: 'Abuse', messageId: rude.id } })).status).toBe(201);
    // A message that is not theirs to the reporter cannot be named.
    const { body: mine } = await send(buyer, await stack.createUser(), 'hi');
    expect((await stack.http('POST', `/api/reports/${buyer.handle}`, { cookie: seller.cookie, body: { reason: 'Abuse', messageId: mine.id } })).status).toBe(404);
    expect((await stack.db.query('select reason from reports where reporter_id = $1', [seller.id])).rows).toEqual([{ reason: 'Abuse' }]);

    expect((await stack.http('DELETE', `/api/blocks/${buyer.handle}`, { cookie: seller.cookie })).body).toEqual({ blocked: false });
    expect((await send(seller, buyer, 'ok, sorted')).status).toBe(201);
  });
});

describe('a closet’s greeting', () => {
  it('is off by default, then reaches each visitor who never bought, once', async () => {
    const seller = await stack.createUser();
    const visitor = await stack.createUser();
    const visit = async (who: TUser) => (await stack.http('POST', `/api/profiles/${seller.handle}/visit`, { cookie: who.cookie })).body;
    expect(await visit(visitor)).toEqual({ greeted: false });

    expect((await stack.http('PATCH', '/api/me/greeting', { cookie: seller.cookie, body: { greeting: 'Welcome! Bundle 2 items and I ship them together.' } })).status).toBe(200);
    const [once, twice] = await Promise.all([visit(visitor), visit(visitor)]);
    expect([once.greeted, twice.greeted].sort()).toEqual([false, true]);
    expect(await visit(visitor)).toEqual({ greeted: false });
    expect((await thread(visitor, seller)).messages).toMatchObject([{ kind: 'greeting', mine: false, body: 'Welcome! Bundle 2 items and I ship them together.' }]);
    expect(await visit(seller)).toEqual({ greeted: false });

    // A past buyer is not greeted; neither is someone the seller blocked.
    const buyer = await stack.createUser({ withCard: true });
    const { variantIds } = await stack.createListing(seller.id);
    await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    for (let i = 0; i < 100 && (await stack.db.query('select 1 from claims where buyer_id = $1', [buyer.id])).rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await visit(buyer)).toEqual({ greeted: false });
    const blocked = await stack.createUser();
    await stack.http('POST', `/api/blocks/${blocked.handle}`, { cookie: seller.cookie });
    expect(await visit(blocked)).toEqual({ greeted: false });
  });
});
