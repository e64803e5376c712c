import { Redis } from 'ioredis';

/**
 * `maxRetriesPerRequest: null` is what BullMQ requires of its connections; other users
 * get ioredis' default so that a request fails rather than hangs when Redis is gone.
 */
export const createRedis = (url: string, opts: { forBullmq?: boolean } = {}): Redis =>
  new Redis(url, {
    ...(opts.forBullmq ? { maxRetriesPerRequest: null } : {}),
    enableAutoPipelining: true,
  });

export type { Redis };
