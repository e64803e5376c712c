import { hostname } from 'node:os';
import path from 'node:path';
import { createDb, createLiveKit, createLogger, createRecordingStore, createRedis, loadConfigOrExit } from '@showcart/common';
import { createBuiltinBackend } from './builtin.ts';
import { createEgressBackend } from './egress.ts';
import { createRecorderService } from './service.ts';

const config = loadConfigOrExit();
const logger = createLogger('recorder', config.logLevel);
const db = createDb(config.databaseUrl, 4);
const redis = createRedis(config.redisUrl);
const livekit = createLiveKit(config.livekit);
const backend = config.recordings.backend === 'egress'
  ? createEgressBackend({ db, logger, rooms: livekit.rooms, livekit: config.livekit, recordings: config.recordings })
  : createBuiltinBackend({
      db, livekit, logger, dir: path.resolve(config.recordings.dir), store: createRecordingStore(config.recordings),
      segmentSeconds: config.recordings.segmentSeconds, height: config.recordings.height,
    });
// A recorder that restarts under the same id takes its shows straight back.
const recorderId = process.env.RECORDER_ID ?? hostname();
const service = createRecorderService({ db, redis, backend, logger, recorderId, subscriber: createRedis(config.redisUrl) });
logger.info({ backend: backend.name, recorderId }, 'recorder running');

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'recorder shutting down: closing its recordings');
  await service.close();
  await Promise.allSettled([db.end(), redis.quit()]);
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
