import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readShowLog, showKeys } from '@showcart/common';
import type { TClaimAck } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../../infra/local/components.ts';
import { freePort } from '../../../infra/local/processes.ts';
import { newOpId, request, startStack, type TStack } from '../../../infra/test/harness.ts';

// A Redis of this file's own, since the test kills it.
let dir: string;
let port: number;
let redis: Awaited<ReturnType<typeof startRedis>>;
let stack: TStack;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'showcart-durability-'));
  port = await freePort();
  redis = await startRedis(dir, port);
  stack = await startStack({ redisUrl: redis.url });
});
afterAll(async () => {
  await stack?.close();
  await redis?.proc.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an acknowledged claim', () => {
  it('survives kill -9 of Redis right after the ack', async () => {
    const host = await stack.createUser();
    const item = await stack.createListing(host.id, { variants: [['M', 50]] });
    const show = await stack.createShow(host.cookie, [{ variantId: item.variantIds[0]! }]);
    const entryId = show.entries[0]!.entryId;
    // Written and fsynced before each reply: also survives a crash of the machine.
    expect(await stack.redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    const hostSocket = await stack.connect(host.cookie);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId, clientOpId: newOpId() });
    const buyers = await stack.createBuyers(20);
    const sockets = await Promise.all(buyers.map((b) => stack.connect(b.cookie)));

    const acks = await Promise.all(sockets.map((s) => request<TClaimAck>(s, 'claim:create', { showId: show.id, entryId, clientOpId: newOpId() })));
    // The instant the last ack is in, Redis dies without a chance to flush anything.
    redis.proc.child.kill('SIGKILL');
    await redis.proc.exited;
    expect(acks.every((a) => a.ok)).toBe(true);

    redis = await startRedis(dir, port);
    await new Promise((r) => setTimeout(r, 200));
    const claimed = await stack.redis.hget(showKeys(show.id).entry(entryId), 'claimed');
    expect(Number(claimed)).toBe(20);
    const logged = (await readShowLog(stack.redis, show.id)).filter((e) => e.type === 'claim.created');
    expect(logged.map((e) => (e.type === 'claim.created' ? e.claimId : '')).sort()).toEqual(
      acks.map((a) => (a.ok ? a.claimId : '')).sort(),
    );
  });
});
