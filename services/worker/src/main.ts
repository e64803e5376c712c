import { createDb, createLogger, createRedis, createStripe, loadConfigOrExit } from '@showcart/common';
import { createWorkers } from './create-workers.ts';

const config = loadConfigOrExit();
const logger = createLogger('worker', config.logLevel);
const db = createDb(config.databaseUrl);
const redis = createRedis(config.redisUrl);
const workers = createWorkers({ config, db, redis, stripe: createStripe(config.stripe), logger });
logger.info('worker running');

const shutdown = async () => {
  logger.info('worker shutting down');
  await workers.close();
  await Promise.allSettled([db.end(), redis.quit()]);
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
