/**
 * Benchmark of the notification pipeline (issue #17, point 2): a host with 100,000
 * followers goes live. One event, 100,000 recipients (users and the recipient list written
 * directly), each with one Web Push subscription on a local push service (an HTTP server in
 * this process that answers 201); email is off (the users have no verified address).
 *
 *   all rows        from queuing the event until every in-app row is written
 *   all pushes      from queuing the event until the push service has taken every push
 *   worker CPU      CPU seconds of the worker process (one, as `npm start` runs it) over that
 *   per core        notifications (row + encrypted, signed push) per CPU-second of the worker
 *   floors          the same 100,000 rows by one bare `insert … select` into the same table
 *                   (its indexes and unique key included), and 100,000 bare HTTP POSTs of a
 *                   push's size from this process to the same push service, 64 at a time
 *   ×floor          each figure over its floor
 *
 * The machine's two cores are shared by Postgres, Redis, the worker and the push service.
 *
 * Run: npm run bench:notifications   (BENCH_NOTIFY_RECIPIENTS=100000)
 */
import { createECDH, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRedis, enqueue, JOBS, jobIds, SETTLEMENT_QUEUE } from '@showcart/common';
import { Queue } from 'bullmq';
import webpush from 'web-push';
import { REPO_ROOT } from '../infra/local/components.ts';
import { startProcess } from '../infra/local/processes.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { cpuSecondsOf } from './lib/proc.ts';
import { writeResults } from './lib/results.ts';

const RECIPIENTS = Number(process.env.BENCH_NOTIFY_RECIPIENTS ?? 100_000);
const FLOOR_CONCURRENCY = 64;
const POLL_MS = 100;

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

console.log(`writing ${RECIPIENTS} users, subscriptions and the recipient list…`);
const browser = createECDH('prime256v1');
const p256dh = browser.generateKeys().toString('base64url');
const auth = randomBytes(16).toString('base64url');
await db.query(
  `insert into users (email, password_hash, display_name, email_verified_at)
   select 'follower-' || i || '@bench.test', $1, 'Follower ' || i, null from generate_series(1, $2::int) i`,
  [platform.passwordHash, RECIPIENTS]);
await db.query(
  `insert into push_subscriptions (user_id, endpoint, p256dh, auth) select id, $1 || '/push/' || id, $2, $3 from users where email like 'follower-%'`,
  [origin, p256dh, auth]);
const eventId = 'show-live:bench';
await db.query(`insert into notification_events (id, kind, payload, audience) values ($1, 'show_live', $2, '{"type":"list"}')`,
  [eventId, { title: 'Rosa is live now', body: 'Vintage denim, 40 pieces, starting with the 501s.', url: '/shows/00000000-0000-4000-8000-000000000000' }]);
await db.query(`insert into notification_recipients (event_id, user_id) select $1, id from users where email like 'follower-%'`, [eventId]);
await db.query('vacuum analyze');

const vapid = webpush.generateVAPIDKeys();
const queuePrefix = 'bench-notify';
const worker = await startProcess({
  name: 'worker',
  command: process.execPath,
  args: ['--import', 'tsx', path.join(REPO_ROOT, 'services/worker/src/main.ts')],
  logDir: path.join(platform.dataDir, 'logs'),
  options: {
    env: {
      ...process.env, ...platform.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', QUEUE_PREFIX: queuePrefix,
      PUBLIC_URL: 'http://localhost:5173', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey,
    },
    cwd: REPO_ROOT,
  },
});
const connection = createRedis(platform.env.REDIS_URL!, { forBullmq: true });
const queue = new Queue(SETTLEMENT_QUEUE, { connection, prefix: queuePrefix });
// The worker is up when its queues are: give it a moment to connect and settle its start-up CPU.
await new Promise((r) => setTimeout(r, 3_000));

const rowsWritten = async () => Number((await db.query<{ n: string }>('select count(*) as n from notifications where event_id = $1', [eventId])).rows[0]!.n);
const cpuBefore = cpuSecondsOf(worker.child.pid!);
const started = now();
await enqueue(queue, JOBS.notifyEvent.name, { eventId }, jobIds.notifyEvent(eventId));
let rowsAt = 0;
for (;;) {
  await new Promise((r) => setTimeout(r, POLL_MS));
  if (!rowsAt && (await rowsWritten()) === RECIPIENTS) rowsAt = now();
  if (rowsAt && received >= RECIPIENTS) break;
  if (now() - started > 30 * 60_000) throw new Error(`gave up: ${received} pushes, ${await rowsWritten()} rows`);
}
const cpu = cpuSecondsOf(worker.child.pid!) - cpuBefore;
const allRowsS = (rowsAt - started) / 1_000;
const allPushesS = (lastAt - started) / 1_000;
await worker.stop();
await queue.close();
connection.disconnect();

console.log('floors…');
const floorInsertStart = now();
await db.query(`insert into notifications (user_id, kind, event_id, payload) select id, 'show_live', 'floor', '{"title":"x","body":"","url":"/"}' from users where email like 'follower-%'`);
const floorInsertS = (now() - floorInsertStart) / 1_000;

const body = new Uint8Array(randomBytes(230));
let sent = 0;
const floorPostStart = now();
await Promise.all(Array.from({ length: FLOOR_CONCURRENCY }, async () => {
  while (sent < RECIPIENTS) {
    sent++;
    const res = await fetch(`${origin}/push/floor`, { method: 'POST', body, headers: { 'content-encoding': 'aes128gcm', ttl: '3600' } });
    await res.body?.cancel();
  }
}));
const floorPostS = (now() - floorPostStart) / 1_000;

const results = {
  recipients: RECIPIENTS,
  allRowsS, allPushesS, workerCpuS: cpu,
  notificationsPerSecond: RECIPIENTS / allPushesS,
  notificationsPerCpuSecond: RECIPIENTS / cpu,
  floorInsertS, floorPostS,
  rowsOverFloor: allRowsS / floorInsertS,
  pushesOverFloor: allPushesS / floorPostS,
};
const f = (n: number, d = 2) => n.toFixed(d);
console.log(`
recipients             ${RECIPIENTS}
all in-app rows        ${f(allRowsS)} s       floor (bare insert…select) ${f(floorInsertS)} s   ×${f(results.rowsOverFloor, 1)}
all pushes handed over ${f(allPushesS)} s       floor (bare HTTP POSTs)    ${f(floorPostS)} s   ×${f(results.pushesOverFloor, 1)}
worker CPU             ${f(cpu)} s (one worker process)
notifications/s        ${f(results.notificationsPerSecond, 0)}   per worker CPU-second ${f(results.notificationsPerCpuSecond, 0)}
`);
console.log(`results: ${await writeResults('notifications', results)}`);
server.close();
await platform.stop();
process.exit(0);
