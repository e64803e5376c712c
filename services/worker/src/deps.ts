import type { Redis, Stripe, TConfig, TDb, TLiveKit, TLogger, TMailer, TPushSender } from '@showcart/common';

export type TWorkerDeps = {
  config: TConfig;
  db: TDb;
  /** For reading show logs; BullMQ gets connections of its own. */
  redis: Redis;
  stripe: Stripe;
  /** Closes an ended show's room. */
  livekit: TLiveKit;
  logger: TLogger;
  /** Notification emails; built from the config's SMTP_URL when not given. */
  mailer?: TMailer;
  /** Web Push; built from the config's VAPID keys when not given. */
  push?: TPushSender;
};
