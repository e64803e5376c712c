import {
  createDb,
  createLiveKit,
  createLogger,
  createMailer,
  createPhotoStore,
  createRecordingStore,
  createRedis,
  createStripe,
  loadConfigOrExit,
  SETTLEMENT_QUEUE,
} from '@showcart/common';
import { createShowEngine } from '@showcart/domain';
import { Queue } from 'bullmq';
import { createApiServer } from './app.ts';

const config = loadConfigOrExit();
const logger = createLogger('api', config.logLevel);
const db = createDb(config.databaseUrl);
const redis = createRedis(config.redisUrl);
const settlementQueue = new Queue(SETTLEMENT_QUEUE, {
  connection: createRedis(config.redisUrl, { forBullmq: true }),
  prefix: config.queuePrefix,
});
const server = createApiServer({
  config,
  db,
  redis,
  stripe: createStripe(config.stripe),
  livekit: createLiveKit(config.livekit),
  queue: settlementQueue,
  engine: createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs }),
  recordings: createRecordingStore(config.recordings),
  photos: createPhotoStore(config.recordings),
  mailer: createMailer(config.mail),
  logger,
});

server.listen(config.apiPort, config.host, () => {
  logger.info({ port: config.apiPort }, 'api listening');
});

const shutdown = () => {
  logger.info('api shutting down');
  server.close(async () => {
    await Promise.allSettled([settlementQueue.close(), db.end(), redis.quit()]);
    process.exit(0);
  });
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
