import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * Random shows through the whole pipeline (live claims, settlement, charges with good and
 * declined cards, payouts to ready and unready accounts, refunds in pieces), then the
 * money invariants of DESIGN.md checked on what Postgres holds.
 */
let stack: TStack;
const RULES = { defaultShippingMinor: 799, shippingCapMinor: 2_000, platformFeeBps: 700 };
beforeAll(async () => {
  stack = await startStack({
    worker: true,
    env: {
      DEFAULT_SHIPPING_MINOR: String(RULES.defaultShippingMinor),
      SHIPPING_CAP_MINOR: String(RULES.shippingCapMinor),
      PLATFORM_FEE_BPS: String(RULES.platformFeeBps),
    },
  });
});
afterAll(async () => stack?.close());

const seller = fc.record({
  shippingMinor: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: null }),
  ready: fc.boolean(),
  commissionBps: fc.integer({ min: 0, max: 5_000 }),
  items: fc.array(fc.record({ priceMinor: fc.integer({ min: 1, max: 50_000 }), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 }),
});
const show = fc.record({
  // The first seller is the host; the others' items are co-hosted with a commission.
  sellers: fc.array(seller, { minLength: 1, maxLength: 3 }),
  buyers: fc.array(fc.constantFrom('pm_card_visa', 'pm_card_chargeDeclined'), { minLength: 1, maxLength: 3 }),
  claims: fc.array(fc.record({ buyer: fc.nat(2), item: fc.nat(5) }), { minLength: 1, maxLength: 8 }),
  refunds: fc.array(fc.record({ order: fc.nat(10), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }), { maxLength: 4 }),
});

type TShowCase = typeof show extends fc.Arbitrary<infer T> ? T : never;

/** A show whose orders take every path the property checks: a decline, a commission, a payout waiting, refunds reversing sent payouts, shipping above the cap. */
const EVERY_PATH: TShowCase = {
  sellers: [
    { shippingMinor: 3_000, ready: true, commissionBps: 0, items: [{ priceMinor: 2_000, quantity: 2 }] },
    { shippingMinor: null, ready: false, commissionBps: 1_500, items: [{ priceMinor: 3_000, quantity: 1 }] },
  ],
  buyers: ['pm_card_visa', 'pm_card_chargeDeclined'],
  claims: [{ buyer: 0, item: 0 }, { buyer: 0, item: 1 }, { buyer: 1, item: 0 }],
  refunds: [{ order: 0, share: 0.5 }, { order: 1, share: 0.5 }, { order: 2, share: 0.5 }],
};

/** How often the runs reached the paths worth reaching; checked after all runs. */
const reached = { declined: 0, commissions: 0, waiting: 0, refunds: 0, reversals: 0, capped: 0 };

describe('money over random shows', () => {
  it('always adds up: charge = items + shipping, shares = charge - refunds, payouts and ledger agree', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(show, async (s) => {
        // --- the people and the closet ---
        const sellers = [];
        for (const sp of s.sellers) {
          const user = await stack.createUser({ ...(sp.shippingMinor === null ? {} : { shippingMinor: sp.shippingMinor }) });
          await stack.db.query(
            `insert into connect_accounts (user_id, stripe_account_id, transfers_active, payouts_enabled, details_submitted)
             values ($1, $2, $3, $3, $3)`,
            [user.id, `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`, sp.ready],
          );
          const items = [];
          for (const it of sp.items) {
            items.push({ ...it, variantId: (await stack.createListing(user.id, { priceMinor: it.priceMinor, variants: [['M', it.quantity]] })).variantIds[0]! });
          }
          sellers.push({ ...sp, user, items });
        }
        const buyers: Awaited<ReturnType<TStack['createUser']>>[] = [];
        for (const card of s.buyers) {
          const buyer = await stack.createUser();
          await stack.http('POST', '/api/payments/test-card', { cookie: buyer.cookie, body: { paymentMethod: card } });
          buyers.push(buyer);
        }
        const [host, ...others] = sellers;
        const entries = host!.items.map((i) => ({ variantId: i.variantId }));
        const cohosted = others.flatMap((o) => o.items.map((i) => ({
          sellerId: o.user.id, variantId: i.variantId, commissionBps: o.commissionBps, priceMinor: i.priceMinor, quantity: i.quantity,
        })));
        // In queue order: the host's items, then the co-hosted ones; each knows its seller.
        const allItems = sellers.flatMap((x, seller) => x.items.map((i) => ({ ...i, seller })));
        // Claims within stock and per-buyer limits: the engine's rules are tested elsewhere.
        const taken = new Map<number, number>();
        const claims = s.claims
          .map((c) => ({ buyer: c.buyer % buyers.length, item: c.item % allItems.length }))
          .filter((c) => {
            const n = taken.get(c.item) ?? 0;
            if (n >= allItems[c.item]!.quantity) return false;
            taken.set(c.item, n + 1);
            return true;
          });
        const { show: created } = await stack.runShow({
          host: host!.user, entries, cohosted,
          claims: claims.map((c) => ({ cookie: buyers[c.buyer]!.cookie, entry: c.item })),
        });

        // --- settlement: every order charged or failed, every payout sent or waiting ---
        const bundles = new Set(claims.map((c) => `${c.buyer}|${allItems[c.item]!.seller}`));
        const settled = async () => {
          const { rows } = await stack.db.query<{ n: number; open: number }>(
            `select count(*)::int as n, count(*) filter (where status = 'pending')::int as open from orders where show_id = $1`,
            [created.id],
          );
          return rows[0]!.n === bundles.size && rows[0]!.open === 0;
        };
        await until('the orders', settled);
        const payoutsDone = async () => {
          const { rows } = await stack.db.query<{ missing: number }>(
            `select count(*)::int as missing from orders o
              where o.show_id = $1 and o.status = 'paid'
                and (not exists (select 1 from transfers t where t.order_id = o.id)
                     or exists (select 1 from transfers t join connect_accounts a on a.user_id = t.destination_user_id
                                 where t.order_id = o.id and t.status = 'waiting' and a.transfers_active))`,
            [created.id],
          );
          return rows[0]!.missing === 0;
        };
        await until('the payouts', payoutsDone);

        // --- refunds, as each order's seller asks; unpaid orders refuse them ---
        const { rows: orders } = await stack.db.query<{ id: string; sellerId: string; status: string; totalMinor: number }>(
          `select id, seller_id as "sellerId", status, total_minor as "totalMinor" from orders where show_id = $1 order by id`,
          [created.id],
        );
        const refunded = new Map<string, number>();
        for (const r of s.refunds) {
          const order = orders[r.order % orders.length]!;
          const cookie = sellers.find((x) => x.user.id === order.sellerId)!.user.cookie;
          const left = order.totalMinor - (refunded.get(order.id) ?? 0);
          const amountMinor = Math.max(1, Math.floor(left * r.share));
          const reply = await stack.http('POST', `/api/orders/${order.id}/refunds`, {
            cookie, body: { attemptId: randomUUID(), amountMinor, reason: 'Damaged in the post' },
          });
          if (order.status !== 'paid' || left <= 0) {
            expect(reply.body.error.code).toBe('CONFLICT');
            continue;
          }
          expect(reply.status).toBe(202);
          refunded.set(order.id, (refunded.get(order.id) ?? 0) + amountMinor);
        }
        await until('the refunds and reversals', async () => {
          const { rows } = await stack.db.query<{ open: number }>(
            `select count(*)::int as open from refunds r join orders o on o.id = r.order_id
              where o.show_id = $1 and (r.status = 'pending' or exists (
                select 1 from transfers t where t.order_id = o.id and t.status = 'sent'
                   and ((t.kind = 'seller' and r.from_seller_minor > 0) or (t.kind = 'commission' and r.from_commission_minor > 0))
                   and not exists (select 1 from transfer_reversals v where v.refund_id = r.id and v.kind = t.kind)))`,
            [created.id],
          );
          return rows[0]!.open === 0;
        });

        // --- the invariants ---
        const { rows: final } = await stack.db.query<{
          id: string; status: string; sellerId: string; buyerId: string; items: number; lines: number; shipping: number; discount: number;
          total: number; seller: number; commission: number; fee: number; refunded: number; sellerRate: number | null;
        }>(
          `select o.id, o.status, o.seller_id as "sellerId", o.buyer_id as "buyerId", o.items_minor as items,
                  (select sum(price_minor)::int from order_items where order_id = o.id) as lines,
                  o.shipping_minor as shipping, o.discount_minor as discount, o.total_minor as total,
                  o.seller_share_minor as seller, o.commission_minor as commission, o.platform_fee_minor as fee,
                  o.refunded_minor as refunded, u.shipping_fee_minor as "sellerRate"
             from orders o join users u on u.id = o.seller_id where o.show_id = $1`,
          [created.id],
        );
        for (const o of final) {
          expect(o.lines).toBe(o.items);
          expect(o.total).toBe(o.items + o.shipping - o.discount);
          expect(o.shipping).toBe(Math.min(o.sellerRate ?? RULES.defaultShippingMinor, RULES.shippingCapMinor));
          expect(o.seller + o.commission + o.fee).toBe(o.total - o.refunded);
          expect(o.refunded).toBe(refunded.get(o.id) ?? 0);
          for (const v of [o.seller, o.commission, o.fee]) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          if (o.sellerId === host!.user.id) expect(o.commission).toBe(0);
          if (o.status !== 'paid') reached.declined++;
          if (o.commission > 0) reached.commissions++;
          if (o.refunded > 0) reached.refunds++;
          if ((o.sellerRate ?? 0) > RULES.shippingCapMinor) reached.capped++;

          const { rows: transfers } = await stack.db.query<{ kind: string; amount: number; reversed: number; status: string; to: string }>(
            `select kind, amount_minor as amount, reversed_minor as reversed, status, destination_user_id as to from transfers where order_id = $1`,
            [o.id],
          );
          const { rows: ledger } = await stack.db.query<{ account: string; minor: number }>(
            `select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account`,
            [o.id],
          );
          const balance = (account: string) => ledger.find((l) => l.account === account)?.minor ?? 0;
          if (o.status !== 'paid') {
            // No payout and no money for an unpaid order.
            expect(transfers).toEqual([]);
            expect(ledger).toEqual([]);
            continue;
          }
          reached.waiting += transfers.filter((t) => t.status === 'waiting').length;
          reached.reversals += transfers.filter((t) => t.reversed > 0).length;
          const netSent = (kind: string) => transfers.filter((t) => t.kind === kind && t.status === 'sent').reduce((sum, t) => sum + t.amount - t.reversed, 0);
          // A ready account has been paid what it is owed now; an unready one nothing yet.
          for (const t of transfers) {
            const ready = sellers.find((x) => x.user.id === t.to)!.ready;
            expect(t.status).toBe(ready ? 'sent' : 'waiting');
          }
          if (sellers.find((x) => x.user.id === o.sellerId)!.ready) expect(netSent('seller')).toBe(o.seller);
          // The ledger: what the platform holds for the order is the charge less refunds
          // and payouts; each party's payable is what it is still owed.
          expect(balance('platform:stripe_balance')).toBe(o.total - o.refunded - netSent('seller') - netSent('commission'));
          expect(balance(`seller:${o.sellerId}:payable`)).toBe(netSent('seller') - o.seller);
          expect(balance(`host:${host!.user.id}:commission_payable`)).toBe(netSent('commission') - o.commission);
          expect(balance('platform:fees')).toBe(0 - o.fee);
        }
        const { rows: unbalanced } = await stack.db.query(
          `select journal from ledger_entries l join orders o on o.id = l.order_id where o.show_id = $1 group by journal having sum(amount_minor) <> 0`,
          [created.id],
        );
        expect(unbalanced).toEqual([]);
      }),
      // One show that reaches every path below first (declined, commission, waiting payout,
      // refund, reversal, capped shipping), then random ones: the coverage check cannot
      // fail for want of luck.
      { numRuns: 25, examples: [[EVERY_PATH]] },
    );
    // A property that never reaches a path cannot fail on it.
    for (const [path, count] of Object.entries(reached)) expect(count, path).toBeGreaterThan(0);
  });
});
