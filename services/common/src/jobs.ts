import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';

/** The queue of everything that happens after a show: persisting, settling, charging, paying out. */
export const SETTLEMENT_QUEUE = 'settlement';
/** Housekeeping on a schedule, apart from the money: its next run always waits in the queue. */
export const MAINTENANCE_QUEUE = 'maintenance';
/** Notification fan-out batches, apart from the money: a host with many followers going live delays no charge. */
export const NOTIFICATIONS_QUEUE = 'notifications';

const orderJob = z.strictObject({ orderId: z.uuid() });

/** Jobs as data: a name and the schema of its payload. Payloads carry ids, never secrets. */
export const JOBS = {
  /** Turns an ended show's claims into orders, then starts the show's settlement flow. */
  settleShow: { name: 'settle-show', schema: z.strictObject({ showId: z.uuid() }) },
  /** The flow's parent: runs once every order of the show has been charged or has failed. */
  finishSettlement: { name: 'finish-settlement', schema: z.strictObject({ showId: z.uuid() }) },
  /** A flow child: charges one (buyer, seller) bundle off-session. */
  chargeOrder: { name: 'charge-order', schema: orderJob },
  /** Pays out a paid order: the seller's share and the host's commission. */
  transferOrder: { name: 'transfer-order', schema: orderJob },
  /** At an unpaid order's deadline: its items go to the waitlist or back to the closet. */
  releaseOrder: { name: 'release-order', schema: orderJob },
  /** A seller's refund: Stripe refunds the buyer, payouts already made are reversed. */
  refundOrder: { name: 'refund-order', schema: z.strictObject({ refundId: z.uuid() }) },
  /** At a waitlist offer's deadline: the next in line gets it. */
  expireOffer: { name: 'expire-offer', schema: z.strictObject({ offerId: z.uuid() }) },
  /** A few seconds after a show ends: its LiveKit room is closed, so nothing of the host reaches anyone after End. */
  closeShowRoom: { name: 'close-show-room', schema: z.strictObject({ showId: z.uuid() }) },
  /** A notification event was recorded (notify): its fan-out's first batch goes on NOTIFICATIONS_QUEUE. */
  notifyEvent: { name: 'notify-event', schema: z.strictObject({ eventId: z.string().min(1).max(200) }) },
  /**
   * On NOTIFICATIONS_QUEUE: one batch of an event's recipients, those after `afterUserId`
   * (null: the first); it queues the next batch before delivering its own.
   */
  fanOutNotifications: {
    name: 'fan-out-notifications',
    schema: z.strictObject({ eventId: z.string().min(1).max(200), afterUserId: z.uuid().nullable() }),
  },
  /**
   * On NOTIFICATIONS_QUEUE, after the batch's feed rows are written: their pushes and emails
   * (the rows of users after `afterUserId` through `throughUserId`), queued with a priority,
   * so that every batch's rows are written before the deliveries take the workers.
   */
  deliverNotifications: {
    name: 'deliver-notifications',
    schema: z.strictObject({ eventId: z.string().min(1).max(200), afterUserId: z.uuid().nullable(), throughUserId: z.uuid() }),
  },
  /**
   * Delayed until 15 minutes before a scheduled show's start: its host's followers are told.
   * `scheduledAt` is the start it was queued for: a show moved since, cancelled or live already is told nothing.
   */
  showStartingSoon: { name: 'show-starting-soon', schema: z.strictObject({ showId: z.uuid(), scheduledAt: z.iso.datetime({ offset: true }) }) },
  /** After an account was deleted: its Stripe customer (and the cards saved on it) is deleted. */
  deleteCustomer: { name: 'delete-customer', schema: z.strictObject({ userId: z.uuid() }) },
  /** Every minute (a job scheduler on MAINTENANCE_QUEUE): compacts Redis' append-only file between shows. */
  compactRedisLog: { name: 'compact-redis-log', schema: z.strictObject({}) },
} as const;

export type TJobName = (typeof JOBS)[keyof typeof JOBS]['name'];

/**
 * Job ids derived from our own ids: adding the same job twice is a no-op while the first
 * is kept. The handlers are idempotent too, for a job added again after removal.
 */
export const jobIds = {
  settleShow: (showId: string) => `settle-show-${showId}`,
  closeShowRoom: (showId: string) => `close-show-room-${showId}`,
  finishSettlement: (showId: string) => `finish-settlement-${showId}`,
  chargeOrder: (orderId: string) => `charge-order-${orderId}`,
  /** A paid order's payout; `reason` tells a later try (an account became ready) from the first. */
  transferOrder: (orderId: string, reason = 'paid') => `transfer-order-${orderId}-${reason}`,
  releaseOrder: (orderId: string) => `release-order-${orderId}`,
  expireOffer: (offerId: string) => `expire-offer-${offerId}`,
  // Event ids have colons (`order-paid:<id>`), which BullMQ's job ids may not.
  notifyEvent: (eventId: string) => `notify-event-${Buffer.from(eventId).toString('base64url')}`,
  fanOutNotifications: (eventId: string, afterUserId: string | null) =>
    `fan-out-${Buffer.from(eventId).toString('base64url')}-${afterUserId ?? 'first'}`,
  deliverNotifications: (eventId: string, afterUserId: string | null) =>
    `deliver-${Buffer.from(eventId).toString('base64url')}-${afterUserId ?? 'first'}`,
  /** One per show and start time: a show moved gets a job of its new time (the old one is removed). */
  showStartingSoon: (showId: string, scheduledAt: Date) => `show-starting-soon-${showId}-${scheduledAt.getTime()}`,
  deleteCustomer: (userId: string) => `delete-customer-${userId}`,
  /** `reason` tells the first run from one after a payout the refund must partly reverse. */
  refundOrder: (refundId: string, reason = 'asked') => `refund-order-${refundId}-${reason}`,
};

/** Every job's options: retries with the workers' jittered backoff, bounded history. */
export const JOB_OPTIONS: JobsOptions = {
  // Before a job is left failed for an operator (bull-board) to retry.
  attempts: 10,
  // The workers' backoff strategy: exponential with full jitter, longer after a Stripe 429.
  backoff: { type: 'jittered' },
  // Finished jobs are kept a day (their ids block duplicates meanwhile); the handlers are
  // idempotent for a duplicate added after that.
  removeOnComplete: { age: 24 * 3_600, count: 50_000 },
  removeOnFail: { age: 14 * 24 * 3_600 },
};

/** Adds jobs the way every producer must: ids from our own ids, the shared options. */
export const enqueue = (queue: Queue, name: string, data: object, jobId: string, opts: JobsOptions = {}) =>
  queue.add(name, data, { ...JOB_OPTIONS, ...opts, jobId });

