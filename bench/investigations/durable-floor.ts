/**
 * What this machine's disk allows a durable claim ack, with no Redis and no network: the
 * best any design could do that acks a claim only once it is on disk. Claims arrive at a
 * steady BENCH_CLAIMS_PER_S; one writer appends every claim that has arrived
 * (BYTES_PER_CLAIM each, about what the claim script adds to Redis' AOF) and fdatasyncs,
 * then starts again at once with whatever arrived meanwhile (ideal group commit). A
 * claim's latency is from its arrival to the end of the fsync that covered it. The file
 * lives where the benchmark's Redis keeps its AOF (.data/bench).
 *
 * Run: npm run bench:floor   (BENCH_CLAIMS_PER_S, BENCH_SECONDS)
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/components.ts';
import { CLAIM_LOAD } from '../lib/load.ts';
import { writeResults } from '../lib/results.ts';
import { round, summarize } from '../lib/stats.ts';

const { perSecond: CLAIMS_PER_S, seconds: SECONDS } = CLAIM_LOAD;
/** Bytes Redis appends to its AOF for one claim (measured: about 1.5 KB). */
const BYTES_PER_CLAIM = 1_500;

const dir = path.join(REPO_ROOT, '.data/bench');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'durable-floor.log');
const fd = openSync(file, 'a');
const chunk = Buffer.alloc(BYTES_PER_CLAIM * 200, 0x78);
/** Sleeps the thread for a fraction of a millisecond (the loop is synchronous, as Redis' is). */
const pause = new Int32Array(new SharedArrayBuffer(4));

const latencies: number[] = [];
const fsyncMs: number[] = [];
const t0 = performance.now();
const total = CLAIMS_PER_S * SECONDS;
const arrival = (i: number) => t0 + (i * 1_000) / CLAIMS_PER_S;
let acked = 0;
while (acked < total) {
  const now = performance.now();
  let arrived = acked;
  while (arrived < total && arrival(arrived) <= now) arrived++;
  if (arrived === acked) {
    Atomics.wait(pause, 0, 0, Math.max(0.05, arrival(acked) - now));
    continue;
  }
  let bytes = (arrived - acked) * BYTES_PER_CLAIM;
  while (bytes > 0) bytes -= writeSync(fd, chunk, 0, Math.min(bytes, chunk.length));
  const syncStart = performance.now();
  fdatasyncSync(fd);
  const done = performance.now();
  fsyncMs.push(done - syncStart);
  for (let i = acked; i < arrived; i++) latencies.push(done - arrival(i));
  acked = arrived;
}
closeSync(fd);
rmSync(file);

const results = {
  claimsPerSecond: CLAIMS_PER_S, seconds: SECONDS, bytesPerClaim: BYTES_PER_CLAIM,
  ack: summarize(latencies),
  fsync: { ...summarize(fsyncMs), over5ms: fsyncMs.filter((ms) => ms > 5).length, perSecond: round(fsyncMs.length / SECONDS, 0) },
};
console.log(`\n| ${CLAIMS_PER_S} claims/s for ${SECONDS} s, acked after fdatasync | result |\n|---|---|`);
console.log(`| claim ack, disk alone | p50 ${results.ack.p50} ms, p99 ${results.ack.p99} ms, max ${results.ack.max} ms |`);
console.log(`| fdatasync | ${results.fsync.perSecond}/s, p50 ${results.fsync.p50} ms, p99 ${results.fsync.p99} ms, max ${results.fsync.max} ms; ${results.fsync.over5ms} over 5 ms |`);
console.log(`\nwritten to ${await writeResults('durable-floor', results)}`);
