import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createDb, supervisorKey } from '@showcart/common';
import { chargeIdempotencyKey } from '@showcart/domain';
import { PROTOCOL_VERSION, type TClaimAck, type THealth, type TJoinAck, type TShowDetail } from '@showcart/shared';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, sleep, startStack, until, type TClientSocket, type TStack } from '../test/harness.ts';
import { REPO_ROOT, startComponents } from './components.ts';
import { freePort } from './processes.ts';
import { startServices } from './services.ts';
import { recordedRequests } from './stripe-test-proxy.ts';
import { statusPublisher, type TSupervised } from './supervisor.ts';

/**
 * `npm start`'s own start code (startServices under the supervisor, publishing to the
 * health page) runs the api, a realtime node and the worker as processes; each is killed
 * with SIGKILL during a live show or its settlement, and must come back with nothing lost.
 */
const dataDir = path.join(REPO_ROOT, `.data/test-supervision-${randomUUID().slice(0, 8)}`);
const SECRET_KEY = 'sk_test_supervisedRestarts';
let stack: TStack;
let services: TSupervised[];
let publisher: Awaited<ReturnType<typeof statusPublisher>>;
let apiUrl: string;
let realtimeUrl: string;

beforeAll(async () => {
  const [apiPort, realtimePort] = [await freePort(), await freePort()];
  // The helpers' stack (users, listings) shares the services' Redis prefix and Stripe key.
  stack = await startStack({ env: { STRIPE_SECRET_KEY: SECRET_KEY, WORKER_LOCK_MS: '1000' } });
  const env = { ...stack.env, LOG_LEVEL: 'warn', API_PORT: String(apiPort), REALTIME_PORT: String(realtimePort) };
  publisher = await statusPublisher(stack.env.REDIS_URL!, supervisorKey(stack.config.queuePrefix));
  services = await startServices({
    env, logDir: path.join(dataDir, 'logs'), webPort: 0, apiPort, realtimePort,
    only: ['api', 'realtime', 'worker'],
    policy: { firstDelayMs: 200, maxDelayMs: 2_000, maxFailures: 5, stableAfterMs: 60_000 },
    onChange: publisher.publish,
  });
  for (const service of services) publisher.publish(service.status());
  apiUrl = `http://127.0.0.1:${apiPort}`;
  realtimeUrl = `http://127.0.0.1:${realtimePort}`;
  await until('the api', () => health().catch(() => undefined), 60_000);
});
afterAll(async () => {
  await Promise.all((services ?? []).map((s) => s.stop()));
  await publisher?.close();
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const health = async () => {
  const res = await fetch(`${apiUrl}/api/health`);
  return res.ok ? ((await res.json()) as THealth) : undefined;
};
const api = async <T>(method: string, url: string, cookie: string) => {
  const res = await fetch(`${apiUrl}${url}`, { method, headers: { cookie } });
  return { status: res.status, body: (await res.json()) as T };
};
const connect = async (cookie: string): Promise<TClientSocket> => {
  const socket: TClientSocket = io(realtimeUrl, {
    transports: ['websocket'], extraHeaders: { cookie }, auth: { protocolVersion: PROTOCOL_VERSION }, reconnection: false, forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
};
/** Connects once the realtime node answers again. */
const reconnect = (cookie: string) => until('the realtime node', () => connect(cookie).catch(() => undefined), 60_000);
const kill = async (name: string) => {
  const service = services.find((s) => s.name === name)!;
  const pid = service.current().child.pid!;
  process.kill(pid, 'SIGKILL');
  await until(`${name} restarted`, async () => service.current().child.pid !== pid && service.status().state === 'running', 60_000);
};

describe('npm start supervising its services', () => {
  it('brings back a killed realtime node, api and worker: the show goes on, no claim is lost, nothing is charged twice', { timeout: 180_000 }, async () => {
    const host = await stack.createUser();
    const item = await stack.createListing(host.id, { priceMinor: 2_000, variants: [['M', 3]] });
    const show = await stack.createShow(host.cookie, [{ variantId: item.variantIds[0]! }]);
    const entryId = show.entries[0]!.entryId;
    const buyers = await Promise.all([1, 2, 3].map(() => stack.createUser({ withCard: true })));
    const op = (extra: object = {}) => ({ showId: show.id, clientOpId: newOpId(), ...extra });

    let hostSocket = await reconnect(host.cookie);
    await request(hostSocket, 'show:start', op());
    await request(hostSocket, 'queue:feature', op({ entryId }));
    const first = await reconnect(buyers[0]!.cookie);
    expect(await request<TClaimAck>(first, 'claim:create', op({ entryId }))).toMatchObject({ ok: true, position: 1 });

    // The realtime node dies mid-show: it comes back, and the acknowledged claim is there.
    await kill('realtime');
    const second = await reconnect(buyers[1]!.cookie);
    const joined = await request<TJoinAck>(second, 'show:join', { showId: show.id });
    if (!joined.ok || joined.mode !== 'snapshot') throw new Error(`join failed: ${JSON.stringify(joined)}`);
    expect(joined.state.status).toBe('live');
    expect(joined.state.claims.map((c) => c.userId)).toEqual([buyers[0]!.id]);
    expect(await request<TClaimAck>(second, 'claim:create', op({ entryId }))).toMatchObject({ ok: true, position: 2 });

    // The api dies: it comes back and answers for the show, which is still live.
    await kill('api');
    await until('the api', () => health().catch(() => undefined), 60_000);
    expect((await api<TShowDetail>('GET', `/api/shows/${show.id}`, host.cookie)).body.status).toBe('live');
    const third = await reconnect(buyers[2]!.cookie);
    expect(await request<TClaimAck>(third, 'claim:create', op({ entryId }))).toMatchObject({ ok: true, position: 3 });

    // The worker dies while the show's charges are on their way to Stripe (slowed down).
    await fetch(`${stack.config.stripe.apiBase}/__test/latency`, { method: 'POST', body: JSON.stringify({ secretKey: SECRET_KEY, ms: 1_500 }) });
    hostSocket = await reconnect(host.cookie);
    expect(await request(hostSocket, 'show:end', op())).toMatchObject({ ok: true });
    await until('a charge sent', async () =>
      (await recordedRequests(stack.config.stripe.apiBase!, SECRET_KEY)).some((r) => r.path === '/v1/payment_intents'), 60_000);
    await kill('worker');
    await fetch(`${stack.config.stripe.apiBase}/__test/latency`, { method: 'POST', body: JSON.stringify({ secretKey: SECRET_KEY, ms: 0 }) });
    await until('the show settled', async () =>
      (await api<TShowDetail>('GET', `/api/shows/${show.id}`, host.cookie)).body.status === 'settled', 90_000);

    // Every acknowledged claim became a paid order, each charged once.
    const { rows: orders } = await stack.db.query<{ id: string; buyerId: string; status: string; totalMinor: number }>(
      `select id, buyer_id as "buyerId", status, total_minor as "totalMinor" from orders where show_id = $1 order by created_at`, [show.id]);
    expect(orders.map((o) => o.buyerId).sort()).toEqual(buyers.map((b) => b.id).sort());
    expect(orders.every((o) => o.status === 'paid')).toBe(true);
    const requests = await recordedRequests(stack.config.stripe.apiBase!, SECRET_KEY);
    for (const order of orders) {
      const created = requests.filter((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === chargeIdempotencyKey(order.id) && r.status === 200 && !r.replayed);
      expect(created).toHaveLength(1);
    }

    // The health page counts one restart of each.
    await sleep(200);
    const services = (await health())!.services!;
    expect(Object.fromEntries(['api', 'realtime', 'worker'].map((n) => [n, [services[n]!.state, services[n]!.restarts, services[n]!.lastExit]]))).toEqual({
      api: ['running', 1, 'signal SIGKILL'],
      realtime: ['running', 1, 'signal SIGKILL'],
      worker: ['running', 1, 'signal SIGKILL'],
    });
    for (const socket of [hostSocket, first, second, third]) socket.close();
  });
});

describe('npm start supervising its components', () => {
  it('restarts a killed PostgreSQL and Redis on their data: what was committed is still there', { timeout: 180_000 }, async () => {
    const own = path.join(dataDir, 'components');
    const given = stack.env;
    const lines: string[] = [];
    const components = await startComponents({
      dataDir: own,
      ports: { postgres: await freePort(), redis: await freePort(), livekit: 0, livekitTcp: 0, livekitUdp: 0, stripeMock: 0, stripeProxy: 0 },
      livekitWebhookUrl: 'http://127.0.0.1:9/unused',
      // Durable, as under npm start: what was committed survives the kill.
      fast: false,
      // LiveKit, Stripe and mail are the run's: only PostgreSQL and Redis are this test's own.
      env: {
        LIVEKIT_URL: given.LIVEKIT_URL, LIVEKIT_API_KEY: given.LIVEKIT_API_KEY, LIVEKIT_API_SECRET: given.LIVEKIT_API_SECRET,
        STRIPE_SECRET_KEY: given.STRIPE_SECRET_KEY, SMTP_URL: given.SMTP_URL,
      },
      policy: { firstDelayMs: 200, maxDelayMs: 2_000, maxFailures: 8, stableAfterMs: 60_000 },
      onChange: (s) => lines.push(`${s.name} ${s.state}`),
    });
    try {
      expect(components.supervised.map((s) => s.name)).toEqual(['postgres', 'redis']);
      const db = createDb(components.env.DATABASE_URL!, 1);
      const redis = new Redis(components.env.REDIS_URL!, { maxRetriesPerRequest: null });
      redis.on('error', () => {}); // while it restarts
      try {
        await db.query('create table kept (note text)');
        await db.query(`insert into kept values ('before the crash')`);
        await redis.set('kept', 'before the crash');

        for (const name of ['postgres', 'redis']) {
          const proc = components.supervised.find((s) => s.name === name)!;
          const pid = proc.current().child.pid!;
          process.kill(pid, 'SIGKILL');
          await until(`${name} restarted`, async () => proc.current().child.pid !== pid && proc.status().state === 'running', 90_000);
          expect(proc.status()).toMatchObject({ restarts: 1, lastExit: 'signal SIGKILL' });
        }
        const rows = await until('PostgreSQL answering', () => db.query('select note from kept').then((r) => r.rows).catch(() => undefined), 30_000);
        expect(rows).toEqual([{ note: 'before the crash' }]);
        expect(await redis.get('kept')).toBe('before the crash');
      } finally {
        await db.end();
        redis.disconnect();
      }
    } finally {
      const pids = components.supervised.map((s) => s.current().child.pid!);
      await components.stop();
      // Nothing is left running.
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    }
    expect(lines).toEqual(['postgres restarting', 'postgres running', 'redis restarting', 'redis running']);
  });
});
