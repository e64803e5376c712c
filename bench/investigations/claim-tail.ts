/**
 * Where the claim-ack tail comes from. The realtime benchmark's claims phase (BENCH_NODES
 * nodes, default 2; BENCH_VIEWERS idle viewers split over them, default 5,000; CLAIM_LOAD
 * on node 0) with every process recording when it could not get on with its work
 * (bench/preload/stall-recorder.ts: collection pauses, a busy event loop, no free core, slow
 * script replies) and strace timing each of Redis' fsyncs. Every claim acked later than the
 * 5 ms target is matched with the stalls that overlap it, in the claim's node, the other
 * node, the generator and Redis. Prints how many slow claims each kind of stall overlaps,
 * how many none explains, and each process's stalls; writes bench/results/claim-tail.json.
 * The recorders cost a little CPU of their own: compare its ack figures with each other,
 * not with bench/realtime.ts.
 *
 * Run: npm run bench:tail   (BENCH_TAIL_SECONDS, default 20; BENCH_APPENDFSYNC=everysec to take
 *                           the fsyncs off the claims' path; strace, a Debian package, times them)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/components.ts';
import { sleep } from '../lib/clock.ts';
import { CLAIM_LOAD, startClaimLoad } from '../lib/load.ts';
import { startBenchPlatform } from '../lib/platform.ts';
import { cpuSecondsOf } from '../lib/proc.ts';
import { writeResults } from '../lib/results.ts';
import { round, summarize } from '../lib/stats.ts';
import { startIdleViewers } from '../lib/viewer-pool.ts';
import { writeStalls, type TStall } from '../preload/stall-recorder.ts';

const NODES = Number(process.env.BENCH_NODES ?? 2);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5_000);
const SECONDS = Number(process.env.BENCH_TAIL_SECONDS ?? 20);
const SLOW_MS = 5;
/** An fsync this long holds up every claim Redis has in hand (its median is about 0.4 ms). */
const SLOW_FSYNC_MS = 1;
/** BENCH_APPENDFSYNC=everysec: Redis fsyncs on a thread of its own, off the claims' path. */
const APPENDFSYNC = process.env.BENCH_APPENDFSYNC === 'everysec' ? 'everysec' : 'always';

process.env.BENCH_NODE_FLAGS = `${process.env.BENCH_NODE_FLAGS ?? ''} --import=${path.join(REPO_ROOT, 'bench/preload/stall-recorder.ts')}`;
const platform = await startBenchPlatform({ realtimeNodes: NODES, redisAppendfsync: APPENDFSYNC });
const pids = platform.nodes.map((n) => n.proc.child.pid!);
const { redisPid } = platform;

type TFsync = TStall & { mainThread: boolean };

/**
 * Redis' fsyncs while `run` runs, by strace (when installed): each one's start and length,
 * and whether Redis' main thread made it (and so held every command meanwhile).
 */
const timeFsyncs = async <T>(run: () => Promise<T>) => {
  const file = path.join(platform.dataDir, 'redis-fsync.strace');
  const strace = spawn('strace', ['-f', '-ttt', '-T', '--seccomp-bpf', '-e', 'trace=fdatasync,fsync', '-o', file, '-p', String(redisPid)], { stdio: 'ignore' });
  const started = await Promise.race([once(strace, 'spawn').then(() => true), once(strace, 'error').then(() => false)]);
  if (started) await sleep(500);
  const result = await run();
  if (!started) return { result, fsyncs: undefined };
  strace.kill('SIGINT');
  await once(strace, 'exit');
  const fsyncs: TFsync[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+) f(?:data)?sync\(.*<(\d+\.\d+)>$/.exec(line);
    if (m) fsyncs.push({ at: Number(m[2]) * 1_000, ms: Number(m[3]) * 1_000, kind: 'fsync', mainThread: Number(m[1]) === redisPid });
  }
  return { result, fsyncs };
};

/** A process's recorded stalls, once it has written them (SIGTTIN). */
const stallsOf = async (pid: number) => {
  const file = path.join(platform.dataDir, `${pid}.stalls.json`);
  for (const until = Date.now() + 10_000; Date.now() < until; await sleep(100)) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text) return JSON.parse(text) as TStall[];
  }
  throw new Error(`process ${pid} wrote no stalls`);
};

let run: { latencies: number[]; sentAt: number[]; fsyncs: TFsync[] | undefined; sources: Record<string, TStall[]>; cpu: Record<string, number> };
try {
  const pool = await startIdleViewers(platform, VIEWERS, (i) => platform.nodes[i % NODES]!.url);
  const load = await startClaimLoad(platform, platform.nodes[0]!.url);
  await load.claimFor(CLAIM_LOAD.warmupSeconds);
  const cpuOf = () => ({
    'claim node': cpuSecondsOf(pids[0]!), 'other nodes': pids.slice(1).reduce((sum, p) => sum + cpuSecondsOf(p), 0),
    generator: cpuSecondsOf(process.pid), Redis: cpuSecondsOf(redisPid),
  });
  const cpu0 = cpuOf();
  const { result: { latencies, sentAt, elapsed }, fsyncs } = await timeFsyncs(() => load.claimFor(SECONDS));
  const cpu1 = cpuOf();
  for (const pid of pids) process.kill(pid, 'SIGTTIN');
  writeStalls(platform.dataDir);
  const sources: Record<string, TStall[]> = { 'claim node': await stallsOf(pids[0]!), generator: await stallsOf(process.pid) };
  if (pids.length > 1) sources['other nodes'] = (await Promise.all(pids.slice(1).map(stallsOf))).flat();
  if (fsyncs) sources.Redis = fsyncs.filter((f) => f.mainThread && f.ms > SLOW_FSYNC_MS);
  const cpu = Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, round((v - cpu0[k as keyof typeof cpu0]) / elapsed)]));
  run = { latencies, sentAt, fsyncs, sources, cpu };
  load.close();
  await pool?.close();
} finally {
  await platform.stop();
}

const { latencies, sentAt, fsyncs, sources, cpu } = run;
const from = sentAt[0]!;
const to = Math.max(...sentAt.map((at, i) => at + latencies[i]!));
const slow = latencies.flatMap((ms, i) => (ms > SLOW_MS ? [{ from: sentAt[i]!, to: sentAt[i]! + ms, ms }] : []));
/** Slow claims per cause (a claim counts once for each cause that overlaps it); `unexplained`: those no stall overlaps. */
const causes = new Map<string, number>();
const unexplained: number[] = [];
for (const c of slow) {
  const found = new Set<string>();
  for (const [source, stalls] of Object.entries(sources)) {
    for (const s of stalls) if (s.kind !== 'redis' && s.at < c.to && s.at + s.ms > c.from) found.add(`${source}: ${s.kind}`);
  }
  for (const f of found) causes.set(f, (causes.get(f) ?? 0) + 1);
  if (found.size === 0) unexplained.push(c.ms);
}
const byKind = (stalls: TStall[]) => {
  const kinds = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  for (const s of stalls.filter((x) => x.at >= from && x.at <= to)) {
    const k = kinds.get(s.kind) ?? { count: 0, totalMs: 0, maxMs: 0 };
    kinds.set(s.kind, { count: k.count + 1, totalMs: k.totalMs + s.ms, maxMs: Math.max(k.maxMs, s.ms) });
  }
  return Object.fromEntries([...kinds].map(([k, v]) => [k, { count: v.count, totalMs: round(v.totalMs), maxMs: round(v.maxMs) }]));
};
const result = {
  nodes: NODES, viewers: VIEWERS, appendfsync: APPENDFSYNC, seconds: SECONDS, claimsPerSecond: CLAIM_LOAD.perSecond, ack: summarize(latencies), cpu,
  slowMs: SLOW_MS, slow: slow.length,
  causes: Object.fromEntries([...causes].sort((a, b) => b[1] - a[1])),
  unexplained: summarize(unexplained),
  stalls: Object.fromEntries(Object.entries(sources).filter(([k]) => k !== 'Redis').map(([k, v]) => [k, byKind(v)])),
  fsync: fsyncs && {
    perSecond: round(fsyncs.length / SECONDS, 0), onMainThread: fsyncs.filter((f) => f.mainThread).length, ...summarize(fsyncs.map((f) => f.ms)),
    over3ms: fsyncs.filter((f) => f.ms > 3).length, over10ms: fsyncs.filter((f) => f.ms > 10).length,
  },
};
const share = (n: number) => `${n} (${round((100 * n) / Math.max(1, slow.length), 0)}%)`;
console.log(`\n| ${latencies.length} claims at ${CLAIM_LOAD.perSecond}/s for ${SECONDS} s, ${NODES} node(s), ${VIEWERS} viewers, appendfsync ${APPENDFSYNC} | result |\n|---|---|`);
console.log(`| claim ack | p50 ${result.ack.p50}, p95 ${result.ack.p95}, p99 ${result.ack.p99}, max ${result.ack.max} ms |`);
console.log(`| CPU (cores) | ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
console.log(`| acked after ${SLOW_MS} ms | ${slow.length} claims; overlapping: |`);
for (const [cause, n] of Object.entries(result.causes)) console.log(`| … ${cause === 'Redis: fsync' ? `Redis: an fsync over ${SLOW_FSYNC_MS} ms` : cause} | ${share(n)} |`);
console.log(`| … no recorded stall | ${share(unexplained.length)}, p50 ${result.unexplained.p50} ms |`);
for (const [source, kinds] of Object.entries(result.stalls)) {
  console.log(`| stalls in ${source} | ${Object.entries(kinds).map(([k, v]) => `${k} ×${v.count} (total ${v.totalMs}, max ${v.maxMs} ms)`).join('; ') || 'none'} |`);
}
console.log(result.fsync
  ? `| Redis fsyncs | ${result.fsync.perSecond}/s (${result.fsync.onMainThread} on its main thread): p50 ${result.fsync.p50}, p99 ${result.fsync.p99}, max ${result.fsync.max} ms; ${result.fsync.over3ms} over 3 ms, ${result.fsync.over10ms} over 10 ms |`
  : '| Redis fsyncs | not timed: strace is not installed |');
console.log(`\nwritten to ${await writeResults('claim-tail', result)}`);
process.exit(0);
