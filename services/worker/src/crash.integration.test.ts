import path from 'node:path';
import { splitOrder } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedRequests } from '../../../infra/local/stripe-test-proxy.ts';
import { exited, sleep, startStack, type TStack } from '../../../infra/test/harness.ts';
import { chargeIdempotencyKey, transferIdempotencyKey } from '@showcart/domain';

/**
 * The worker as its own process, killed with SIGKILL over and over while it settles a
 * show: charges and transfers must each happen once, and every order must end final.
 */
let stack: TStack;
beforeAll(async () => {
  // The stack has no worker of its own; the one under test runs as a process. Its Stripe
  // requests take 250 ms, as real Stripe's do, and at most 20 a second go out, so kills
  // land while requests are in flight and between one order's requests.
  stack = await startStack({
    env: { WORKER_LOCK_MS: '1000', STRIPE_RATE_LIMIT: '20', PLATFORM_FEE_BPS: '500', STRIPE_SECRET_KEY: 'sk_test_crashTestSlowNetwork' },
  });
  await fetch(`${stack.config.stripe.apiBase}/__test/latency`, {
    method: 'POST',
    body: JSON.stringify({ secretKey: stack.config.stripe.secretKey, ms: 250 }),
  });
});
afterAll(async () => stack?.close());

/** This test's requests only: other test files share the proxy, with other keys. */
const stripeRequests = () => recordedRequests(stack.config.stripe.apiBase!, stack.config.stripe.secretKey);

const startWorker = () => stack.spawnService(path.resolve(import.meta.dirname, 'main.ts'));

describe('a worker killed mid-settlement', () => {
  it('charges each order once, pays out each transfer once, and finishes every order', { timeout: 240_000 }, async () => {
    const host = await stack.createUser({ shippingMinor: 600 });
    const seller = await stack.createUser({ shippingMinor: 900 });
    const own = await stack.createListing(host.id, { priceMinor: 2_500, variants: [['M', 12]] });
    const theirs = await stack.createListing(seller.id, { priceMinor: 4_100, variants: [['L', 12]] });
    for (const [user, account] of [[host.id, 'acct_crashhost'], [seller.id, 'acct_crashseller']] as const) {
      await stack.db.query(
        `insert into connect_accounts (user_id, stripe_account_id, details_submitted, payouts_enabled, transfers_active)
         values ($1, $2, true, true, true)`,
        [user, `${account}${user.slice(0, 8)}`],
      );
    }
    const buyers = await Promise.all(Array.from({ length: 12 }, () => stack.createUser({ withCard: true })));
    const { show } = await stack.runShow({
      host,
      entries: [{ variantId: own.variantIds[0]! }],
      cohosted: [{ sellerId: seller.id, variantId: theirs.variantIds[0]!, commissionBps: 1_500, priceMinor: 4_100, quantity: 12 }],
      claims: buyers.flatMap((b) => [{ cookie: b.cookie, entry: 0 }, { cookie: b.cookie, entry: 1 }]),
    });

    // Kill it at random moments while it works (it has sent Stripe something new), many
    // times, then let one finish. Each start costs seconds of loading on a busy machine
    // (ten under the load of a full suite beside other work), hence 12 kills at most.
    const done = async () => {
      const { rows } = await stack.db.query<{ open: number; orders: number }>(
        `select count(*) filter (where o.status = 'pending' or t.status = 'waiting')::int as open, count(distinct o.id)::int as orders
           from orders o left join transfers t on t.order_id = o.id where o.show_id = $1`,
        [show.id],
      );
      return rows[0]!.orders === 24 && rows[0]!.open === 0;
    };
    let kills = 0;
    for (; kills < 12 && !(await done()); kills++) {
      const before = (await stripeRequests()).length;
      const worker = startWorker();
      const working = Date.now() + 15_000;
      while ((await stripeRequests()).length === before && Date.now() < working && !(await done())) await sleep(20);
      await sleep(Math.random() * 600);
      worker.kill('SIGKILL');
      await exited(worker);
    }
    const last = startWorker();
    const deadline = Date.now() + 60_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`settlement did not finish after ${kills} kills`);
      await sleep(200);
    }
    last.kill('SIGTERM');
    await exited(last);
    expect(kills).toBeGreaterThanOrEqual(5);
    // Some kills hit requests in flight: Stripe (the proxy) carried them out, and the
    // retry after the restart got the first answer again under the same key.
    expect((await stripeRequests()).filter((r) => r.replayed).length).toBeGreaterThan(0);

    // Every order paid, with the split the rules give.
    const { rows: orders } = await stack.db.query<{
      id: string; status: string; sellerId: string; itemsMinor: number; shippingMinor: number; totalMinor: number;
      commissionMinor: number; platformFeeMinor: number; sellerShareMinor: number;
    }>(
      `select id, status, seller_id as "sellerId", items_minor as "itemsMinor", shipping_minor as "shippingMinor",
              total_minor as "totalMinor", commission_minor as "commissionMinor", platform_fee_minor as "platformFeeMinor",
              seller_share_minor as "sellerShareMinor"
         from orders where show_id = $1`,
      [show.id],
    );
    expect(orders).toHaveLength(24);
    const requests = await stripeRequests();
    const firstSent = (path: string, key: string) => requests.filter((r) => r.path === path && r.idempotencyKey === key && !r.replayed && r.status === 200);
    for (const o of orders) {
      const cohosted = o.sellerId === seller.id;
      const expected = splitOrder({
        lines: [{ priceMinor: cohosted ? 4_100 : 2_500, commissionBps: cohosted ? 1_500 : 0 }],
        shippingMinor: cohosted ? 900 : 600,
        platformFeeBps: 500,
      });
      // No boost or offer here (the harness turns the boost off): the columns this test reads.
      const { refundedMinor: _none, boostMinor: _noBoost, shippingDiscountMinor: _noDiscount, ...amounts } = expected;
      expect(o).toMatchObject({ status: 'paid', ...amounts });
      // Stripe made one PaymentIntent for the order, however often the worker asked.
      expect(firstSent('/v1/payment_intents', chargeIdempotencyKey(o.id))).toHaveLength(1);
      const { rows: transfers } = await stack.db.query<{ kind: 'seller' | 'commission'; amount: number; status: string }>(
        'select kind, amount_minor as amount, status from transfers where order_id = $1 order by kind',
        [o.id],
      );
      expect(transfers).toEqual([
        ...(cohosted ? [{ kind: 'commission', amount: expected.commissionMinor, status: 'sent' }] : []),
        { kind: 'seller', amount: expected.sellerShareMinor, status: 'sent' },
      ]);
      for (const t of transfers) expect(firstSent('/v1/transfers', transferIdempotencyKey(o.id, t.kind))).toHaveLength(1);
    }
    // The ledger: what stays on the platform's Stripe balance is exactly the fees.
    const { rows: balance } = await stack.db.query<{ account: string; minor: number }>(
      `select account, sum(amount_minor)::int as minor from ledger_entries l join orders o on o.id = l.order_id
        where o.show_id = $1 and account like 'platform:%' group by account order by account`,
      [show.id],
    );
    const fees = orders.reduce((sum, o) => sum + o.platformFeeMinor, 0);
    expect(balance).toEqual([{ account: 'platform:fees', minor: -fees }, { account: 'platform:stripe_balance', minor: fees }]);
  });
});
