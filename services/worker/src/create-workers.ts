import { createRedis, JOBS, jobIds, SETTLEMENT_QUEUE } from '@showcart/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { chargeOrder } from './jobs/charge-order.ts';
import { settleShow } from './jobs/settle-show.ts';
import type { TWorkerDeps } from './deps.ts';

/** Charges in flight at once per worker process; Stripe's limiter comes with issue #4. */
const CONCURRENCY = 8;
/** Attempts per job, with exponential backoff from this delay. */
const ATTEMPTS = 8;
const BACKOFF_MS = 1_000;

/** The BullMQ workers of the settlement queue. Handlers are idempotent; payloads are ids. */
export const createWorkers = (deps: TWorkerDeps) => {
  const connection = createRedis(deps.config.redisUrl, { forBullmq: true });
  const prefix = deps.config.queuePrefix;
  const queue = new Queue(SETTLEMENT_QUEUE, { connection, prefix });
  const jobOptions = { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS } } as const;

  const worker = new Worker(
    SETTLEMENT_QUEUE,
    async (job: Job) => {
      switch (job.name) {
        case JOBS.settleShow.name: {
          const { showId } = parsePayload(JOBS.settleShow.schema, job.data);
          const pending = await settleShow({ ...deps, defaultShippingMinor: deps.config.defaultShippingMinor }, showId);
          await queue.addBulk(
            pending.map((orderId) => ({
              name: JOBS.chargeOrder.name,
              data: { orderId },
              opts: { ...jobOptions, jobId: jobIds.chargeOrder(orderId) },
            })),
          );
          return { orders: pending.length };
        }
        case JOBS.chargeOrder.name: {
          const { orderId } = parsePayload(JOBS.chargeOrder.schema, job.data);
          return { outcome: await chargeOrder(deps, orderId) };
        }
        default:
          throw new UnrecoverableError(`unknown job ${job.name}`);
      }
    },
    { connection: createRedis(deps.config.redisUrl, { forBullmq: true }), prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    deps.logger.error({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed');
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'worker error'));

  return {
    worker,
    queue,
    close: async () => {
      await worker.close();
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
