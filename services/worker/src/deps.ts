import type { Redis, Stripe, TConfig, TDb, TLiveKit, TLogger } from '@showcart/common';

export type TWorkerDeps = {
  config: TConfig;
  db: TDb;
  /** For reading show logs; BullMQ gets connections of its own. */
  redis: Redis;
  stripe: Stripe;
  /** Closes an ended show's room. */
  livekit: TLiveKit;
  logger: TLogger;
};
