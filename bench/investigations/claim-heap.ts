/**
 * What a claim leaves in a realtime node's old generation: bytes there are freed only by a
 * full collection, which marks every object of every connection the node holds and pauses
 * its claims meanwhile (see services/realtime/src/main.ts). One node with BENCH_VIEWERS idle
 * viewers takes the realtime benchmark's claim load (CLAIM_LOAD) while V8's sampling heap
 * profiler (bench/preload/heap-sampler.ts) records the objects that outlive a scavenge. Prints
 * the bytes per claim and the allocation sites that leave the most, and writes
 * bench/results/claim-heap.json. A figure that moves little from run to run, unlike the
 * claim-ack tail it drives.
 *
 * Run: npm run bench:heap   (BENCH_VIEWERS, default 2,500; BENCH_HEAP_SECONDS, default 10)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/components.ts';
import { sleep } from '../lib/clock.ts';
import { CLAIM_LOAD, startClaimLoad } from '../lib/load.ts';
import { startBenchPlatform } from '../lib/platform.ts';
import { writeResults } from '../lib/results.ts';
import { round, summarize } from '../lib/stats.ts';
import { startIdleViewers } from '../lib/viewer-pool.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 2_500);
const SECONDS = Number(process.env.BENCH_HEAP_SECONDS ?? 10);

type TProfileNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: TProfileNode[] };

/** Bytes per allocation site (function, file and line), summed over the profile's tree. */
const sites = (root: TProfileNode) => {
  const bytes = new Map<string, number>();
  const walk = (node: TProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*?\/(services|shared|bench)\//, '$1/');
    const site = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(root);
  return [...bytes].sort((a, b) => b[1] - a[1]);
};

process.env.BENCH_NODE_FLAGS = `${process.env.BENCH_NODE_FLAGS ?? ''} --import=${path.join(REPO_ROOT, 'bench/preload/heap-sampler.ts')}`;
const platform = await startBenchPlatform({ realtimeNodes: 1 });
const node = platform.nodes[0]!;
const pid = node.proc.child.pid!;
let result: { viewers: number; claims: number; ack: ReturnType<typeof summarize>; oldBytesPerClaim: number; topSites: { site: string; bytesPerClaim: number }[] };
try {
  // Idle viewers of one show, as in the realtime benchmark's claims phase; claims on another.
  const pool = await startIdleViewers(platform, VIEWERS, () => node.url);
  const load = await startClaimLoad(platform, node.url);
  await load.claimFor(CLAIM_LOAD.warmupSeconds);
  process.kill(pid, 'SIGTTOU');
  await sleep(200);
  const { latencies } = await load.claimFor(SECONDS);
  process.kill(pid, 'SIGTTOU');
  const file = path.join(platform.dataDir, `${pid}.heapprofile`);
  let profile: { head: TProfileNode } | undefined;
  for (const until = Date.now() + 30_000; !profile && Date.now() < until; await sleep(200)) {
    profile = await readFile(file, 'utf8').then((text) => JSON.parse(text) as { head: TProfileNode }, () => undefined);
  }
  if (!profile) throw new Error('the node wrote no heap profile');
  const bySite = sites(profile.head);
  const total = bySite.reduce((sum, [, bytes]) => sum + bytes, 0);
  result = {
    viewers: VIEWERS, claims: latencies.length, ack: summarize(latencies),
    oldBytesPerClaim: round(total / latencies.length, 0),
    topSites: bySite.slice(0, 5).map(([site, bytes]) => ({ site, bytesPerClaim: round(bytes / latencies.length, 0) })),
  };
  load.close();
  await pool?.close();
} finally {
  await platform.stop();
}

console.log(`\n| ${result.claims} claims at ${CLAIM_LOAD.perSecond}/s, ${VIEWERS} viewers on the node | result |\n|---|---|`);
console.log(`| left in the old generation | ${result.oldBytesPerClaim} bytes per claim |`);
for (const s of result.topSites) console.log(`| from ${s.site} | ${s.bytesPerClaim} bytes per claim |`);
console.log(`| claim ack (profiler running) | p50 ${result.ack.p50} ms, p99 ${result.ack.p99} ms |`);
console.log(`\nwritten to ${await writeResults('claim-heap', result)}`);
process.exit(0);
