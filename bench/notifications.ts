/**
 * Benchmark of the notification pipeline (issue #17, points 2 and 3): a host with 100,000
 * followers goes live, through the real trigger (`startShow`, as the realtime node's
 * show:start calls it), so the event's audience is the followers, read by the worker's
 * fan-out in keyset batches of the follows table. Each follower has one Web Push
 * subscription on a local push service (an HTTP server in this process that answers 201);
 * email is off (the followers have no verified address).
 *
 *   all rows        from Go live until every in-app row is written
 *   all pushes      from Go live until the push service has taken the last push (and the
 *                   worker has nothing left: a push the worker gave up on is counted as failed)
 *   worker CPU      CPU seconds of the worker processes (BENCH_NOTIFY_WORKERS, one by default,
 *                   as `npm start` runs it) over that
 *   per core        notifications (row + encrypted, signed push) per CPU-second of the workers
 *   floors          the same 100,000 rows by one bare `insert … select` into the same table
 *                   (its indexes and unique key included); 100,000 bare HTTP POSTs of a
 *                   push's size from this process to the same push service, 64 at a time
 *                   (node:http with kept-alive connections, as the worker's sender);
 *                   and the push's own encryption (RFC 8291: a key pair, ECDH and AES-GCM per
 *                   message, by web-push) 100,000 times on one core
 *   ×floor          each figure over its floor
 *
 * The machine's two cores are shared by Postgres, Redis, the worker and the push service.
 *
 * Run: npm run bench:notifications   (BENCH_NOTIFY_RECIPIENTS=100000, BENCH_NOTIFY_WORKERS=1,
 * BENCH_PROFILE=1 writes the workers' CPU profiles to .data/profiles/)
 */
import { createECDH, randomBytes } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createLogger, createRedis, NOTIFICATIONS_QUEUE, SETTLEMENT_QUEUE } from '@showcart/common';
import { createShowEngine, startShow } from '@showcart/domain';
import { Queue } from 'bullmq';
import webpush from 'web-push';
import { REPO_ROOT } from '../infra/local/components.ts';
import { startProcess } from '../infra/local/processes.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { cpuSecondsOf } from './lib/proc.ts';
import { writeResults } from './lib/results.ts';

const RECIPIENTS = Number(process.env.BENCH_NOTIFY_RECIPIENTS ?? 100_000);
const WORKERS = Number(process.env.BENCH_NOTIFY_WORKERS ?? 1);
const FLOOR_CONCURRENCY = 64;
const POLL_MS = 250;

const platform = await startBenchPlatform({ realtimeNodes: 0, dataDir: 'bench-notifications' });
const { db } = platform;
const now = () => performance.now();

// The push service: counts what it takes, and when the last came.
let received = 0;
let lastAt = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    lastAt = now();
    res.statusCode = 201;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

console.log(`writing a host, ${RECIPIENTS} followers with a subscription each, and a show…`);
const browser = createECDH('prime256v1');
const p256dh = browser.generateKeys().toString('base64url');
const auth = randomBytes(16).toString('base64url');
const hostId = (await db.query<{ id: string }>(
  `insert into users (email, password_hash, display_name, email_verified_at) values ('host@bench.test', $1, 'Rosa Vintage', now()) returning id`,
  [platform.passwordHash])).rows[0]!.id;
await db.query(
  `insert into users (email, password_hash, display_name, email_verified_at)
   select 'follower-' || i || '@bench.test', $1, 'Follower ' || i, null from generate_series(1, $2::int) i`,
  [platform.passwordHash, RECIPIENTS]);
// The counts' row trigger would update the host's row 100,000 times in one statement, each
// update slower than the last (every version of the row is in the same transaction): the
// follows go in without it, and the counts are set once after.
await db.query('alter table follows disable trigger follows_count');
await db.query(`insert into follows (follower_id, followee_id) select id, $1 from users where email like 'follower-%'`, [hostId]);
await db.query('alter table follows enable trigger follows_count');
await db.query(`update users set follower_count = $2 where id = $1`, [hostId, RECIPIENTS]);
await db.query(`update users set following_count = 1 where email like 'follower-%'`);
await db.query(
  `insert into push_subscriptions (user_id, endpoint, p256dh, auth) select id, $1 || '/push/' || id, $2, $3 from users where email like 'follower-%'`,
  [origin, p256dh, auth]);
const showId = (await db.query<{ id: string }>(
  `insert into shows (host_id, title) values ($1, 'Vintage denim, 40 pieces') returning id`, [hostId])).rows[0]!.id;
await db.query('vacuum analyze');

const vapid = webpush.generateVAPIDKeys();
const queuePrefix = 'bench-notify';
const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => startProcess({
  name: `worker-${i}`,
  command: process.execPath,
  args: [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(REPO_ROOT, '.data/profiles')}`] : []),
    '--import', 'tsx', path.join(REPO_ROOT, 'services/worker/src/main.ts'),
  ],
  logDir: path.join(platform.dataDir, 'logs'),
  options: {
    env: {
      ...process.env, ...platform.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', QUEUE_PREFIX: queuePrefix,
      PUBLIC_URL: 'http://localhost:5173', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey,
    },
    cwd: REPO_ROOT,
  },
})));
const connection = createRedis(platform.env.REDIS_URL!, { forBullmq: true });
const queue = new Queue(SETTLEMENT_QUEUE, { connection, prefix: queuePrefix });
const notifications = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix: queuePrefix });
const redis = createRedis(platform.env.REDIS_URL!);
const domain = {
  db, redis, queue, logger: createLogger('bench', 'warn'), engine: createShowEngine(redis, { offerTtlMs: 30_000 }),
};
// The workers are up when their queues are: give them a moment to connect and settle their start-up CPU.
await new Promise((r) => setTimeout(r, 3_000));

const eventId = `show-live:${showId}`;
const rowsWritten = async () => Number((await db.query<{ n: string }>('select count(*) as n from notifications where event_id = $1', [eventId])).rows[0]!.n);
const drained = async () => {
  const counts = [
    ...Object.values(await notifications.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
    ...Object.values(await queue.getJobCounts('waiting', 'active')),
  ];
  return counts.every((n) => n === 0);
};
const cpuOfWorkers = () => workers.reduce((sum, w) => sum + cpuSecondsOf(w.child.pid!), 0);
const cpuBefore = cpuOfWorkers();
const started = now();
await startShow(domain, { showId, actorId: hostId, clientOpId: 'bench-go-live' });
let rowsAt = 0;
for (;;) {
  await new Promise((r) => setTimeout(r, POLL_MS));
  if (!rowsAt && (await rowsWritten()) === RECIPIENTS) rowsAt = now();
  if (rowsAt && (received >= RECIPIENTS || await drained())) break;
  if (now() - started > 30 * 60_000) throw new Error(`gave up: ${received} pushes, ${await rowsWritten()} rows`);
}
const cpu = cpuOfWorkers() - cpuBefore;
const allRowsS = (rowsAt - started) / 1_000;
const allPushesS = (lastAt - started) / 1_000;
const pushesFailed = RECIPIENTS - received;
await Promise.all(workers.map((w) => w.stop()));
await Promise.all([queue.close(), notifications.close()]);
connection.disconnect();
redis.disconnect();

console.log('floors…');
const floorInsertStart = now();
await db.query(`insert into notifications (user_id, kind, event_id, payload) select id, 'show_live', 'floor', '{"title":"x","body":"","url":"/"}' from users where email like 'follower-%'`);
const floorInsertS = (now() - floorInsertStart) / 1_000;

// The same client the worker's sender uses (node:http, kept-alive connections), with nothing to encrypt or sign.
const body = randomBytes(230);
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const postOnce = () => new Promise<void>((resolve, reject) => {
  const req = request(`${origin}/push/floor`, {
    method: 'POST', agent, headers: { 'content-encoding': 'aes128gcm', ttl: '3600', 'content-length': String(body.length) },
  }, (res) => {
    res.resume();
    res.on('end', resolve);
  });
  req.on('error', reject);
  req.end(body);
});
let sent = 0;
const floorPostStart = now();
await Promise.all(Array.from({ length: FLOOR_CONCURRENCY }, async () => {
  while (sent < RECIPIENTS) {
    sent++;
    await postOnce();
  }
}));
agent.destroy();
const floorPostS = (now() - floorPostStart) / 1_000;

const message = JSON.stringify({ title: 'Rosa Vintage is live now: Vintage denim, 40 pieces', body: 'Watch, chat and claim what you like before it is gone.', url: `/shows/${showId}`, kind: 'show_live', id: showId });
const floorEncryptStart = now();
for (let i = 0; i < RECIPIENTS; i++) {
  webpush.generateRequestDetails({ endpoint: `${origin}/push/floor`, keys: { p256dh, auth } }, message, { TTL: 3_600, contentEncoding: 'aes128gcm' });
}
const floorEncryptS = (now() - floorEncryptStart) / 1_000;

const results = {
  recipients: RECIPIENTS,
  workers: WORKERS,
  allRowsS, allPushesS, pushesFailed, workerCpuS: cpu,
  notificationsPerSecond: RECIPIENTS / allPushesS,
  notificationsPerSecondPerWorker: RECIPIENTS / allPushesS / WORKERS,
  notificationsPerCpuSecond: RECIPIENTS / cpu,
  floorInsertS, floorPostS, floorEncryptS,
  rowsOverFloor: allRowsS / floorInsertS,
  pushesOverFloor: allPushesS / floorPostS,
  cpuOverEncryptFloor: cpu / floorEncryptS,
};
const f = (n: number, d = 2) => n.toFixed(d);
console.log(`
followers (recipients)  ${RECIPIENTS}, worker processes ${WORKERS}
all in-app rows         ${f(allRowsS)} s       floor (bare insert…select) ${f(floorInsertS)} s   ×${f(results.rowsOverFloor, 1)}
all pushes handed over  ${f(allPushesS)} s       floor (bare HTTP POSTs)    ${f(floorPostS)} s   ×${f(results.pushesOverFloor, 1)}   (${pushesFailed} failed)
worker CPU              ${f(cpu)} s       floor (the pushes' encryption alone) ${f(floorEncryptS)} s   ×${f(results.cpuOverEncryptFloor, 1)}
notifications/s         ${f(results.notificationsPerSecond, 0)} (${f(results.notificationsPerSecondPerWorker, 0)} per worker process)   per worker CPU-second ${f(results.notificationsPerCpuSecond, 0)}
`);
console.log(`results: ${await writeResults('notifications', results)}`);
server.close();
await platform.stop();
process.exit(0);
