/**
 * Benchmarks of the live show engine (issue #3 targets), on this machine over loopback,
 * with the load generator in this process and the realtime nodes in their own. Viewers are
 * lean protocol-level clients (bench/lib/lean-client.ts) read on worker threads
 * (bench/lib/viewer-pool.ts); claimers are lean clients too, the host uses socket.io-client.
 *
 *   memory      first, on fresh nodes: resident memory per idle viewer connection, read
 *               after a full collection in each node (target ≤ 20 KB); and the live JS heap
 *               and buffers alone, which varies less from run to run. The viewers stay
 *               connected for the rest, as a node's viewers would be.
 *   claims      claim acks at a steady 2,000 claims/s for 30 s, after 3 s of warm-up at that
 *               rate: p50/p95/p99 ms (target p99 ≤ 5 ms). 30 s, because the tail comes from
 *               rare events (a slow fsync, an AOF rewrite, a full collection of a node's
 *               heap) that a shorter run can miss. Also Redis' own script time and AOF
 *               bytes per claim, which vary far less from run to run than latencies
 *   raises      the same claims again, in blocks that alternate with and without the host
 *               raising another item's stock every 100 ms (each raise holds the units in
 *               Postgres, then updates the engine): the claims' p50 and p99 with raises as
 *               ratios to those without, and the raises' own acks
 *   fan-out     a claim reaching every one of 5,000 viewers: p99 ms (target ≤ 50 ms), with
 *               claims 250 ms apart, then 50 ms apart (a busy show);
 *               bench/investigations/fanout-floor.ts measures what bare TCP sockets allow
 *               on the same machine
 *   deliveries  event deliveries per second, and per CPU-second of the node (target ≥ 150,000)
 *
 * Run: npm run bench   (BENCH_VIEWERS, BENCH_CLAIMS_PER_S, BENCH_SECONDS to change the load;
 *                       BENCH_APPENDFSYNC=everysec to measure what durable claims cost;
 *                       BENCH_TICK_MS, the claimers' send period: 5 ms sends 10 claims at once;
 *                       BENCH_RAISE_INTERVAL_MS, how often the host raises stock)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { infoField } from '@showcart/common';
import type { TClaimAck } from '@showcart/shared';
import { createBuyers, createShowDirect } from '../infra/test/fixtures.ts';
import { benchOpId, connectClient, connectMany, emitAck } from './lib/clients.ts';
import { absoluteNow, sleep } from './lib/clock.ts';
import { CLAIM_LOAD, startClaimLoad } from './lib/load.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { cpuSecondsOf, rssOf } from './lib/proc.ts';
import { writeResults } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';
import { startViewerPool } from './lib/viewer-pool.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5_000);
/** Claims come at CLAIM_LOAD; the warm-up before the measured ones lets a node serve warm, not just started. */
const { perSecond: CLAIMS_PER_S, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS } = CLAIM_LOAD;
const FANOUT_CLAIMS = 100;
/** Claims of the fan-out phase come this far apart (BENCH_FANOUT_INTERVAL_MS): each reaches the viewers alone. */
const FANOUT_INTERVAL_MS = Number(process.env.BENCH_FANOUT_INTERVAL_MS ?? 250);
/** Then again, as a busy show: 20 claims a second, each still its own message (BENCH_BUSY_INTERVAL_MS). */
const BUSY_INTERVAL_MS = Number(process.env.BENCH_BUSY_INTERVAL_MS ?? 50);
const BURST_EVENTS = 200;
/** How often the host raises an item's stock in the raise phase (BENCH_RAISE_INTERVAL_MS). */
const RAISE_INTERVAL_MS = Number(process.env.BENCH_RAISE_INTERVAL_MS ?? 100);
/** The raise phase: this many blocks without raises, each followed by one with, SECONDS long in all each way. */
const RAISE_BLOCKS = 3;


/** `everysec` measures what the durable-claim choice (`always`) costs. */
const APPENDFSYNC = process.env.BENCH_APPENDFSYNC === 'everysec' ? 'everysec' : 'always';

/** Threads the viewers are read on (BENCH_GENERATOR_THREADS): one is the generator's own bottleneck. */
const GENERATOR_THREADS = Number(process.env.BENCH_GENERATOR_THREADS ?? 2);

/** Realtime nodes side by side (BENCH_NODES), viewers split evenly over them, as deployed. */
const NODES = Number(process.env.BENCH_NODES ?? 2);

const platform = await startBenchPlatform({ realtimeNodes: NODES, redisAppendfsync: APPENDFSYNC });
const node = platform.nodes[0]!;
const pids = platform.nodes.map((n) => n.proc.child.pid!);
const nodeCpu = () => pids.reduce((sum, p) => sum + cpuSecondsOf(p), 0);
/** Memory of all nodes after a full collection in each (bench/preload/gc-on-signal.ts): resident, and live JS heap + buffers. */
const nodeMemory = async () => {
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await sleep(1_000);
  const usage = await Promise.all(pids.map(async (pid) =>
    JSON.parse(await readFile(path.join(platform.dataDir, `${pid}.json`), 'utf8')) as NodeJS.MemoryUsage));
  return {
    rss: pids.reduce((sum, p) => sum + rssOf(p), 0),
    live: usage.reduce((sum, u) => sum + u.heapUsed + u.external, 0),
  };
};
const nodeUrl = (i: number) => platform.nodes[i % NODES]!.url;
const { redisPid } = platform;
/**
 * What Redis spends on claims, read from its own counters: script time per EVALSHA, and
 * AOF bytes per EVALSHA (every one of them fsynced before its ack; null when an AOF
 * rewrite ran in between, which the 30 s of claims usually see, so the bytes are read
 * over the warm-up). These move far less with the machine's noise than the latencies,
 * so they show what a change to the engine's scripts did.
 */
const redisCounters = async () => {
  const stats = await platform.redis.info('commandstats');
  const evalsha = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(stats);
  const persistence = await platform.redis.info('persistence');
  return {
    calls: Number(evalsha?.[1] ?? 0), usec: Number(evalsha?.[2] ?? 0),
    aofBytes: infoField(persistence, 'aof_current_size'), rewrites: infoField(persistence, 'aof_rewrites'),
  };
};
type TRedisCounters = Awaited<ReturnType<typeof redisCounters>>;
const scriptMicrosPerCall = (before: TRedisCounters, after: TRedisCounters) =>
  round((after.usec - before.usec) / (after.calls - before.calls), 1);
const aofBytesPerCall = (before: TRedisCounters, after: TRedisCounters) =>
  after.rewrites === before.rewrites ? round((after.aofBytes - before.aofBytes) / (after.calls - before.calls), 0) : null;
type TLatency = ReturnType<typeof summarize>;
type TFanout = TLatency & { intervalMs: number; expected: number; refusedClaims: number; nodeCpuShare: number; generatorCpuShare: number };
const results = { viewers: VIEWERS, nodes: NODES, claimsPerSecond: CLAIMS_PER_S, seconds: SECONDS, appendfsync: APPENDFSYNC } as {
  viewers: number; nodes: number; claimsPerSecond: number; seconds: number; appendfsync: string;
  claims: TLatency & {
    failures: number; achievedPerSecond: number; nodeCpuShare: number; generatorCpuShare: number; redisCpuShare: number;
    redisPerClaim: { scriptMicros: number; aofBytes: number | null };
  };
  claimsWithRaises: TLatency & {
    failures: number; raiseIntervalMs: number; alone: TLatency; p50VersusAlone: number; p99VersusAlone: number; raises: TLatency & { failures: number };
  };
  fanout: TFanout;
  fanoutBusy: TFanout;
  deliveries: { events: number; delivered: number; expected: number; wallSeconds: number; perSecond: number; nodeCpuSeconds: number; perCpuSecond: number };
  memory: { rssBeforeMB: number; rssAfterMB: number; perViewerKB: number; livePerViewerKB: number };
};

try {
  // --- memory: idle viewers joined to one show, on nodes that have served nothing else yet ---
  const show = await createShowDirect(platform.db, [1_000_000], platform.passwordHash);
  const hostSocket = await connectClient(node.url, show.hostCookie);
  await emitAck(hostSocket, 'show:join', { showId: show.showId });
  await emitAck(hostSocket, 'show:start', { showId: show.showId, clientOpId: benchOpId() });
  await emitAck(hostSocket, 'queue:feature', { showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId() });
  const viewerCookies = (await createBuyers(platform.db, VIEWERS, platform.passwordHash)).map((b) => b.cookie);
  await sleep(2_000);
  const before = await nodeMemory();
  const pool = await startViewerPool({
    threads: GENERATOR_THREADS,
    viewers: viewerCookies.map((cookie, i) => ({ url: nodeUrl(i), cookie })),
    showId: show.showId,
  });
  const viewerCount = viewerCookies.length;
  await sleep(3_000);
  const after = await nodeMemory();
  results.memory = {
    rssBeforeMB: round(before.rss / 2 ** 20), rssAfterMB: round(after.rss / 2 ** 20),
    perViewerKB: round((after.rss - before.rss) / viewerCount / 1_024),
    livePerViewerKB: round((after.live - before.live) / viewerCount / 1_024),
  };

  // --- claims: steady load of claims from many buyers, none of them watching (the viewers watch another show) ---
  const load = await startClaimLoad(platform, node.url);
  const warmup0 = await redisCounters();
  await load.claimFor(WARMUP_SECONDS);
  const claimCpu0 = { node: nodeCpu(), generator: process.cpuUsage(), redis: cpuSecondsOf(redisPid) };
  const redis0 = await redisCounters();
  const { latencies, failures, elapsed } = await load.claimFor(SECONDS);
  const claimGenerator = process.cpuUsage(claimCpu0.generator);
  const redisPerClaim = { scriptMicros: scriptMicrosPerCall(redis0, await redisCounters()), aofBytes: aofBytesPerCall(warmup0, redis0) };
  results.claims = {
    ...summarize(latencies), failures, achievedPerSecond: round(latencies.length / elapsed, 0),
    nodeCpuShare: round((nodeCpu() - claimCpu0.node) / elapsed),
    generatorCpuShare: round((claimGenerator.user + claimGenerator.system) / 1e6 / elapsed),
    redisCpuShare: round((cpuSecondsOf(redisPid) - claimCpu0.redis) / elapsed),
    redisPerClaim,
  };

  // --- claims while the host raises another item's quantity live, every RAISE_INTERVAL_MS ---
  // A raise holds the units in Postgres (a row-locked transaction), then runs the engine's
  // update: the claims share its log, its Redis and its node. Blocks with raises alternate
  // with blocks without, so that what drifts over a run (heaps, the AOF) weighs on both.
  const raiseLatencies: number[] = [];
  let raiseFailures = 0;
  const alone: number[] = [];
  const withRaises: number[] = [];
  let raiseClaimFailures = 0;
  for (let block = 0; block < RAISE_BLOCKS; block++) {
    alone.push(...(await load.claimFor(SECONDS / RAISE_BLOCKS)).latencies);
    let raising = true;
    const raiser = (async () => {
      while (raising) {
        const t0 = performance.now();
        const ack = await load.raise();
        if (ack.ok) raiseLatencies.push(performance.now() - t0);
        else raiseFailures++;
        await sleep(RAISE_INTERVAL_MS);
      }
    })();
    const raised = await load.claimFor(SECONDS / RAISE_BLOCKS);
    raising = false;
    await raiser;
    withRaises.push(...raised.latencies);
    raiseClaimFailures += raised.failures;
  }
  const aloneSummary = summarize(alone);
  const withRaisesSummary = summarize(withRaises);
  results.claimsWithRaises = {
    ...withRaisesSummary, failures: raiseClaimFailures, raiseIntervalMs: RAISE_INTERVAL_MS, alone: aloneSummary,
    p50VersusAlone: round(withRaisesSummary.p50 / aloneSummary.p50),
    p99VersusAlone: round(withRaisesSummary.p99 / aloneSummary.p99),
    raises: { ...summarize(raiseLatencies), failures: raiseFailures },
  };
  load.close();

  // --- fan-out: each claim's event reaching every viewer ---
  // A few buyers in turn: one alone at 20 claims/s would meet its own rate limit.
  const fanoutClaimers = await connectMany(() => node.url, (await createBuyers(platform.db, 5, platform.passwordHash)).map((b) => b.cookie));
  /** FANOUT_CLAIMS claims `intervalMs` apart; each delivery's latency from when its claim was sent. */
  const measureFanout = async (intervalMs: number) => {
    const baseSeq = Number(await platform.redis.hget(`show:{${show.showId}}:meta`, 'seq'));
    /** When each accepted claim was sent, by the seq its ack names. */
    const sentAt = new Map<number, number>();
    const acks: Promise<void>[] = [];
    let refused = 0;
    pool.record(baseSeq);
    const nodeCpu0 = nodeCpu();
    const generatorCpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < FANOUT_CLAIMS; i++) {
      const at = absoluteNow();
      acks.push(fanoutClaimers[i % fanoutClaimers.length]!.emitAck<TClaimAck>('claim:create', {
        showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId(),
      }).then((ack) => {
        if (ack.ok) sentAt.set(ack.seq, at);
        else refused++;
      }));
      await sleep(intervalMs);
    }
    await Promise.all(acks);
    const until = Date.now() + 30_000;
    while (pool.received() < sentAt.size * viewerCount && Date.now() < until) await sleep(50);
    const wall = (performance.now() - t0) / 1_000;
    const generatorCpu = process.cpuUsage(generatorCpu0);
    const latencies: number[] = [];
    for (const part of await pool.collect()) {
      part.seqs.forEach((seq, i) => {
        const at = sentAt.get(seq);
        if (at !== undefined) latencies.push(part.times[i]! - at);
      });
    }
    return {
      ...summarize(latencies),
      intervalMs,
      expected: sentAt.size * viewerCount,
      refusedClaims: refused,
      nodeCpuShare: round((nodeCpu() - nodeCpu0) / wall),
      generatorCpuShare: round((generatorCpu.user + generatorCpu.system) / 1e6 / wall),
    };
  };
  results.fanout = await measureFanout(FANOUT_INTERVAL_MS);
  results.fanoutBusy = await measureFanout(BUSY_INTERVAL_MS);

  // --- deliveries: a burst of events to every viewer ---
  pool.count();
  // One claim from each of many buyers (a single user's commands are rate limited).
  const bursters = await connectMany(nodeUrl, (await createBuyers(platform.db, BURST_EVENTS, platform.passwordHash)).map((b) => b.cookie));
  const cpu0 = nodeCpu();
  const t0 = performance.now();
  const acks = await Promise.all(
    bursters.map((b) => b.emitAck<TClaimAck>('claim:create', { showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId() })),
  );
  if (acks.some((a) => !a.ok)) throw new Error('a burst claim failed');
  const target = BURST_EVENTS * viewerCount;
  const burstUntil = Date.now() + 60_000;
  while (pool.delivered() < target && Date.now() < burstUntil) await sleep(10);
  const delivered = pool.delivered();
  const wall = (performance.now() - t0) / 1_000;
  const cpu = nodeCpu() - cpu0;
  results.deliveries = {
    events: BURST_EVENTS,
    delivered,
    expected: target,
    wallSeconds: round(wall, 3),
    perSecond: round(delivered / wall, 0),
    nodeCpuSeconds: round(cpu, 3),
    perCpuSecond: round(delivered / cpu, 0),
  };
  await pool.close();
  for (const s of [...bursters, ...fanoutClaimers]) s.close();
  hostSocket.disconnect();
} finally {
  await platform.stop();
}

const { claims, deliveries, memory } = results;
const fanoutRow = (label: string, f: TFanout) => [
  `${label}, claims ${f.intervalMs} ms apart`,
  `p50 ${f.p50} ms, p99 ${f.p99} ms over ${f.count}/${f.expected} deliveries (CPU: node ${f.nodeCpuShare}, generator ${f.generatorCpuShare})`,
  `p99 ≤ 50 ms to ${VIEWERS} viewers`,
];
const table = [
  ['claims', `p50 ${claims.p50} ms, p95 ${claims.p95} ms, p99 ${claims.p99} ms at ${claims.achievedPerSecond}/s (${claims.failures} failed; CPU: node ${claims.nodeCpuShare}, generator ${claims.generatorCpuShare}, Redis ${claims.redisCpuShare})`, 'p99 ≤ 5 ms at 2,000/s'],
  ['claims, host raising stock', `p50 ${results.claimsWithRaises.p50} ms, p99 ${results.claimsWithRaises.p99} ms against p50 ${results.claimsWithRaises.alone.p50} ms, p99 ${results.claimsWithRaises.alone.p99} ms in the blocks between (p50 ${results.claimsWithRaises.p50VersusAlone}×, p99 ${results.claimsWithRaises.p99VersusAlone}×; ${results.claimsWithRaises.failures} failed); a raise every ${RAISE_INTERVAL_MS} ms, its ack p50 ${results.claimsWithRaises.raises.p50} ms, p99 ${results.claimsWithRaises.raises.p99} ms (${results.claimsWithRaises.raises.count} raised, ${results.claimsWithRaises.raises.failures} refused)`, 'p99 ≈ 1× without raises'],
  ['Redis per claim', `script ${claims.redisPerClaim.scriptMicros} µs, AOF ${claims.redisPerClaim.aofBytes ?? '(rewrite ran)'} bytes`, ''],
  ['nodes', `${NODES} realtime node(s), Redis appendfsync ${APPENDFSYNC}, viewers read on ${GENERATOR_THREADS} thread(s)`, ''],
  fanoutRow('fan-out', results.fanout),
  fanoutRow('fan-out, busy show', results.fanoutBusy),
  ['deliveries', `${deliveries.perSecond}/s wall, ${deliveries.perCpuSecond} per node CPU-second`, '≥ 150,000/s per core (all nodes\' CPU)'],
  ['memory', `${memory.perViewerKB} KB per idle viewer (RSS of all nodes ${memory.rssBeforeMB} → ${memory.rssAfterMB} MB; live JS heap and buffers ${memory.livePerViewerKB} KB)`, '≤ 20 KB'],
];
console.log('\n| measure | result | target |\n|---|---|---|');
for (const row of table) console.log(`| ${row.join(' | ')} |`);
console.log(`\nwritten to ${await writeResults(`realtime-${APPENDFSYNC}`, results)}`);
process.exit(0);
