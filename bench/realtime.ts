/**
 * Benchmarks of the live show engine (issue #3 targets), on this machine over loopback,
 * with the load generator in this process and the realtime node in its own:
 *
 *   claims      claim acks at a steady 2,000 claims/s: p50/p95/p99 ms (target p99 ≤ 5 ms)
 *   fan-out     a claim reaching every one of 5,000 viewers: p99 ms (target ≤ 50 ms)
 *   deliveries  event deliveries per second, and per CPU-second of the node (target ≥ 150,000)
 *   memory      resident memory per idle viewer connection (target ≤ 20 KB)
 *
 * Run: npm run bench   (BENCH_VIEWERS, BENCH_CLAIMS_PER_S, BENCH_SECONDS to change the load)
 */
import type { TClaimAck, TShowEvent } from '@showcart/shared';
import { createBuyers, createShowDirect } from '../infra/test/fixtures.ts';
import {
  connectClient, connectMany, cpuSecondsOf, emitAck, round, rssOf, sleep, startBenchPlatform, summarize, writeResults,
} from './lib.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5_000);
const CLAIMS_PER_S = Number(process.env.BENCH_CLAIMS_PER_S ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLAIMERS = 200;
const FANOUT_CLAIMS = 100;
const FANOUT_INTERVAL_MS = 50;
const BURST_EVENTS = 200;
/** The claim bench's clients send on a timer of this period. */
const TICK_MS = 5;

const op = () => `bench${Math.random().toString(36).slice(2, 14)}`;

const platform = await startBenchPlatform({ realtimeNodes: 1 });
const node = platform.nodes[0]!;
const pid = node.proc.child.pid!;
type TLatency = ReturnType<typeof summarize>;
const results = { viewers: VIEWERS, claimsPerSecond: CLAIMS_PER_S, seconds: SECONDS } as {
  viewers: number; claimsPerSecond: number; seconds: number;
  claims: TLatency & { failures: number; achievedPerSecond: number };
  fanout: TLatency & { expected: number };
  deliveries: { events: number; delivered: number; expected: number; wallSeconds: number; perSecond: number; nodeCpuSeconds: number; perCpuSecond: number };
  memory: { rssBeforeMB: number; rssAfterMB: number; perViewerKB: number };
};

try {
  // --- claims: steady load of claims from many buyers, none of them watching ---
  const claimShow = await createShowDirect(platform.db, [10_000_000], platform.passwordHash);
  const host = await connectClient(node.url, claimShow.hostCookie);
  await emitAck(host, 'show:join', { showId: claimShow.showId });
  await emitAck(host, 'show:start', { showId: claimShow.showId, clientOpId: op() });
  await emitAck(host, 'queue:feature', { showId: claimShow.showId, entryId: claimShow.entryIds[0], clientOpId: op() });
  const claimers = await connectMany(() => node.url, (await createBuyers(platform.db, CLAIMERS, platform.passwordHash)).map((b) => b.cookie));
  const latencies: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const perTick = (CLAIMS_PER_S * TICK_MS) / 1_000;
  const started = performance.now();
  let sent = 0;
  let next = 0;
  while (performance.now() - started < SECONDS * 1_000) {
    const due = Math.floor(((performance.now() - started) / TICK_MS) * perTick);
    for (; sent < due; sent++) {
      const socket = claimers[next++ % claimers.length]!;
      const t0 = performance.now();
      pending.push(
        emitAck<TClaimAck>(socket, 'claim:create', { showId: claimShow.showId, entryId: claimShow.entryIds[0], clientOpId: op() }).then((ack) => {
          if (ack.ok) latencies.push(performance.now() - t0);
          else failures++;
        }),
      );
    }
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1_000;
  results.claims = { ...summarize(latencies), failures, achievedPerSecond: round(latencies.length / elapsed, 0) };
  for (const s of [...claimers, host]) s.disconnect();

  // --- memory: idle viewers joined to one show ---
  const show = await createShowDirect(platform.db, [1_000_000], platform.passwordHash);
  const hostSocket = await connectClient(node.url, show.hostCookie);
  await emitAck(hostSocket, 'show:join', { showId: show.showId });
  await emitAck(hostSocket, 'show:start', { showId: show.showId, clientOpId: op() });
  await emitAck(hostSocket, 'queue:feature', { showId: show.showId, entryId: show.entryIds[0], clientOpId: op() });
  const viewerCookies = (await createBuyers(platform.db, VIEWERS, platform.passwordHash)).map((b) => b.cookie);
  await sleep(2_000);
  const rssBefore = rssOf(pid);
  const viewers = await connectMany(() => node.url, viewerCookies);
  for (let i = 0; i < viewers.length; i += 500) {
    await Promise.all(viewers.slice(i, i + 500).map((v) => emitAck(v, 'show:join', { showId: show.showId })));
  }
  await sleep(3_000);
  const rssAfter = rssOf(pid);
  results.memory = { rssBeforeMB: round(rssBefore / 2 ** 20), rssAfterMB: round(rssAfter / 2 ** 20), perViewerKB: round((rssAfter - rssBefore) / viewers.length / 1_024) };

  // --- fan-out: each claim's event reaching every viewer ---
  const claimer = await connectClient(node.url, (await createBuyers(platform.db, 1, platform.passwordHash))[0]!.cookie);
  const baseSeq = Number(await platform.redis.hget(`show:{${show.showId}}:meta`, 'seq'));
  const sentAt: number[] = [];
  const fanout: number[] = [];
  let received = 0;
  const onEvent = (event: TShowEvent) => {
    const at = sentAt[event.seq - baseSeq - 1];
    if (at !== undefined && event.type === 'claim.created') {
      fanout.push(performance.now() - at);
      received++;
    }
  };
  for (const v of viewers) v.on('show:event', onEvent);
  for (let i = 0; i < FANOUT_CLAIMS; i++) {
    sentAt.push(performance.now());
    void emitAck(claimer, 'claim:create', { showId: show.showId, entryId: show.entryIds[0], clientOpId: op() });
    await sleep(FANOUT_INTERVAL_MS);
  }
  const until = Date.now() + 30_000;
  while (received < FANOUT_CLAIMS * viewers.length && Date.now() < until) await sleep(50);
  results.fanout = { ...summarize(fanout), expected: FANOUT_CLAIMS * viewers.length };
  for (const v of viewers) v.off('show:event', onEvent);

  // --- deliveries: a burst of events to every viewer ---
  let delivered = 0;
  const countEvent = () => {
    delivered++;
  };
  for (const v of viewers) v.on('show:event', countEvent);
  // One claim from each of many buyers (a single user's commands are rate limited).
  const bursters = await connectMany(() => node.url, (await createBuyers(platform.db, BURST_EVENTS, platform.passwordHash)).map((b) => b.cookie));
  const cpu0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  const acks = await Promise.all(
    bursters.map((b) => emitAck<TClaimAck>(b, 'claim:create', { showId: show.showId, entryId: show.entryIds[0], clientOpId: op() })),
  );
  if (acks.some((a) => !a.ok)) throw new Error('a burst claim failed');
  const target = BURST_EVENTS * viewers.length;
  const burstUntil = Date.now() + 60_000;
  while (delivered < target && Date.now() < burstUntil) await sleep(10);
  const wall = (performance.now() - t0) / 1_000;
  const cpu = cpuSecondsOf(pid) - cpu0;
  results.deliveries = {
    events: BURST_EVENTS,
    delivered,
    expected: target,
    wallSeconds: round(wall, 3),
    perSecond: round(delivered / wall, 0),
    nodeCpuSeconds: round(cpu, 3),
    perCpuSecond: round(delivered / cpu, 0),
  };
  for (const v of [...viewers, ...bursters, hostSocket, claimer]) v.disconnect();
} finally {
  await platform.stop();
}

const { claims, fanout: spread, deliveries, memory } = results;
const table = [
  ['claims', `p50 ${claims.p50} ms, p95 ${claims.p95} ms, p99 ${claims.p99} ms at ${claims.achievedPerSecond}/s (${claims.failures} failed)`, 'p99 ≤ 5 ms at 2,000/s'],
  ['fan-out', `p50 ${spread.p50} ms, p99 ${spread.p99} ms over ${spread.count}/${spread.expected} deliveries`, `p99 ≤ 50 ms to ${VIEWERS} viewers`],
  ['deliveries', `${deliveries.perSecond}/s wall, ${deliveries.perCpuSecond} per node CPU-second`, '≥ 150,000/s per core'],
  ['memory', `${memory.perViewerKB} KB per idle viewer (RSS ${memory.rssBeforeMB} → ${memory.rssAfterMB} MB)`, '≤ 20 KB'],
];
console.log('\n| measure | result | target |\n|---|---|---|');
for (const row of table) console.log(`| ${row.join(' | ')} |`);
console.log(`\nwritten to ${await writeResults('realtime', results)}`);
process.exit(0);
