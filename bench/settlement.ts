/**
 * Benchmark of settlement (issue #4): a show of 5,000 claims from 1,000 buyers across 20
 * sellers (the host and 19 co-hosting sellers) settled against stripe-mock by two worker
 * processes, with the Stripe rate limiter off and at 100 and 25 requests/s.
 *
 *   orders/s        orders charged per second, to the last charge
 *   last transfer   seconds from the show's end to its last payout
 *   rate used       Stripe requests per second achieved / the limit (target ≥ 95 %)
 *
 * Run: npm run bench:settlement   (BENCH_SETTLE_RATES=0,100,25 to choose the limits;
 *                                  BENCH_CLAIMS, BENCH_BUYERS, BENCH_SELLERS to change the show)
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { enqueue, JOBS, jobIds, SETTLEMENT_QUEUE, createRedis } from '@showcart/common';
import { Queue } from 'bullmq';
import { createBuyers } from '../infra/test/fixtures.ts';
import { REPO_ROOT } from '../infra/local/components.ts';
import { recordedRequests } from '../infra/local/stripe-test-proxy.ts';
import { startProcess, type TManaged } from '../infra/local/processes.ts';
import { sleep } from './lib/clock.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { writeResults } from './lib/results.ts';
import { round } from './lib/stats.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 5_000);
const BUYERS = Number(process.env.BENCH_BUYERS ?? 1_000);
const SELLERS = Number(process.env.BENCH_SELLERS ?? 20);
const RATES = (process.env.BENCH_SETTLE_RATES ?? '0,100,25').split(',').map(Number);
const WORKERS = 2;
const COMMISSION_BPS = 1_000;

const platform = await startBenchPlatform({ realtimeNodes: 0 });
const { db } = platform;

const stripeRequests = (secretKey: string) =>
  recordedRequests(platform.env.STRIPE_API_BASE!, secretKey).then((all) => all.filter((r) => !r.replayed));

/** The host, 19 sellers with ready Connect accounts, 1,000 buyers with cards: made once. */
const people = async () => {
  const sellers = [];
  for (let i = 0; i < SELLERS; i++) {
    const { rows } = await db.query<{ id: string }>(
      `insert into users (email, password_hash, display_name, shipping_fee_minor) values ($1, 'x', $2, $3) returning id`,
      [`seller-${i}-${randomUUID()}@showcart.test`, `Seller ${i}`, 400 + i * 25],
    );
    const id = rows[0]!.id;
    await db.query(
      `insert into connect_accounts (user_id, stripe_account_id, details_submitted, payouts_enabled, transfers_active)
       values ($1, $2, true, true, true)`,
      [id, `acct_bench${i}${id.slice(0, 8)}`],
    );
    sellers.push(id);
  }
  const buyers = await createBuyers(db, BUYERS, platform.passwordHash);
  return { hostId: sellers[0]!, sellers, buyers: buyers.map((b) => b.id) };
};

/** An ended show with an entry per seller and CLAIMS claims spread over buyers and entries. */
const endedShow = async (p: Awaited<ReturnType<typeof people>>) => {
  const { rows } = await db.query<{ id: string }>(
    `insert into shows (host_id, title, status, started_at, ended_at) values ($1, 'Settlement bench', 'ended', now(), now()) returning id`,
    [p.hostId],
  );
  const showId = rows[0]!.id;
  const entries: { id: string; price: number }[] = [];
  for (const [position, sellerId] of p.sellers.entries()) {
    const price = 1_000 + position * 150;
    const { rows: v } = await db.query<{ id: string }>(
      `with l as (insert into listings (seller_id, title, photo_url, price_minor, category, condition) values ($1, $2, '/demo/sneakers.svg', $3, 'women', 'good') returning id)
       insert into listing_variants (listing_id, label, quantity) select id, 'M', $4 from l returning id`,
      [sellerId, `Item of seller ${position}`, price, CLAIMS],
    );
    const cohosted = sellerId !== p.hostId;
    const consent = cohosted
      ? (await db.query<{ id: string }>(
          `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status, decided_at)
           values ($1, $2, $3, $4, 'approved', now()) returning id`,
          [showId, v[0]!.id, sellerId, COMMISSION_BPS],
        )).rows[0]!.id
      : null;
    const { rows: e } = await db.query<{ id: string }>(
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [showId, position, v[0]!.id, sellerId, price, CLAIMS, consent, cohosted ? COMMISSION_BPS : 0],
    );
    entries.push({ id: e[0]!.id, price });
  }
  // Claim i goes to buyer i % BUYERS and to an entry picked by a hash of i: a buyer's
  // claims land on several sellers, sometimes the same one twice (one bundle, one order).
  await db.query(
    `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at)
     select gen_random_uuid(), $1, e.id, b.id, c.i, row_number() over (partition by e.id order by c.i), e.price, now()
       from generate_series(1, $2::int) as c(i)
       join unnest($3::uuid[], $4::int[]) with ordinality as e(id, price, n) on e.n = (abs(hashint4(c.i)) % $5) + 1
       join unnest($6::uuid[]) with ordinality as b(id, n) on b.n = (c.i % $7) + 1`,
    [showId, CLAIMS, entries.map((e) => e.id), entries.map((e) => e.price), entries.length, p.buyers, p.buyers.length],
  );
  return showId;
};

const startWorkers = async (rate: number, secretKey: string, prefix: string): Promise<TManaged[]> => {
  const workers = [];
  for (let i = 0; i < WORKERS; i++) {
    workers.push(await startProcess({
      name: `worker-${rate}-${i}`,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(REPO_ROOT, 'services/worker/src/main.ts')],
      logDir: path.join(REPO_ROOT, '.data/bench/logs'),
      options: {
        env: {
          ...process.env, ...platform.env, NODE_ENV: 'production', LOG_LEVEL: 'warn',
          STRIPE_SECRET_KEY: secretKey, STRIPE_RATE_LIMIT: String(rate), QUEUE_PREFIX: prefix,
        },
        cwd: REPO_ROOT,
      },
    }));
  }
  return workers;
};

const settle = async (p: Awaited<ReturnType<typeof people>>, rate: number) => {
  const showId = await endedShow(p);
  // Each run has its own Stripe key (stripe-mock takes any), so its requests are told apart.
  const secretKey = `sk_test_bench${rate}x${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const prefix = `bench-${rate}-${randomUUID().slice(0, 6)}`;
  const workers = await startWorkers(rate, secretKey, prefix);
  await sleep(2_000); // the workers' own start, not part of settling
  const connection = createRedis(platform.env.REDIS_URL!, { forBullmq: true });
  const queue = new Queue(SETTLEMENT_QUEUE, { connection, prefix });
  const started = Date.now();
  await enqueue(queue, JOBS.settleShow.name, { showId }, jobIds.settleShow(showId));
  for (;;) {
    const { rows } = await db.query<{ status: string; orders: number; pending: number; waiting: number }>(
      `select s.status,
              (select count(*)::int from orders where show_id = s.id) as orders,
              (select count(*)::int from orders where show_id = s.id and status = 'pending') as pending,
              (select count(*)::int from transfers t join orders o on o.id = t.order_id where o.show_id = s.id and t.status = 'waiting') as waiting
         from shows s where s.id = $1`,
      [showId],
    );
    const r = rows[0]!;
    if (r.status === 'settled' && r.orders > 0 && r.pending === 0 && r.waiting === 0) break;
    await sleep(250);
  }
  const { rows: times } = await db.query<{ orders: number; paid: number; lastPaid: Date; lastTransfer: Date; transfers: number }>(
    `select count(distinct o.id)::int as orders, count(distinct o.id) filter (where o.status = 'paid')::int as paid,
            max(o.paid_at) as "lastPaid", max(t.sent_at) as "lastTransfer", count(t.id)::int as transfers
       from orders o left join transfers t on t.order_id = o.id where o.show_id = $1`,
    [showId],
  );
  const t = times[0]!;
  const requests = await stripeRequests(secretKey);
  // The sustained rate: requests between the first and last second of Stripe traffic,
  // leaving out the partly used windows at either end.
  const first = (requests[0]?.at ?? started) + 1_000;
  const last = (requests.at(-1)?.at ?? started) - 1_000;
  const inside = requests.filter((r) => r.at >= first && r.at < last).length;
  const achieved = inside / Math.max(0.001, (last - first) / 1_000);
  await Promise.all(workers.map((w) => w.stop()));
  await queue.close();
  connection.disconnect(); // a connection handed to BullMQ stays ours to close
  const chargeSeconds = (t.lastPaid.getTime() - started) / 1_000;
  return {
    limit: rate || 'off',
    orders: t.orders,
    paid: t.paid,
    transfers: t.transfers,
    stripeRequests: requests.length,
    ordersPerSecond: round(t.paid / chargeSeconds, 1),
    secondsToLastCharge: round(chargeSeconds, 1),
    secondsToLastTransfer: round((t.lastTransfer.getTime() - started) / 1_000, 1),
    requestsPerSecond: round(achieved, 1),
    rateUsedPercent: rate ? round((100 * achieved) / rate, 1) : null,
  };
};

try {
  const p = await people();
  const runs = [];
  for (const rate of RATES) {
    const run = await settle(p, rate);
    runs.push(run);
    console.log(`limit ${run.limit}: done in ${run.secondsToLastTransfer} s`);
  }
  console.log(`\nSettlement of ${CLAIMS} claims from ${BUYERS} buyers across ${SELLERS} sellers, ${WORKERS} worker processes, stripe-mock`);
  console.table(runs);
  await writeResults('settlement', { claims: CLAIMS, buyers: BUYERS, sellers: SELLERS, workers: WORKERS, runs });
} finally {
  await platform.stop();
}
