/**
 * What the fixed stack allows a claim ack on this machine, with no show engine: a plain
 * Socket.IO server (on a thread of its own) answers each `claim:create` after one ioredis
 * EVALSHA of a one-line script (HINCRBY) on a fresh Redis, with AOF `appendfsync always`
 * and then `everysec`. The load is the realtime benchmark's: 200 lean clients sending
 * 2,000 claims/s in ticks of 5 ms, measured for 30 s after 3 s of warm-up (CLAIM_LOAD in
 * bench/lib/load.ts). The engine's claim acks (bench/realtime.ts) can come no closer to
 * the 5 ms target than this. To see what the engine's own costs do to it:
 * BENCH_FLOOR_LOG_BYTES=1300 has the script also append that many bytes to a stream (a
 * claim adds about 1.4 KB to the AOF), and BENCH_FLOOR_LUA_LOOP=4000 has it count that
 * far first (CPU in the script).
 *
 * Run: npm run bench:floor   (BENCH_CLAIMS_PER_S, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_TICK_MS)
 */
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { REPO_ROOT, startRedis } from '../../infra/local/components.ts';
import { freePort } from '../../infra/local/processes.ts';
import { connectLeanClient, type TLeanClient } from '../lib/lean-client.ts';
import { CLAIM_LOAD, steadyLoad } from '../lib/load.ts';
import { writeResults } from '../lib/results.ts';
import { round, summarize } from '../lib/stats.ts';
import { startTsWorker } from '../lib/ts-worker.ts';

const { perSecond: CLAIMS_PER_S, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, tickMs: TICK_MS, clients: CLIENTS } = CLAIM_LOAD;
const LOG_BYTES = Number(process.env.BENCH_FLOOR_LOG_BYTES ?? 0);
const LUA_LOOP = Number(process.env.BENCH_FLOOR_LUA_LOOP ?? 0);

if (!isMainThread) {
  const { redisUrl } = workerData as { redisUrl: string };
  const redis = new Redis(redisUrl);
  const lua = [
    LUA_LOOP ? `local x = 0 for i = 1, ${LUA_LOOP} do x = x + i end` : '',
    LOG_BYTES ? `redis.call('XADD', KEYS[1] .. ':log', '*', 'e', string.rep('x', ${LOG_BYTES}))` : '',
    `return redis.call('HINCRBY', KEYS[1], 'seq', 1)`,
  ].join('\n');
  redis.defineCommand('claimFloor', { numberOfKeys: 1, lua });
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('claim:create', async (_payload: unknown, ack: (reply: object) => void) => {
      const seq = await (redis as unknown as { claimFloor: (key: string) => Promise<number> }).claimFloor('floor:show');
      ack({ ok: true, seq });
    });
  });
  http.listen(0, '127.0.0.1', () => parentPort!.postMessage({ port: (http.address() as { port: number }).port }));
} else {
  const measure = async (appendfsync: 'always' | 'everysec') => {
    const dataDir = path.join(REPO_ROOT, '.data/bench-floor');
    await rm(dataDir, { recursive: true, force: true });
    const redis = await startRedis(dataDir, await freePort(), appendfsync);
    const server = startTsWorker(new URL(import.meta.url).href, { redisUrl: redis.url });
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      server.once('message', resolve);
      server.once('error', reject);
    });
    const clients: TLeanClient[] = await Promise.all(Array.from({ length: CLIENTS }, () => connectLeanClient(`http://127.0.0.1:${port}`, '')));
    const claimFor = async (seconds: number) => (await steadyLoad({
      perSecond: CLAIMS_PER_S, seconds, tickMs: TICK_MS,
      send: async (i) => (await clients[i % CLIENTS]!.emitAck<{ ok: boolean }>('claim:create', { n: i })).ok,
    })).latencies;
    await claimFor(WARMUP_SECONDS);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const latencies = await claimFor(SECONDS);
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = round((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1_000));
    for (const c of clients) c.close();
    await server.terminate();
    await redis.proc.stop('SIGTERM');
    return { ...summarize(latencies), cpuShareServerAndGenerator: cpuShare };
  };

  const results = { claimsPerSecond: CLAIMS_PER_S, seconds: SECONDS, logBytes: LOG_BYTES, luaLoop: LUA_LOOP, always: await measure('always'), everysec: await measure('everysec') };
  const extra = [LOG_BYTES ? `, ${LOG_BYTES} B logged` : '', LUA_LOOP ? `, Lua loop ${LUA_LOOP}` : ''].join('');
  console.log(`\n| Socket.IO + one EVALSHA${extra}, ${CLAIMS_PER_S} claims/s for ${SECONDS} s | claim ack |\n|---|---|`);
  for (const mode of ['always', 'everysec'] as const) {
    const r = results[mode];
    console.log(`| appendfsync ${mode} | p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms (server and generator ${r.cpuShareServerAndGenerator} cores) |`);
  }
  console.log(`\nwritten to ${await writeResults('claim-floor', results)}`);
  process.exit(0);
}
