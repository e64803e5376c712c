import { createServer } from 'node:http';
import { createDb, createLogger, createRedis, loadConfigOrExit, SETTLEMENT_QUEUE } from '@showcart/common';
import { Queue } from 'bullmq';
import { createRealtime } from './server.ts';

const config = loadConfigOrExit();
const logger = createLogger('realtime', config.logLevel);
const db = createDb(config.databaseUrl);
const redis = createRedis(config.redisUrl);
const adapterRedis = createRedis(config.redisUrl);
const tailRedis = createRedis(config.redisUrl, { forBullmq: true });
const settlementQueue = new Queue(SETTLEMENT_QUEUE, {
  connection: createRedis(config.redisUrl, { forBullmq: true }),
  prefix: config.queuePrefix,
});

const httpServer = createServer();
const realtime = createRealtime(httpServer, { config, db, redis, adapterRedis, tailRedis, settlementQueue, logger });
httpServer.listen(config.realtimePort, config.host, () => {
  logger.info({ port: config.realtimePort }, 'realtime listening');
});

const shutdown = async () => {
  logger.info('realtime shutting down');
  await realtime.close();
  await Promise.allSettled([settlementQueue.close(), db.end(), redis.quit(), adapterRedis.quit(), tailRedis.quit()]);
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
