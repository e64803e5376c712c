import { randomUUID } from 'node:crypto';
import { createDb, createRedis, infoField, JOBS, MAINTENANCE_QUEUE, type Redis, type TDb } from '@showcart/common';
import { countLiveShows, setShowStatus } from '@showcart/domain';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createShowDirect } from '../../../infra/test/fixtures.ts';
import { startStack } from '../../../infra/test/harness.ts';
import type {} from '../../../infra/test/global-setup.ts';
import { compactRedisLog } from './jobs/compact-redis-log.ts';

let redis: Redis;
let db: TDb;
beforeAll(() => {
  redis = createRedis(inject('componentEnv').REDIS_URL!);
  db = createDb(inject('componentEnv').DATABASE_URL!, 2);
});
afterAll(async () => {
  redis.disconnect();
  await db.end();
});

const persistence = async (name: string) => infoField(await redis.info('persistence'), name);
/** Waits out a rewrite in progress; resolves with how many rewrites Redis has done. */
const rewritesWhenIdle = async () => {
  const deadline = Date.now() + 20_000;
  while ((await persistence('aof_rewrite_in_progress')) === 1 || (await persistence('aof_rewrite_scheduled')) === 1) {
    if (Date.now() > deadline) throw new Error('the rewrite did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
  return persistence('aof_rewrites');
};
/** Grows the append-only file past twice what the last rewrite left. */
const growPastBase = async () => {
  const key = `test:aof-growth:${randomUUID()}`;
  await redis.set(key, 'x'.repeat((await persistence('aof_base_size')) + 1_024));
  await redis.del(key);
};

describe('compacting Redis\' append-only file', () => {
  it('rewrites it only while no show is live, unless it has grown past the cap', async () => {
    const live = async () => 1;
    const none = async () => 0;
    let rewrites = await rewritesWhenIdle();

    // Redis runs without automatic rewrites, and a file under 64 MB is left alone.
    expect(await redis.config('GET', 'auto-aof-rewrite-percentage')).toEqual(['auto-aof-rewrite-percentage', '0']);
    expect(await compactRedisLog({ redis, liveShows: none })).toBe('small');

    // Big enough (no minimum here), but a show is live: wait.
    await growPastBase();
    expect(await compactRedisLog({ redis, liveShows: live, minBytes: 0 })).toBe('shows-live');
    expect(await rewritesWhenIdle()).toBe(rewrites);

    // No show live: rewritten, and then small again (the rewrite left a new base).
    expect(await compactRedisLog({ redis, liveShows: none, minBytes: 0 })).toBe('rewriting');
    expect(await rewritesWhenIdle()).toBe(++rewrites);
    expect(await compactRedisLog({ redis, liveShows: none, minBytes: 0 })).toBe('small');

    // Past the cap, a live show does not hold the rewrite back.
    await growPastBase();
    expect(await compactRedisLog({ redis, liveShows: live, minBytes: 0, capBytes: 0 })).toBe('rewriting');
    expect(await rewritesWhenIdle()).toBe(++rewrites);
  });

  it('counts live shows from Postgres', async () => {
    const show = await createShowDirect(db, [1], 'unused-hash');
    await setShowStatus(db, show.showId, ['scheduled'], 'live');
    // Other test files may start and end shows meanwhile; this one is live until ended here.
    expect(await countLiveShows(db)).toBeGreaterThanOrEqual(1);
    await setShowStatus(db, show.showId, ['live'], 'ended');
  });

  it('is scheduled by the workers, every minute, in a queue of its own', async () => {
    const stack = await startStack({ worker: true });
    const connection = createRedis(stack.config.redisUrl, { forBullmq: true });
    const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: stack.config.queuePrefix });
    try {
      // The workers upsert the scheduler as they start.
      const deadline = Date.now() + 5_000;
      let schedulers = await queue.getJobSchedulers();
      while (!schedulers.some((s) => s.name === JOBS.compactRedisLog.name) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        schedulers = await queue.getJobSchedulers();
      }
      expect(schedulers.filter((s) => s.name === JOBS.compactRedisLog.name)).toMatchObject([{ every: 60_000 }]);
      // Its next run waits in the maintenance queue, never in the settlement queue.
      expect((await stack.settlementQueue.getJobSchedulers()).map((s) => s.name)).not.toContain(JOBS.compactRedisLog.name);
    } finally {
      await queue.close();
      connection.disconnect();
      await stack.close();
    }
  });
});
