import type { TShowDetail, TShowSummary } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, TEST_PASSWORD, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

/** A host's shows: other test files create shows in the same database at the same time. */
const showCount = async (hostId: string) =>
  Number((await stack.db.query('select count(*) as n from shows where host_id = $1', [hostId])).rows[0].n);

describe('the api', () => {
  it('reports every real component healthy', async () => {
    const res = await stack.http('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      components: { postgres: { ok: true }, redis: { ok: true }, livekit: { ok: true }, stripe: { ok: true }, queues: { ok: true } },
    });
  });

  it('signs in with the right password only, and signs out', async () => {
    const user = await stack.createUser({ name: 'Dana' });
    const wrong = await stack.http('POST', '/api/auth/login', { body: { email: user.email, password: 'nope' } });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'BAD_CREDENTIALS', message: 'Wrong email or password.' } } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const unknown = await stack.http('POST', '/api/auth/login', { body: { email: 'nobody@showcart.test', password: TEST_PASSWORD } });
    expect(unknown.body.error.code).toBe('BAD_CREDENTIALS');

    const me = await stack.http('GET', '/api/me', { cookie: user.cookie });
    expect(me).toMatchObject({ status: 200, body: { id: user.id, displayName: 'Dana', hasPaymentMethod: false } });
    expect(JSON.stringify(me.body)).not.toMatch(/password/i);

    expect((await stack.http('POST', '/api/auth/logout', { cookie: user.cookie })).status).toBe(204);
    expect(await stack.http('GET', '/api/me', { cookie: user.cookie })).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });

  it('refuses an expired session', async () => {
    const user = await stack.createUser();
    await stack.db.query(`update sessions set expires_at = now() - interval '1 second' where user_id = $1`, [user.id]);
    const res = await stack.http('GET', '/api/shows', { cookie: user.cookie });
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'SESSION_EXPIRED' } } });
  });

  it('answers malformed and invalid bodies with INVALID_INPUT and changes nothing', async () => {
    const host = await stack.createUser();
    const before = await showCount(host.id);
    const malformed = await stack.http('POST', '/api/shows', { cookie: host.cookie, raw: '{"title": "oops",' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', message: 'The body is not valid JSON.' } } });
    const invalid = await stack.http('POST', '/api/shows', { cookie: host.cookie, body: { title: 'ok title', entries: [] } });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(invalid.body.error.message).toMatch(/^entries:/);
    const { variantIds } = await stack.createListing(host.id);
    const proto = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      raw: `{"__proto__": {"isHost": true}, "title": "abc", "entries": [{"variantId": "${variantIds[0]}"}]}`,
    });
    expect(proto.body.error.code).toBe('INVALID_INPUT');
    const badLogin = await stack.http('POST', '/api/auth/login', { body: { email: 'not-an-email', password: 'x' } });
    expect(badLogin).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(await showCount(host.id)).toBe(before);
  });

  it('schedules a show only from the host’s own closet', async () => {
    const host = await stack.createUser();
    const seller = await stack.createUser();
    const own = await stack.createListing(host.id, { priceMinor: 3_000, variants: [['S', 2], ['M', 1]] });
    const theirs = await stack.createListing(seller.id);
    const before = await showCount(host.id);
    const stolen = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      body: { title: 'My show', entries: [{ variantId: own.variantIds[0] }, { variantId: theirs.variantIds[0] }] },
    });
    expect(stolen).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const tooMany = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      body: { title: 'My show', entries: [{ variantId: own.variantIds[1], quantity: 5 }] },
    });
    expect(tooMany).toMatchObject({ status: 409, body: { error: { code: 'NOT_ENOUGH_STOCK', message: 'entries.0: only 1 unit is free in the seller’s closet.' } } });
    expect(await showCount(host.id)).toBe(before);

    const created = await stack.http('POST', '/api/shows', {
      cookie: host.cookie,
      body: { title: 'My show', entries: [{ variantId: own.variantIds[0], priceMinor: 2_500 }, { variantId: own.variantIds[1] }] },
    });
    expect(created.status).toBe(201);
    const show = created.body as TShowDetail;
    expect(show).toMatchObject({ status: 'scheduled', hostId: host.id, entryCount: 2 });
    expect(show.entries.map((e) => [e.variantLabel, e.priceMinor, e.quantity, e.cohosted])).toEqual([
      ['S', 2_500, 2, false],
      ['M', 3_000, 1, false],
    ]);
    const list = await stack.http('GET', '/api/shows', { cookie: seller.cookie });
    expect((list.body.shows as TShowSummary[]).some((s) => s.id === show.id)).toBe(true);
    expect((await stack.http('GET', `/api/shows/${show.id}`, { cookie: seller.cookie })).body).toEqual(show);
  });

  it('answers unknown ids and endpoints with NOT_FOUND', async () => {
    const user = await stack.createUser();
    expect((await stack.http('GET', '/api/shows/00000000-0000-4000-8000-000000000000', { cookie: user.cookie })).body.error.code).toBe('NOT_FOUND');
    expect((await stack.http('GET', '/api/shows/42', { cookie: user.cookie })).body.error.code).toBe('INVALID_INPUT');
    expect((await stack.http('GET', '/api/nothing-here', { cookie: user.cookie })).status).toBe(404);
  });

  it('enforces co-host consent in Postgres itself', async () => {
    const host = await stack.createUser();
    const seller = await stack.createUser();
    const item = await stack.createListing(seller.id);
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const insert = (cohostItemId: string | null) =>
      stack.db.query(
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
         values ($1, 9, $2, $3, 1000, 1, $4, 1000)`,
        [show.id, item.variantIds[0], seller.id, cohostItemId],
      );
    await expect(insert(null)).rejects.toThrow(/has not agreed/);
    const { rows } = await stack.db.query(
      `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status) values ($1, $2, $3, 1000, 'requested') returning id`,
      [show.id, item.variantIds[0], seller.id],
    );
    await expect(insert(rows[0].id)).rejects.toThrow(/has not agreed/);
    await stack.db.query(`update cohost_items set status = 'approved' where id = $1`, [rows[0].id]);
    await expect(insert(rows[0].id)).resolves.toMatchObject({ rowCount: 1 });
  });
});
