import type { Redis, Stripe, TConfig, TDb, TLogger } from '@showcart/common';

export type TWorkerDeps = {
  config: TConfig;
  db: TDb;
  /** For reading show logs; BullMQ gets connections of its own. */
  redis: Redis;
  stripe: Stripe;
  logger: TLogger;
};
