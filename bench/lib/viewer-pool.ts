import type { Worker } from 'node:worker_threads';
import { createBuyers, createShowDirect } from '../../infra/test/fixtures.ts';
import type { TBenchPlatform } from './platform.ts';
import { startTsWorker } from './ts-worker.ts';

/**
 * The benchmark's viewers spread over worker threads (viewer-worker.ts): a single thread
 * reading 5,000 sockets stamps the last viewers tens of ms late and measures itself, not
 * the server.
 */
export const startViewerPool = async (p: { threads: number; viewers: { url: string; cookie: string }[]; showId: string }) => {
  const progress = new Map<Worker, { received: number; delivered: number }>();
  const workers = await Promise.all(
    Array.from({ length: p.threads }, (_, t) => {
      const worker = startTsWorker(new URL('./viewer-worker.ts', import.meta.url).href, {
        viewers: p.viewers.filter((_, i) => i % p.threads === t), showId: p.showId,
      });
      progress.set(worker, { received: 0, delivered: 0 });
      worker.on('message', (m: { type: string; received?: number; delivered?: number }) => {
        if (m.type === 'progress') progress.set(worker, { received: m.received!, delivered: m.delivered! });
      });
      return new Promise<Worker>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (m: { type: string }) => m.type === 'ready' && resolve(worker));
      });
    }),
  );
  const sum = (k: 'received' | 'delivered') => [...progress.values()].reduce((s, v) => s + v[k], 0);
  return {
    /** From now on, record each event with a seq above `baseSeq` and when it arrived. */
    record: (baseSeq: number) => {
      for (const w of workers) w.postMessage({ cmd: 'record', baseSeq });
    },
    received: () => sum('received'),
    collect: async () => {
      const parts = await Promise.all(workers.map((w) => new Promise<{ seqs: Int32Array; times: Float64Array }>((resolve) => {
        const on = (m: { type: string; seqs: Int32Array; times: Float64Array }) => {
          if (m.type !== 'collected') return;
          w.off('message', on);
          resolve(m);
        };
        w.on('message', on);
        w.postMessage({ cmd: 'collect' });
      })));
      return parts;
    },
    count: () => {
      for (const w of workers) w.postMessage({ cmd: 'count' });
      for (const v of progress.values()) v.delivered = 0;
    },
    delivered: () => sum('delivered'),
    close: async () => {
      for (const w of workers) w.postMessage({ cmd: 'close' });
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
};

/**
 * `count` new buyers watching a show of their own on two threads, the viewer at index i
 * connected to `url(i)`: idle connections a node holds while claims land on another show.
 * Undefined for none.
 */
export const startIdleViewers = async (platform: TBenchPlatform, count: number, url: (i: number) => string) => {
  if (count === 0) return undefined;
  const watched = await createShowDirect(platform.db, [1], platform.passwordHash);
  const buyers = await createBuyers(platform.db, count, platform.passwordHash);
  return startViewerPool({ threads: 2, showId: watched.showId, viewers: buyers.map((b, i) => ({ url: url(i), cookie: b.cookie })) });
};
