export { createApi, createApiServer } from './app.ts';
export type { TApiDeps } from './deps.ts';
