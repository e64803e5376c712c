import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { createDb, createLogger, createRedis, loadConfigOrExit, SETTLEMENT_QUEUE } from '@showcart/common';
import { createShowEngine } from '@showcart/domain';
import { Queue } from 'bullmq';
import { createRealtime } from './server.ts';

// V8 allocates straight in the old generation at allocation sites it has seen
// survive. Under steady claims that catches objects that die young (WebSocket frames,
// Redis replies); the old generation fills, and each full collection of a heap holding
// thousands of viewers' connections pauses every claim on the node. Off, the bytes a claim
// leaves in the old generation fell from about 1,560 to 425, and the claim ack's p99 with
// 5,000 viewers connected from 46-61 ms to 34-38 ms (three runs each of npm run bench).
setFlagsFromString('--no-allocation-site-pretenuring');

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
const realtime = createRealtime(httpServer, {
  config, db, redis, adapterRedis, tailRedis, queue: settlementQueue, logger,
  engine: createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs }),
}, {
  // Not configuration: bench/session-check.ts starts one node without the check to compare.
  skipCommandSessionCheck: process.env.BENCH_SKIP_SESSION_CHECK === '1',
});
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
