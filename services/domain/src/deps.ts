import type { Redis, Stripe, TConfig, TDb, TLiveKit, TLogger, TMailer, TPhotoStore, TRecordingStore } from '@showcart/common';
import type { FlowProducer, Queue } from 'bullmq';
import type { TShowEngine } from './shows/engine/show-engine.ts';

/**
 * Everything a domain function may be given. Each takes the few it needs (`Pick<TDomainDeps,
 * 'db' | 'queue'>`), so its signature says what it touches; the services build these once.
 */
export type TDomainDeps = {
  config: TConfig;
  db: TDb;
  /** Show state, limits and the status channel; BullMQ has connections of its own. */
  redis: Redis;
  stripe: Stripe;
  livekit: TLiveKit;
  logger: TLogger;
  /** The settlement queue: a step's follow-up (transfers, a release at the deadline) is enqueued here. */
  queue: Queue;
  /** Settlement flows: a show's charges as children of the job that marks it settled. */
  flows: FlowProducer;
  /** The live show engine (one per process, over `redis`). */
  engine: TShowEngine;
  /** Where replays' segments are kept. */
  recordings: TRecordingStore;
  /** Where uploaded photos' sizes are kept (beside the recordings: their directory or bucket). */
  photos: TPhotoStore;
  /** Mail to people: verification and reset links (SMTP, nodemailer). */
  mailer: TMailer;
};
