import type { Redis } from '@showcart/common';
import type { TDomainDeps } from '@showcart/domain';

export type TRealtimeDeps = Pick<TDomainDeps, 'config' | 'db' | 'redis' | 'queue' | 'engine' | 'logger'> & {
  /** A connection of its own for the Socket.IO adapter, which blocks on reads. */
  adapterRedis: Redis;
  /** A connection of its own for following show logs with blocking reads. */
  tailRedis: Redis;
};
