import type { Redis, Stripe, TConfig, TDb, TLiveKit, TLogger } from '@showcart/common';
import type { Queue } from 'bullmq';

export type TApiDeps = {
  config: TConfig;
  db: TDb;
  redis: Redis;
  stripe: Stripe;
  livekit: TLiveKit;
  settlementQueue: Queue;
  logger: TLogger;
};
