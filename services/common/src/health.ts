import type { THealth } from '@showcart/shared';
import type { Queue } from 'bullmq';
import type { TDb } from './db.ts';
import type { TLiveKit } from './livekit.ts';
import type { Redis } from './redis.ts';
import type { Stripe } from './stripe.ts';

/** A component that does not answer in this time counts as down. */
const CHECK_TIMEOUT_MS = 3_000;

const check = async (run: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : 'failed' };
  } finally {
    clearTimeout(timer);
  }
};

/** Asks each real component whether it answers. Carries no secrets. */
export const componentHealth = async (deps: { db: TDb; redis: Redis; livekit: TLiveKit; stripe: Stripe; queue: Queue }): Promise<THealth> => {
  const [postgres, redis, livekit, stripe, queues] = await Promise.all([
    check(() => deps.db.query('select 1')),
    check(() => deps.redis.ping()),
    check(() => deps.livekit.rooms.listRooms()),
    check(() => deps.stripe.balance.retrieve()),
    check(() => deps.queue.getJobCounts()),
  ]);
  const components = { postgres, redis, livekit, stripe, queues };
  return { ok: Object.values(components).every((c) => c.ok), components };
};
