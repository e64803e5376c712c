export { createRealtime } from './server.ts';
export { createShowEngine, type TShowEngine } from './engine/show-engine.ts';
export type { TRealtimeDeps } from './deps.ts';
