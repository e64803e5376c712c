import { createDb, createLiveKit, createLogger, createRedis, createStripe, createStripeLimiter, loadConfigOrExit } from '@showcart/common';
import { createWorkers } from './create-workers.ts';

const config = loadConfigOrExit();
const logger = createLogger('worker', config.logLevel);
const db = createDb(config.databaseUrl);
const redis = createRedis(config.redisUrl);
const limiter = config.stripeRateLimit > 0
  ? createStripeLimiter(redis, { secretKey: config.stripe.secretKey, perSecond: config.stripeRateLimit })
  : undefined;
const workers = createWorkers({ config, db, redis, stripe: createStripe(config.stripe, { limiter }), livekit: createLiveKit(config.livekit), logger });
logger.info({ stripeRateLimit: config.stripeRateLimit || 'off' }, 'worker running');

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'worker shutting down: finishing jobs in progress');
  await workers.close();
  await Promise.allSettled([db.end(), redis.quit()]);
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
