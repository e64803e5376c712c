import { parentPort, workerData } from 'node:worker_threads';
import { absoluteNow as now } from './clock.ts';
import { connectLeanClient, type TLeanClient } from './lean-client.ts';

/**
 * A share of the benchmark's viewers on a thread of its own, so that reading thousands of
 * sockets does not queue on one core: it connects them, joins them to the show, and then
 * either records when each event arrived (absolute ms, comparable across threads) or counts
 * deliveries, as the main thread says. See viewer-pool.ts.
 */
type TInput = { viewers: { url: string; cookie: string }[]; showId: string };
const { viewers: plan, showId } = workerData as TInput;
const port = parentPort!;

let mode: 'idle' | 'record' | 'count' = 'idle';
let baseSeq = 0;
let seqs: number[] = [];
let times: number[] = [];
let delivered = 0;

const viewers: TLeanClient[] = [];
for (let i = 0; i < plan.length; i += 100) {
  viewers.push(...(await Promise.all(plan.slice(i, i + 100).map((v) => connectLeanClient(v.url, v.cookie)))));
}
for (let i = 0; i < viewers.length; i += 100) await Promise.all(viewers.slice(i, i + 100).map((v) => v.emitAck('show:join', { showId })));
for (const v of viewers) {
  v.onEvents((got) => {
    if (mode === 'record') {
      const at = now();
      for (const seq of got) {
        if (seq > baseSeq) {
          seqs.push(seq);
          times.push(at);
        }
      }
    } else if (mode === 'count') delivered += got.length;
  });
}
const progress = setInterval(() => port.postMessage({ type: 'progress', received: seqs.length, delivered }), 50);

port.on('message', (m: { cmd: 'record'; baseSeq: number } | { cmd: 'collect' } | { cmd: 'count' } | { cmd: 'close' }) => {
  if (m.cmd === 'record') {
    mode = 'record';
    baseSeq = m.baseSeq;
    seqs = [];
    times = [];
  } else if (m.cmd === 'collect') {
    const s = Int32Array.from(seqs);
    const t = Float64Array.from(times);
    port.postMessage({ type: 'collected', seqs: s, times: t }, [s.buffer, t.buffer]);
  } else if (m.cmd === 'count') {
    mode = 'count';
    delivered = 0;
  } else {
    clearInterval(progress);
    for (const v of viewers) v.close();
    port.close();
  }
});
port.postMessage({ type: 'ready', count: viewers.length });
