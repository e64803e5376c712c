import { rm } from 'node:fs/promises';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { createDb, createRedis, infoField, migrate } from '@showcart/common';
import { REPO_ROOT, startComponents } from '../../infra/local/components.ts';
import { freePort, startProcess, waitFor, type TManaged } from '../../infra/local/processes.ts';

/**
 * A platform for benchmarks: fresh components in .data/bench and realtime nodes as
 * processes of their own (as in production), so the load generator in this process does
 * not share their event loop. The machine's two cores are shared by all of it.
 */
export const startBenchPlatform = async (p: {
  realtimeNodes: number;
  redisAppendfsync?: 'always' | 'everysec';
  /** Under .data; `bench` by default. A bench meant to run beside the others takes a directory of its own. */
  dataDir?: string;
}) => {
  const dataDir = path.join(REPO_ROOT, '.data', p.dataDir ?? 'bench');
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
        '--expose-gc', '--import', 'tsx', '--import', path.join(REPO_ROOT, 'bench/preload/gc-on-signal.ts'),
        // Extra V8/Node flags for the nodes alone (BENCH_NODE_FLAGS="--trace-gc"), to study them
        // under load; after tsx, so that they may load TypeScript (bench/investigations/claim-heap.ts does).
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

export type TBenchPlatform = Awaited<ReturnType<typeof startBenchPlatform>>;
