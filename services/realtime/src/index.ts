export { createRealtime } from './server.ts';
export type { TRealtimeDeps } from './deps.ts';
