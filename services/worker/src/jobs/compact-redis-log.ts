import { infoField, type Redis } from '@showcart/common';

/**
 * Redis' own rule for rewriting its append-only file (auto-aof-rewrite-percentage 100 and
 * auto-aof-rewrite-min-size 64mb): once the file is 64 MB and twice what the last rewrite
 * left. Our Redis runs with automatic rewrites off and this job applies the rule instead.
 */
export const AOF_MIN_BYTES = 64 * 2 ** 20;
/** Past this size the file is rewritten even while a show is live: the disk comes first. */
export const AOF_CAP_BYTES = 4 * 2 ** 30;

export type TCompaction = 'rewriting' | 'no-aof' | 'in-progress' | 'small' | 'shows-live';

/**
 * Compacts Redis' append-only file between shows. A rewrite forks Redis and writes the
 * whole data set to disk; with `appendfsync always`, every claim's fsync then waits
 * behind those writes. Measured on the benchmark machine: fsyncs of up to 247 ms and a
 * claim-ack p99 of 152 ms in a 30 s run with a rewrite, 18-42 ms and 51-60 ms without. So
 * the rewrite waits until no show is live, unless the file has grown past the cap.
 */
export const compactRedisLog = async (p: {
  redis: Redis;
  liveShows: () => Promise<number>;
  minBytes?: number;
  capBytes?: number;
}): Promise<TCompaction> => {
  const info = await p.redis.info('persistence');
  if (infoField(info, 'aof_enabled') !== 1) return 'no-aof';
  if (infoField(info, 'aof_rewrite_in_progress') === 1 || infoField(info, 'aof_rewrite_scheduled') === 1) return 'in-progress';
  const size = infoField(info, 'aof_current_size');
  if (size < (p.capBytes ?? AOF_CAP_BYTES)) {
    if (size < (p.minBytes ?? AOF_MIN_BYTES) || size < 2 * infoField(info, 'aof_base_size')) return 'small';
    if ((await p.liveShows()) > 0) return 'shows-live';
  }
  await p.redis.bgrewriteaof();
  return 'rewriting';
};
