export { createWorkers } from './create-workers.ts';
export { chargeIdempotencyKey } from './jobs/charge-order.ts';
export type { TWorkerDeps } from './deps.ts';
