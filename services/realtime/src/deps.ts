import type { Redis, TConfig, TDb, TLogger } from '@showcart/common';
import type { Queue } from 'bullmq';

export type TRealtimeDeps = {
  config: TConfig;
  db: TDb;
  /** Commands and reads of show state. */
  redis: Redis;
  /** A connection of its own for the Socket.IO adapter, which blocks on reads. */
  adapterRedis: Redis;
  /** A connection of its own for following show logs with blocking reads. */
  tailRedis: Redis;
  settlementQueue: Queue;
  logger: TLogger;
};
