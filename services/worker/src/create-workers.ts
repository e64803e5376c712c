import { createRedis, enqueue, JOB_OPTIONS, JOBS, jobIds, MAINTENANCE_QUEUE, SETTLEMENT_QUEUE } from '@showcart/common';
import { countLiveShows } from '@showcart/domain';
import { FlowProducer, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { TWorkerDeps } from './deps.ts';
import { chargeOrder, expireOffer, refundOrder, releaseOrder, settleShow, transferOrder } from '@showcart/domain';
import { compactRedisLog } from './jobs/compact-redis-log.ts';

/** Jobs in flight at once per worker process; Stripe's pace is set by the shared limiter. */
const CONCURRENCY = 16;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
/** Stripe said "too many requests": the next try waits at least this long. */
const RATE_LIMITED_MIN_MS = 2_000;
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
  const rules = { defaultShippingMinor: config.defaultShippingMinor, shippingCapMinor: config.shippingCapMinor, platformFeeBps: config.platformFeeBps };
  const offerMs = config.paymentDeadlineMs;

  /** After a charge: a paid order is paid out, an unpaid one released at its deadline. */
  const afterCharge = async (orderId: string, outcome: string) => {
    if (outcome === 'paid') {
      await enqueue(queue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId));
    } else if (outcome === 'payment_failed' || outcome === 'action_required') {
      const { rows } = await deps.db.query<{ payBy: Date }>('select pay_by as "payBy" from orders where id = $1', [orderId]);
      const delay = Math.max(0, (rows[0]?.payBy.getTime() ?? Date.now()) - Date.now());
      await enqueue(queue, JOBS.releaseOrder.name, { orderId }, jobIds.releaseOrder(orderId), { delay });
    }
  };
  const scheduleOfferExpiry = async (offerIds: (string | null)[]) => {
    for (const offerId of offerIds) {
      if (offerId) await enqueue(queue, JOBS.expireOffer.name, { offerId }, jobIds.expireOffer(offerId), { delay: offerMs });
    }
  };

  const handle = async (job: Job) => {
    switch (job.name) {
      case JOBS.settleShow.name: {
        const { showId } = parsePayload(JOBS.settleShow.schema, job.data);
        const pending = await settleShow({ ...deps, rules }, showId);
        // The show's flow: a child per bundle, the parent once all are charged or failed.
        await flows.add({
          name: JOBS.finishSettlement.name,
          queueName: SETTLEMENT_QUEUE,
          data: { showId },
          opts: { ...JOB_OPTIONS, jobId: jobIds.finishSettlement(showId) },
          children: pending.map((orderId) => ({
            name: JOBS.chargeOrder.name,
            queueName: SETTLEMENT_QUEUE,
            data: { orderId },
            opts: { ...JOB_OPTIONS, jobId: jobIds.chargeOrder(orderId), ignoreDependencyOnFailure: true },
          })),
        });
        return { orders: pending.length };
      }
      case JOBS.chargeOrder.name: {
        const { orderId } = parsePayload(JOBS.chargeOrder.schema, job.data);
        const outcome = await chargeOrder({ ...deps, paymentDeadlineMs: config.paymentDeadlineMs }, orderId);
        await afterCharge(orderId, outcome);
        return { outcome };
      }
      case JOBS.finishSettlement.name: {
        const { showId } = parsePayload(JOBS.finishSettlement.schema, job.data);
        const { rows } = await deps.db.query<{ status: string; n: number; totalMinor: number }>(
          `select status, count(*)::int as n, sum(total_minor)::int as "totalMinor" from orders
            where show_id = $1 and origin = 'show' group by status order by status`,
          [showId],
        );
        logger.info({ showId, orders: rows }, 'show settled');
        return { orders: rows };
      }
      case JOBS.transferOrder.name: {
        const { orderId } = parsePayload(JOBS.transferOrder.schema, job.data);
        const result = await transferOrder(deps, orderId);
        if (result.sent.length > 0) {
          // Refunds made before this payout take their part back from it now.
          const { rows } = await deps.db.query<{ id: string }>(
            `select id from refunds where order_id = $1 and status = 'succeeded'`,
            [orderId],
          );
          for (const { id } of rows) {
            await enqueue(queue, JOBS.refundOrder.name, { refundId: id }, jobIds.refundOrder(id, `payout-${result.sent.join('-')}`));
          }
        }
        return result;
      }
      case JOBS.refundOrder.name: {
        const { refundId } = parsePayload(JOBS.refundOrder.schema, job.data);
        return { reversals: await refundOrder(deps, refundId) };
      }
      case JOBS.releaseOrder.name: {
        const { orderId } = parsePayload(JOBS.releaseOrder.schema, job.data);
        const offers = await releaseOrder({ ...deps, offerMs }, orderId);
        await scheduleOfferExpiry(offers);
        return { offers };
      }
      case JOBS.expireOffer.name: {
        const { offerId } = parsePayload(JOBS.expireOffer.schema, job.data);
        const next = await expireOffer({ ...deps, offerMs }, offerId);
        await scheduleOfferExpiry([next]);
        return { next };
      }
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
    /** Housekeeping jobs (compact-redis-log). */
    maintenanceQueue,
    /** Graceful: jobs in progress finish, no new ones start. */
    close: async () => {
      await Promise.all([worker.close(), maintenance.close()]);
      await maintenanceQueue.close();
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
