import { createMailer, createPushSender, createRedis, JOBS, MAINTENANCE_QUEUE, NOTIFICATIONS_QUEUE, SETTLEMENT_QUEUE } from '@showcart/common';
import {
  chargeOrder,
  closeShowRoom,
  countLiveShows,
  deliverBatch,
  deleteStripeCustomer,
  expireWaitlistOffer,
  fanOutBatch,
  finishSettlement,
  payOutOrder,
  refundOrder,
  releaseUnpaidOrder,
  settleEndedShow,
  startFanOut,
  tellShowStartingSoon,
} from '@showcart/domain';
import { FlowProducer, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { TWorkerDeps } from './deps.ts';
import { compactRedisLog } from './jobs/compact-redis-log.ts';

/** Jobs in flight at once per worker process; Stripe's pace is set by the shared limiter. */
const CONCURRENCY = 16;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
/** Stripe said "too many requests": the next try waits at least this long. */
const RATE_LIMITED_MIN_MS = 2_000;
/** Fan-out batches in flight at once per worker process: each is a few round trips and up to 64 pushes. */
const NOTIFY_CONCURRENCY = 4;
/** How often the append-only file's size is looked at (compact-redis-log). */
const COMPACT_EVERY_MS = 60_000;

const isStripeRateLimit = (error?: Error) => error !== undefined && 'type' in error && error.type === 'StripeRateLimitError';

/**
 * Exponential backoff with full jitter, so that jobs that failed together (Stripe down for
 * a moment) do not come back together; a Stripe 429 waits longer.
 */
export const jitteredBackoff = (attemptsMade: number, _type?: string, error?: Error): number => {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attemptsMade);
  const delay = Math.round(Math.random() * ceiling);
  return isStripeRateLimit(error) ? RATE_LIMITED_MIN_MS + delay : delay;
};

/** The BullMQ workers of the settlement queue. Handlers are idempotent; payloads are ids. */
export const createWorkers = (deps: TWorkerDeps) => {
  const { config, logger } = deps;
  const connection = createRedis(config.redisUrl, { forBullmq: true });
  const prefix = config.queuePrefix;
  const queue = new Queue(SETTLEMENT_QUEUE, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  const notifications = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix });
  const mailer = deps.mailer ?? createMailer(config.mail);
  const push = deps.push ?? createPushSender(config.push);
  // What the domain's steps are given: what follows a step is enqueued on this queue.
  const domain = { ...deps, queue, flows, mailer, push, notifications };

  /** Each job parses its payload (ids only) and runs one step of the domain. */
  const handle = async (job: Job) => {
    switch (job.name) {
      case JOBS.settleShow.name:
        return settleEndedShow(domain, parsePayload(JOBS.settleShow.schema, job.data).showId);
      case JOBS.chargeOrder.name:
        return { outcome: await chargeOrder(domain, parsePayload(JOBS.chargeOrder.schema, job.data).orderId) };
      case JOBS.finishSettlement.name:
        return finishSettlement(domain, parsePayload(JOBS.finishSettlement.schema, job.data).showId);
      case JOBS.transferOrder.name:
        return payOutOrder(domain, parsePayload(JOBS.transferOrder.schema, job.data).orderId);
      case JOBS.refundOrder.name:
        return { reversals: await refundOrder(domain, parsePayload(JOBS.refundOrder.schema, job.data).refundId) };
      case JOBS.releaseOrder.name:
        return releaseUnpaidOrder(domain, parsePayload(JOBS.releaseOrder.schema, job.data).orderId);
      case JOBS.closeShowRoom.name:
        return closeShowRoom(domain, parsePayload(JOBS.closeShowRoom.schema, job.data).showId);
      case JOBS.expireOffer.name:
        return expireWaitlistOffer(domain, parsePayload(JOBS.expireOffer.schema, job.data).offerId);
      case JOBS.deleteCustomer.name:
        return deleteStripeCustomer(domain, parsePayload(JOBS.deleteCustomer.schema, job.data).userId);
      case JOBS.notifyEvent.name:
        return startFanOut(domain, parsePayload(JOBS.notifyEvent.schema, job.data).eventId).then(() => ({ started: true }));
      case JOBS.showStartingSoon.name:
        return tellShowStartingSoon(domain, parsePayload(JOBS.showStartingSoon.schema, job.data));
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  };

  const worker = new Worker(SETTLEMENT_QUEUE, handle, {
    connection: createRedis(config.redisUrl, { forBullmq: true }),
    prefix,
    concurrency: CONCURRENCY,
    // A worker killed mid-job loses its lock; after lockDuration another takes the job over.
    lockDuration: config.workerLockMs,
    stalledInterval: Math.max(1_000, Math.floor(config.workerLockMs / 2)),
    maxStalledCount: 5,
    settings: { backoffStrategy: jitteredBackoff },
  });
  worker.on('failed', (job, error) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    logger[final ? 'error' : 'warn']({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, final ? 'job failed for good' : 'job failed; will retry');
  });
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));

  const notifier = new Worker(NOTIFICATIONS_QUEUE, async (job: Job) => {
    if (job.name === JOBS.fanOutNotifications.name) return fanOutBatch(domain, parsePayload(JOBS.fanOutNotifications.schema, job.data));
    if (job.name === JOBS.deliverNotifications.name) return deliverBatch(domain, parsePayload(JOBS.deliverNotifications.schema, job.data));
    throw new UnrecoverableError(`unknown job ${job.name}`);
  }, {
    connection: createRedis(config.redisUrl, { forBullmq: true }),
    prefix,
    concurrency: NOTIFY_CONCURRENCY,
    lockDuration: config.workerLockMs,
    settings: { backoffStrategy: jitteredBackoff },
  });
  notifier.on('failed', (job, error) => logger.warn({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'notification batch failed'));
  notifier.on('error', (error) => logger.error({ err: error }, 'notification worker error'));

  const maintenanceQueue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  // One scheduler for all worker processes: upserting it again changes nothing.
  maintenanceQueue
    .upsertJobScheduler(JOBS.compactRedisLog.name, { every: COMPACT_EVERY_MS }, {
      name: JOBS.compactRedisLog.name, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    })
    .catch((error: unknown) => logger.error({ err: error }, 'could not schedule compact-redis-log'));
  const maintenance = new Worker(MAINTENANCE_QUEUE, async (job: Job) => {
    if (job.name !== JOBS.compactRedisLog.name) throw new UnrecoverableError(`unknown job ${job.name}`);
    parsePayload(JOBS.compactRedisLog.schema, job.data);
    const outcome = await compactRedisLog({ redis: deps.redis, liveShows: () => countLiveShows(deps.db) });
    if (outcome === 'rewriting') logger.info('compacting Redis\' append-only file');
    return { outcome };
  }, { connection: createRedis(config.redisUrl, { forBullmq: true }), prefix, concurrency: 1 });
  maintenance.on('failed', (job, error) => logger.warn({ job: job?.name, err: error }, 'maintenance job failed'));
  maintenance.on('error', (error) => logger.error({ err: error }, 'maintenance worker error'));

  return {
    worker,
    queue,
    /** Notification fan-out batches. */
    notifications,
    /** Housekeeping jobs (compact-redis-log). */
    maintenanceQueue,
    /** Graceful: jobs in progress finish, no new ones start. */
    close: async () => {
      await Promise.all([worker.close(), maintenance.close(), notifier.close()]);
      await maintenanceQueue.close();
      await notifications.close();
      await flows.close();
      await queue.close();
      connection.disconnect();
    },
  };
};

const parsePayload = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, data: unknown): T => {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError('job payload does not match its schema');
  return parsed.data;
};
