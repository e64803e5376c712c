/**
 * What the session check of every socket command costs a claim (issue #15): each command
 * first asks Redis whether its session's mirror still exists (services/domain/src/accounts/
 * sessions.ts, checkSession), one round trip before the claim's EVALSHA.
 *
 *   claims      two realtime nodes started alike, one with the check and one without
 *               (BENCH_SKIP_SESSION_CHECK=1, read by services/realtime/src/main.ts for this
 *               bench alone), each with a live show and its own claimers; the same steady
 *               load (bench/lib/load.ts, 2,000 claims/s by default) goes to one node at a
 *               time, in blocks that alternate with, without, without, with…, so that what
 *               drifts over a run weighs on both. Claim ack p50/p95/p99 with the check, and
 *               as ratios to those without.
 *   round trip  from this process, idle: the check's EXISTS against a PING, alternated,
 *               p50/p99 each and their ratio (what the check adds at best).
 *
 * Run: npm run bench:session   (BENCH_CLAIMS_PER_S, BENCH_SECONDS: each way in all,
 *                               BENCH_WARMUP_SECONDS, BENCH_TICK_MS as for npm run bench;
 *                               BENCH_BLOCKS, the blocks each way)
 */
import path from 'node:path';
import { sessionKey } from '@showcart/common';
import { openSession, sessionIdOfToken } from '@showcart/domain';
import { REPO_ROOT } from '../infra/local/components.ts';
import { freePort, startProcess, waitFor, type TManaged } from '../infra/local/processes.ts';
import { createShowDirect } from '../infra/test/fixtures.ts';
import { CLAIM_LOAD, startClaimLoad } from './lib/load.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { cpuSecondsOf } from './lib/proc.ts';
import { writeResults } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

const { perSecond: CLAIMS_PER_S, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS } = CLAIM_LOAD;
/** Blocks each way (BENCH_BLOCKS), each SECONDS / BLOCKS long: short, so that a spell of load from elsewhere on a shared machine falls on both ways. */
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10);
/** Round trips of each kind in the idle comparison. */
const ROUND_TRIPS = 5_000;

// A directory of its own: another bench started meanwhile would otherwise remove this one's database.
const platform = await startBenchPlatform({ realtimeNodes: 0, dataDir: 'bench-session' });
const nodes: TManaged[] = [];
process.once('exit', () => {
  for (const n of nodes) n.child.kill('SIGKILL');
});

/** A realtime node as bench/lib/platform.ts starts one, with the check or without. */
const startNode = async (name: string, checks: boolean) => {
  const port = await freePort();
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: ['--expose-gc', '--import', 'tsx', '--import', path.join(REPO_ROOT, 'bench/preload/gc-on-signal.ts'),
      path.join(REPO_ROOT, 'services/realtime/src/main.ts')],
    logDir: path.join(platform.dataDir, 'logs'),
    options: {
      env: {
        ...process.env, ...platform.env,
        NODE_ENV: 'production', LOG_LEVEL: 'warn', BENCH_MEMORY_DIR: platform.dataDir,
        REALTIME_PORT: String(port), PUBLIC_URL: 'http://localhost:5173',
        BENCH_SKIP_SESSION_CHECK: checks ? '0' : '1',
      },
      cwd: REPO_ROOT,
    },
  });
  nodes.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(name, async () => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).status < 500, { process: proc });
  return { proc, url };
};

type TLatency = ReturnType<typeof summarize>;
type TWay = TLatency & { failures: number; achievedPerSecond: number; nodeCpuShare: number };
let results!: {
  claimsPerSecond: number; seconds: number; blocks: number;
  withCheck: TWay; withoutCheck: TWay;
  ratio: { p50: number; p95: number; p99: number };
  roundTrip: { exists: TLatency; ping: TLatency; p50Ratio: number; p99Ratio: number };
};

try {
  const checked = await startNode('realtime-checked', true);
  const unchecked = await startNode('realtime-unchecked', false);
  const loads = { checked: await startClaimLoad(platform, checked.url), unchecked: await startClaimLoad(platform, unchecked.url) };
  // Warm both: the fixtures' sessions have no mirror yet, and each node's first claims compile its paths.
  await loads.checked.claimFor(WARMUP_SECONDS);
  await loads.unchecked.claimFor(WARMUP_SECONDS);

  const ways = {
    checked: { latencies: [] as number[], failures: 0, seconds: 0, cpu: 0, pid: checked.proc.child.pid! },
    unchecked: { latencies: [] as number[], failures: 0, seconds: 0, cpu: 0, pid: unchecked.proc.child.pid! },
  };
  const runBlock = async (way: keyof typeof ways) => {
    const w = ways[way];
    const cpu0 = cpuSecondsOf(w.pid);
    const block = await loads[way].claimFor(SECONDS / BLOCKS);
    w.cpu += cpuSecondsOf(w.pid) - cpu0;
    w.latencies.push(...block.latencies);
    w.failures += block.failures;
    w.seconds += block.elapsed;
  };
  for (let b = 0; b < BLOCKS; b++) {
    for (const way of b % 2 === 0 ? (['checked', 'unchecked'] as const) : (['unchecked', 'checked'] as const)) await runBlock(way);
  }
  loads.checked.close();
  loads.unchecked.close();

  const summary = (w: (typeof ways)['checked']): TWay => ({
    ...summarize(w.latencies), failures: w.failures,
    achievedPerSecond: round(w.latencies.length / w.seconds, 0), nodeCpuShare: round(w.cpu / w.seconds),
  });
  const withCheck = summary(ways.checked);
  const withoutCheck = summary(ways.unchecked);

  // The check's own round trip against the cheapest one, from here, on a mirrored session.
  const show = await createShowDirect(platform.db, [1], platform.passwordHash);
  const { token } = await openSession({ db: platform.db, redis: platform.redis }, show.hostId, 3_600_000);
  const key = sessionKey(sessionIdOfToken(token));
  const exists: number[] = [];
  const ping: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    let t0 = performance.now();
    await platform.redis.exists(key);
    exists.push(performance.now() - t0);
    t0 = performance.now();
    await platform.redis.ping();
    ping.push(performance.now() - t0);
  }
  const existsSummary = summarize(exists);
  const pingSummary = summarize(ping);

  results = {
    claimsPerSecond: CLAIMS_PER_S, seconds: SECONDS, blocks: BLOCKS,
    withCheck, withoutCheck,
    ratio: {
      p50: round(withCheck.p50 / withoutCheck.p50),
      p95: round(withCheck.p95 / withoutCheck.p95),
      p99: round(withCheck.p99 / withoutCheck.p99),
    },
    roundTrip: {
      exists: existsSummary, ping: pingSummary,
      p50Ratio: round(existsSummary.p50 / pingSummary.p50), p99Ratio: round(existsSummary.p99 / pingSummary.p99),
    },
  };
} finally {
  await Promise.all(nodes.map((n) => n.stop()));
  await platform.stop();
}

const { withCheck, withoutCheck, ratio, roundTrip } = results;
const way = (w: TWay) =>
  `p50 ${w.p50} ms, p95 ${w.p95} ms, p99 ${w.p99} ms over ${w.count} claims at ${w.achievedPerSecond}/s (${w.failures} failed; node CPU ${w.nodeCpuShare})`;
const table = [
  ['claims, session checked on every command', way(withCheck), ''],
  ['claims, no session check', way(withoutCheck), ''],
  ['with / without', `p50 ${ratio.p50}×, p95 ${ratio.p95}×, p99 ${ratio.p99}×`, 'what the check adds'],
  ['EXISTS of a session / PING, idle', `p50 ${roundTrip.exists.p50} / ${roundTrip.ping.p50} ms (${roundTrip.p50Ratio}×), p99 ${roundTrip.exists.p99} / ${roundTrip.ping.p99} ms (${roundTrip.p99Ratio}×)`, 'the check at best'],
];
console.log('\n| measure | result | target |\n|---|---|---|');
for (const row of table) console.log(`| ${row.join(' | ')} |`);
console.log(`\nwritten to ${await writeResults('session-check', results)}`);
process.exit(0);
