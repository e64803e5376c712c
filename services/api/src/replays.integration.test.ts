import { randomUUID } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { releaseShowStock } from '@showcart/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';

/**
 * Replays through the api: what a replay refuses, buying from it (one winner for the last
 * unit, a paid order), its waitlist, and the host's unlist and delete. The recording is
 * made here as the recorder would leave it; the recorder itself has its own tests.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

/** A settled show of one item (nothing sold: its units are free again) with a ready recording of one 2 s segment on disk. */
const recordedShow = async (p: { quantity: number }) => {
  const host = await stack.createUser({ name: 'Replay Host', shippingMinor: 400 });
  const listing = await stack.createListing(host.id, { title: 'Wool coat', priceMinor: 9_000, variants: [['M', p.quantity]] });
  const show = await stack.createShow(host.cookie, [{ variantId: listing.variantIds[0]! }]);
  await stack.db.query(`update shows set status = 'settled', started_at = now() - interval '1 minute', ended_at = now() where id = $1`, [show.id]);
  await releaseShowStock(stack.db, show.id);
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into recordings (show_id, backend, status, started_at, ended_at) values ($1, 'builtin', 'ready', now() - interval '1 minute', now()) returning id`,
    [show.id],
  );
  const recordingId = rows[0]!.id;
  const dir = path.join(stack.config.recordings.dir, recordingId, 'part-0');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'seg-00000.ts'), Buffer.alloc(188, 0x47));
  await stack.db.query(
    `insert into recording_segments (recording_id, part, seq, started_at, duration_ms, bytes, path)
     values ($1, 0, 0, now() - interval '1 minute', 2000, 188, 'part-0/seg-00000.ts')`,
    [recordingId],
  );
  const { rows: entries } = await stack.db.query<{ id: string }>('select id from show_entries where show_id = $1', [show.id]);
  return { host, show, recordingId, entryId: entries[0]!.id, variantId: listing.variantIds[0]! };
};

const stock = async (variantId: string) =>
  (await stack.db.query<{ quantity: number; reserved: number }>('select quantity, reserved from listing_variants where id = $1', [variantId])).rows[0];
const replayOrders = async (showId: string) =>
  (await stack.db.query<{ buyerId: string; status: string }>(
    `select buyer_id as "buyerId", status from orders where show_id = $1 and origin = 'replay' order by created_at`, [showId],
  )).rows;

describe('replays through the api', () => {
  it('refuses what has no replay, and bad purchases, changing nothing', async () => {
    const { host, show, recordingId, entryId, variantId } = await recordedShow({ quantity: 1 });
    const buyer = await stack.createUser({ withCard: true });
    const noCard = await stack.createUser();
    const other = await recordedShow({ quantity: 1 });
    const scheduled = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const code = (r: { status: number; body: { error?: { code: string } } }) => [r.status, r.body?.error?.code];

    expect(code(await stack.http('GET', `/api/replays/${randomUUID()}`, { cookie: buyer.cookie }))).toEqual([404, 'NOT_FOUND']);
    expect(code(await stack.http('GET', `/api/replays/${scheduled.id}`, { cookie: buyer.cookie }))).toEqual([404, 'NO_REPLAY']);
    expect(code(await stack.http('GET', '/api/replays/not-a-uuid', { cookie: buyer.cookie }))).toEqual([400, 'INVALID_INPUT']);
    expect(code(await stack.http('GET', `/api/recordings/${randomUUID()}/index.m3u8`, { cookie: buyer.cookie }))).toEqual([404, 'NO_REPLAY']);
    expect(code(await stack.http('GET', `/api/recordings/${recordingId}/0/seg-00001.ts`, { cookie: buyer.cookie }))).toEqual([404, 'NOT_FOUND']);
    expect(code(await stack.http('GET', `/api/recordings/${recordingId}/0/..%2F..%2Fsecrets`, { cookie: buyer.cookie }))).toEqual([400, 'INVALID_INPUT']);
    expect((await stack.http('GET', `/api/replays/${show.id}`)).status).toBe(401);

    const buy = (cookie: string, body: unknown, entry = entryId, showId = show.id) =>
      stack.http('POST', `/api/replays/${showId}/entries/${entry}/buy`, { cookie, body });
    expect(code(await buy(buyer.cookie, {}))).toEqual([400, 'INVALID_INPUT']);
    expect(code(await buy(buyer.cookie, { attemptId: 42 }))).toEqual([400, 'INVALID_INPUT']);
    expect(code(await stack.http('POST', `/api/replays/${show.id}/entries/${entryId}/buy`, {
      cookie: buyer.cookie, raw: `{"attemptId":"${randomUUID()}","__proto__":{"admin":true}}`,
    }))).toEqual([400, 'INVALID_INPUT']);
    expect(code(await buy(noCard.cookie, { attemptId: randomUUID() }))).toEqual([409, 'NO_PAYMENT_METHOD']);
    expect(code(await buy(buyer.cookie, { attemptId: randomUUID() }, other.entryId))).toEqual([404, 'NOT_FOUND']);
    expect(code(await buy(host.cookie, { attemptId: randomUUID() }))).toEqual([403, 'FORBIDDEN']);
    expect(code(await buy(buyer.cookie, { attemptId: randomUUID() }, entryId, scheduled.id))).toEqual([404, 'NO_REPLAY']);
    // Still on sale: no waitlist for it.
    expect(code(await stack.http('POST', `/api/replays/${show.id}/entries/${entryId}/waitlist`, { cookie: buyer.cookie, body: {} }))).toEqual([409, 'CONFLICT']);
    // Only the host unlists or deletes.
    expect(code(await stack.http('PATCH', `/api/replays/${show.id}`, { cookie: buyer.cookie, body: { listed: false } }))).toEqual([403, 'FORBIDDEN']);
    expect(code(await stack.http('PATCH', `/api/replays/${show.id}`, { cookie: host.cookie, body: { listed: 'no' } }))).toEqual([400, 'INVALID_INPUT']);
    expect(code(await stack.http('DELETE', `/api/replays/${show.id}`, { cookie: buyer.cookie }))).toEqual([403, 'FORBIDDEN']);

    expect(await replayOrders(show.id)).toEqual([]);
    expect(await stock(variantId)).toEqual({ quantity: 1, reserved: 0 });
    const replay = await stack.http('GET', `/api/replays/${show.id}`, { cookie: buyer.cookie });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ listed: true, durationMs: 2_000, playlistUrl: `/api/recordings/${recordingId}/index.m3u8` });
  });

  it('sells the last unit to exactly one of many buyers, charges it, and waitlists the rest', async () => {
    const { show, entryId, variantId } = await recordedShow({ quantity: 1 });
    const buyers = await Promise.all(Array.from({ length: 6 }, () => stack.createUser({ withCard: true })));
    const attempts = buyers.map(() => randomUUID());
    const replies = await Promise.all(buyers.map((b, i) =>
      stack.http('POST', `/api/replays/${show.id}/entries/${entryId}/buy`, { cookie: b.cookie, body: { attemptId: attempts[i] } })));
    const won = replies.flatMap((r, i) => (r.status === 201 ? [i] : []));
    expect(won).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(5).fill('SOLD_OUT'));
    const winner = won[0]!;
    // Held for the winner, or already paid for and out of the closet.
    expect([{ quantity: 1, reserved: 1 }, { quantity: 0, reserved: 0 }]).toContainEqual(await stock(variantId));

    // The same attempt again is the same purchase.
    const again = await stack.http('POST', `/api/replays/${show.id}/entries/${entryId}/buy`, { cookie: buyers[winner]!.cookie, body: { attemptId: attempts[winner] } });
    expect([again.status, again.body.order.id]).toEqual([201, replies[winner]!.body.order.id]);

    // Charged at once by the workers: paid, and the unit has left the closet.
    await expect.poll(async () => replayOrders(show.id), { timeout: 20_000 }).toEqual([{ buyerId: buyers[winner]!.id, status: 'paid' }]);
    expect(await stock(variantId)).toEqual({ quantity: 0, reserved: 0 });
    const { rows: order } = await stack.db.query<{ total: number }>(`select total_minor as total from orders where show_id = $1`, [show.id]);
    expect(order).toEqual([{ total: 9_000 + 400 }]);

    // A loser waits for the next unit; the replay says it is sold out.
    const loser = buyers[(winner + 1) % buyers.length]!;
    expect((await stack.http('POST', `/api/replays/${show.id}/entries/${entryId}/waitlist`, { cookie: loser.cookie, body: {} })).status).toBe(201);
    const { rows: waiting } = await stack.db.query('select user_id from replay_waitlist where entry_id = $1', [entryId]);
    expect(waiting).toEqual([{ user_id: loser.id }]);
    const replay = await stack.http('GET', `/api/replays/${show.id}`, { cookie: loser.cookie });
    expect(replay.body.chapters).toEqual([]); // never featured: no chapter
  });

  it('lets the host unlist a replay, then delete it and its files', async () => {
    const { host, show, recordingId } = await recordedShow({ quantity: 1 });
    const viewer = await stack.createUser();
    // The show's own summary (the list of all shows is capped, and other files share the database).
    const listedOf = async () => (await stack.http('GET', `/api/shows/${show.id}`, { cookie: viewer.cookie })).body as { replay: string | null; replayListed: boolean };
    expect(await listedOf()).toMatchObject({ replay: 'ready', replayListed: true });
    expect((await stack.http('PATCH', `/api/replays/${show.id}`, { cookie: host.cookie, body: { listed: false } })).status).toBe(200);
    expect(await listedOf()).toMatchObject({ replay: 'ready', replayListed: false });
    // Unlisted is not private: the link still plays.
    expect((await stack.http('GET', `/api/replays/${show.id}`, { cookie: viewer.cookie })).status).toBe(200);

    const file = path.join(stack.config.recordings.dir, recordingId, 'part-0', 'seg-00000.ts');
    await access(file);
    expect((await stack.http('DELETE', `/api/replays/${show.id}`, { cookie: host.cookie })).status).toBe(204);
    await expect(access(file)).rejects.toThrow();
    expect((await stack.http('GET', `/api/replays/${show.id}`, { cookie: viewer.cookie })).body.error.code).toBe('NO_REPLAY');
    expect((await stack.http('GET', `/api/recordings/${recordingId}/index.m3u8`, { cookie: viewer.cookie })).body.error.code).toBe('NO_REPLAY');
    expect(await listedOf()).toMatchObject({ replay: null });
    const { rows } = await stack.db.query('select count(*)::int as n from recording_segments where recording_id = $1', [recordingId]);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
