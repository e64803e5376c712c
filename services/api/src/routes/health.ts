import type { THealth } from '@showcart/shared';
import { Router } from 'express';
import type { TApiDeps } from '../deps.ts';

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

/** Reports each real component; 503 when any is down. Carries no secrets. */
export const healthRoutes = ({ db, redis, livekit, stripe, settlementQueue }: TApiDeps) => {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [postgres, redisCheck, livekitCheck, stripeCheck, queues] = await Promise.all([
      check(() => db.query('select 1')),
      check(() => redis.ping()),
      check(() => livekit.rooms.listRooms()),
      check(() => stripe.balance.retrieve()),
      check(() => settlementQueue.getJobCounts()),
    ]);
    const components = { postgres, redis: redisCheck, livekit: livekitCheck, stripe: stripeCheck, queues };
    const body: THealth = { ok: Object.values(components).every((c) => c.ok), components };
    res.status(body.ok ? 200 : 503).json(body);
  });
  return router;
};
