export { createWorkers } from './create-workers.ts';
export type { TWorkerDeps } from './deps.ts';
