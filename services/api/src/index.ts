export { createApi } from './app.ts';
export type { TApiDeps } from './deps.ts';
