import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { hash } from '@node-rs/argon2';
import { createDb, createRedis, infoField, migrate } from '@showcart/common';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents, type TClaimAck, type TCommandAck } from '@showcart/shared';
import { io, type Socket } from 'socket.io-client';
import { REPO_ROOT, startComponents } from '../infra/local/components.ts';
import { freePort, startProcess, waitFor, type TManaged } from '../infra/local/processes.ts';
import { createBuyers, createShowDirect } from '../infra/test/fixtures.ts';
import { absoluteNow } from './clock.ts';
import { connectLeanClient, type TLeanClient } from './lean-client.ts';

export type TBenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A platform for benchmarks: fresh components in .data/bench and realtime nodes as
 * processes of their own (as in production), so the load generator in this process does
 * not share their event loop. The machine's two cores are shared by all of it.
 */
export const startBenchPlatform = async (p: { realtimeNodes: number; redisAppendfsync?: 'always' | 'everysec' }) => {
  const dataDir = path.join(REPO_ROOT, '.data/bench');
  await rm(dataDir, { recursive: true, force: true });
  const ports = {
    postgres: await freePort(), redis: await freePort(), livekit: await freePort(), livekitTcp: await freePort(),
    livekitUdp: await freePort(), stripeMock: await freePort(), stripeProxy: await freePort(),
  };
  const components = await startComponents({ dataDir, ports, livekitWebhookUrl: 'http://127.0.0.1:9/unused', env: {}, redisAppendfsync: p.redisAppendfsync });
  const nodes: { proc: TManaged; url: string }[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.proc.stop()));
    await components.stop();
  };
  process.once('exit', () => {
    for (const n of nodes) n.proc.child.kill('SIGKILL');
  });
  const db = createDb(components.env.DATABASE_URL!, 4);
  await migrate(db);
  const redis = createRedis(components.env.REDIS_URL!);
  try {
  for (let i = 0; i < p.realtimeNodes; i++) {
    const port = await freePort();
    const proc = await startProcess({
      name: `realtime-${i}`,
      command: process.execPath,
      args: [
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(REPO_ROOT, '.data/profiles')}`] : []),
        '--expose-gc', '--import', 'tsx', '--import', path.join(REPO_ROOT, 'bench/gc-on-signal.ts'),
        // Extra V8/Node flags for the nodes alone (BENCH_NODE_FLAGS="--trace-gc"), to study them
        // under load; after tsx, so that they may load TypeScript (bench/claim-heap.ts does).
        ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
        path.join(REPO_ROOT, 'services/realtime/src/main.ts'),
      ],
      logDir: path.join(dataDir, 'logs'),
      options: {
        env: {
          ...process.env,
          ...components.env,
          NODE_ENV: 'production', LOG_LEVEL: 'warn',
          BENCH_MEMORY_DIR: dataDir,
          REALTIME_PORT: String(port),
          PUBLIC_URL: 'http://localhost:5173',
        },
        cwd: REPO_ROOT,
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`realtime node ${i}`, async () => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).status < 500, { process: proc });
    nodes.push({ proc, url });
  }
  } catch (error) {
    await db.end();
    redis.disconnect();
    await stopAll();
    throw error;
  }
  return {
    db,
    dataDir,
    redis,
    /** Redis' process, for its CPU time and for tools that attach to it. */
    redisPid: infoField(await redis.info('server'), 'process_id'),
    nodes,
    /** The components' environment, for services the benchmark starts itself. */
    env: components.env,
    passwordHash: await hash('bench-password'),
    stop: async () => {
      await db.end();
      redis.disconnect();
      await stopAll();
    },
  };
};

export const connectClient = (url: string, cookie: string): Promise<TBenchSocket> =>
  new Promise((resolve, reject) => {
    const socket: TBenchSocket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

/** Many lean clients (lean-client.ts), `batch` connecting at a time. */
export const connectMany = async (url: (i: number) => string, cookies: string[], batch = 200) => {
  const clients: TLeanClient[] = [];
  for (let i = 0; i < cookies.length; i += batch) {
    clients.push(...(await Promise.all(cookies.slice(i, i + batch).map((c, j) => connectLeanClient(url(i + j), c)))));
  }
  return clients;
};

export const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

export const summarize = (samplesMs: number[]) => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
  };
};

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Resident memory of a process, in bytes (Linux). */
export const rssOf = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? 0) * 1024;
};

/** CPU seconds (user + system) a process has used so far (Linux). */
export const cpuSecondsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

export const writeResults = async (name: string, results: object) => {
  const dir = path.join(REPO_ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...results }, null, 2)}\n`);
  return file;
};

export const emitAck = <R>(socket: TBenchSocket, event: string, payload: unknown): Promise<R> =>
  (socket as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<R> } })
    .timeout(30_000)
    .emitWithAck(event, payload);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The claim load every claim benchmark applies (realtime.ts, claim-floor.ts,
 * durable-floor.ts), so their figures compare: BENCH_CLAIMS_PER_S for BENCH_SECONDS after
 * BENCH_WARMUP_SECONDS at the same rate, from 200 clients sending every BENCH_TICK_MS.
 */
export const CLAIM_LOAD = {
  perSecond: Number(process.env.BENCH_CLAIMS_PER_S ?? 2_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 30),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  tickMs: Number(process.env.BENCH_TICK_MS ?? 5),
  clients: 200,
};

/** Runs a TypeScript module on a worker thread (tsx loads it there), `data` as its workerData. */
export const startTsWorker = (moduleUrl: string, data: unknown) =>
  new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(moduleUrl)}, ${JSON.stringify(moduleUrl)}))`, {
    eval: true,
    workerData: data,
  });

/**
 * Sends at a steady `perSecond` for `seconds`: every `tickMs`, as many as are due, so a
 * 5 ms tick at 2,000/s sends 10 at once. `send(i)` resolves true when its ack is ok.
 * Resolves once every ack is in, with the ok ones' latencies in ms and when each was sent.
 */
export const steadyLoad = async (p: { perSecond: number; seconds: number; tickMs: number; send: (i: number) => Promise<boolean> }) => {
  const latencies: number[] = [];
  /** When each of `latencies` was sent (absoluteNow). */
  const sentAt: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const perTick = (p.perSecond * p.tickMs) / 1_000;
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < p.seconds * 1_000) {
    const due = Math.floor(((performance.now() - started) / p.tickMs) * perTick);
    for (; sent < due; sent++) {
      const t0 = absoluteNow();
      pending.push(p.send(sent).then((ok) => {
        if (!ok) {
          failures++;
          return;
        }
        latencies.push(absoluteNow() - t0);
        sentAt.push(t0);
      }));
    }
    await sleep(p.tickMs);
  }
  await Promise.all(pending);
  return { latencies, sentAt, failures, elapsed: (performance.now() - started) / 1_000 };
};

/** A client op id for a benchmark command: unique enough that retries never collide. */
export const benchOpId = () => `bench${Math.random().toString(36).slice(2, 14)}`;

export type TBenchPlatform = Awaited<ReturnType<typeof startBenchPlatform>>;

/** Units of the claim load's featured item: it never sells out. */
const CLAIM_LOAD_UNITS = 10_000_000;
/** Units free in each item's closet beyond what the show holds, for live raises (at most 10,000 an item). */
const RAISE_SPARE_UNITS = 10_000;

/**
 * The claim load's show and clients on the node at `url`: a live show whose one featured
 * entry never sells out, its host joined (so the node follows its log, as it would for
 * any show with viewers), and CLAIM_LOAD.clients buyers. `claimFor(seconds)` sends
 * CLAIM_LOAD's claims for that long and resolves with the acks' latencies once all are in.
 * `raise()` has the host put one more unit of the show's second item on sale (held in
 * Postgres first, then the show engine's update: the same log and Redis as the claims).
 */
export const startClaimLoad = async (platform: TBenchPlatform, url: string) => {
  const show = await createShowDirect(platform.db, [CLAIM_LOAD_UNITS, 1], platform.passwordHash, RAISE_SPARE_UNITS);
  let raisedTo = 1;
  const host = await connectClient(url, show.hostCookie);
  await emitAck(host, 'show:join', { showId: show.showId });
  await emitAck(host, 'show:start', { showId: show.showId, clientOpId: benchOpId() });
  await emitAck(host, 'queue:feature', { showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId() });
  const claimers = await connectMany(() => url, (await createBuyers(platform.db, CLAIM_LOAD.clients, platform.passwordHash)).map((b) => b.cookie));
  return {
    claimFor: (seconds: number) => steadyLoad({
      perSecond: CLAIM_LOAD.perSecond, seconds, tickMs: CLAIM_LOAD.tickMs,
      send: async (i) => (await claimers[i % claimers.length]!.emitAck<TClaimAck>('claim:create', {
        showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId(),
      })).ok,
    }),
    raise: () => emitAck<TCommandAck>(host, 'queue:update', {
      showId: show.showId, entryId: show.entryIds[1], quantity: ++raisedTo, clientOpId: benchOpId(),
    }),
    close: () => {
      for (const c of claimers) c.close();
      host.disconnect();
    },
  };
};
