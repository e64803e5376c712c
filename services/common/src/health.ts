import { type THealth, ZSupervisedStatus } from '@showcart/shared';
import type { Queue } from 'bullmq';
import type { TDb } from './db.ts';
import type { TLiveKit } from './livekit.ts';
import type { Redis } from './redis.ts';
import { supervisorKey } from './redis-keys.ts';
import type { Stripe } from './stripe.ts';

/** A component that does not answer in this time counts as down. */
const CHECK_TIMEOUT_MS = 3_000;

/** Rejects if `run` has not settled within CHECK_TIMEOUT_MS. */
const withTimeout = async <T>(run: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

const check = async (run: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> => {
  try {
    await withTimeout(run());
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : 'failed' };
  }
};

/** Asks each real component whether it answers. Carries no secrets. */
export const componentHealth = async (deps: {
  db: TDb; redis: Redis; livekit: TLiveKit; stripe: Stripe; queue: Queue; config: { queuePrefix: string };
}): Promise<THealth> => {
  const [postgres, redis, livekit, stripe, queues, services] = await Promise.all([
    check(() => deps.db.query('select 1')),
    check(() => deps.redis.ping()),
    check(() => deps.livekit.rooms.listRooms()),
    check(() => deps.stripe.balance.retrieve()),
    check(() => deps.queue.getJobCounts()),
    supervisedStatus(deps.redis, deps.config.queuePrefix),
  ]);
  const components = { postgres, redis, livekit, stripe, queues };
  return { ok: Object.values(components).every((c) => c.ok), components, ...(services ? { services } : {}) };
};

/** What `npm start`'s supervisor wrote of its processes; nothing where it does not run (or Redis does not answer). */
const supervisedStatus = async (redis: Redis, queuePrefix: string): Promise<THealth['services']> => {
  const written = await withTimeout(redis.hgetall(supervisorKey(queuePrefix))).catch(() => undefined);
  if (!written || Object.keys(written).length === 0) return undefined;
  const services: NonNullable<THealth['services']> = {};
  for (const [name, json] of Object.entries(written)) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      continue;
    }
    const parsed = ZSupervisedStatus.safeParse(value);
    if (parsed.success) services[name] = parsed.data;
  }
  return services;
};
