import { randomUUID } from 'node:crypto';
import { createLogger, queryRows, withTransaction } from '@showcart/common';
import { splitOrder } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, sleep, type TStack } from '../../../../infra/test/harness.ts';
import { refundOrder } from '../payouts/refund-order.ts';
import { releaseOrder } from '../waitlist/release-order.ts';
import { insertOrder } from './insert-order.ts';
import { markOrderPaid, markOrderUnpaid } from './mark-paid.ts';
import { z } from 'zod';

/**
 * The first-sale boost through the domain's own functions on a real Postgres (and
 * stripe-mock for refunds): random sequences of orders of new and established sellers,
 * first orders made at once, declines and releases, payments and refunds; after each
 * sequence the money adds up, the ledger balances, each seller has at most one boost, and
 * each seller is owed exactly what it would be without the boost.
 */
let stack: TStack;
const FEE_BPS = 700;
const BOOST_MAX = 600;
const logger = createLogger('test', 'silent');
beforeAll(async () => {
  stack = await startStack({});
});
afterAll(async () => stack?.close());

type TSeller = { id: string; showId: string; entryId: string };
let position = 0;

const newSeller = async (established: boolean): Promise<TSeller> => {
  const user = await stack.createUser();
  const { variantIds } = await stack.createListing(user.id, { variants: [['M', 1_000]] });
  // The show holds one unit: the orders here sell from the rest of the closet.
  const show = await stack.createShow(user.cookie, [{ variantId: variantIds[0]!, quantity: 1 }]);
  if (established) await stack.db.query('update users set first_sale_at = now() where id = $1', [user.id]);
  return { id: user.id, showId: show.id, entryId: show.entries[0]!.entryId };
};

type TLine = { priceMinor: number; commissionBps: number; shippingMinor: number };

/** One order of one claim, as a replay purchase makes it, in its own transaction. */
const order = async (seller: TSeller, buyerId: string, line: TLine, hold?: Promise<void>) =>
  withTransaction(stack.db, async (tx) => {
    const claimId = randomUUID();
    await tx.query(
      `insert into claims (id, show_id, entry_id, buyer_id, position, price_minor, status, claimed_at)
       values ($1, $2, $3, $4, $5, $6, 'won', now())`,
      [claimId, seller.showId, seller.entryId, buyerId, ++position, line.priceMinor],
    );
    const id = await insertOrder(tx, {
      showId: seller.showId, buyerId, sellerId: seller.id, hostId: seller.id, currency: 'usd', origin: 'replay',
      claims: [{ id: claimId, priceMinor: line.priceMinor, commissionBps: line.commissionBps }],
      shippingMinor: line.shippingMinor, platformFeeBps: FEE_BPS, firstSaleDiscountMaxMinor: BOOST_MAX,
    });
    await hold;
    return id!;
  });

const boostOf = async (orderId: string) =>
  (await stack.db.query<{ boost: number }>('select boost_minor as boost from orders where id = $1', [orderId])).rows[0]!.boost;

const pay = (orderId: string) =>
  withTransaction(stack.db, (tx) => markOrderPaid(tx, { orderId, paymentIntentId: `pi_${randomUUID().replaceAll('-', '')}`, chargeId: null }));

const line = fc.record({
  priceMinor: fc.integer({ min: 1, max: 20_000 }),
  commissionBps: fc.constantFrom(0, 1_500),
  shippingMinor: fc.constantFrom(0, 300, 600, 1_200),
});
const step = fc.oneof(
  fc.record({ op: fc.constant('order' as const), seller: fc.nat(2), line }),
  fc.record({ op: fc.constant('both at once' as const), seller: fc.nat(2), line, other: line }),
  fc.record({ op: fc.constant('pay' as const), order: fc.nat(20) }),
  fc.record({ op: fc.constant('decline' as const), order: fc.nat(20) }),
  fc.record({ op: fc.constant('release' as const), order: fc.nat(20) }),
  fc.record({ op: fc.constant('refund' as const), order: fc.nat(20), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
);
const sequence = fc.record({ established: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), steps: fc.array(step, { minLength: 1, maxLength: 14 }) });

type TSequence = typeof sequence extends fc.Arbitrary<infer T> ? T : never;
const l = (shippingMinor: 0 | 300 | 600 | 1_200) => ({ priceMinor: 2_500, commissionBps: 1_500 as const, shippingMinor });
/** A sequence through every path below first: a boost given back by a release and taken again, a race, a refund, an established seller. */
const EVERY_PATH: TSequence = {
  established: [false, true, false],
  steps: [
    { op: 'order', seller: 0, line: l(600) },
    { op: 'decline', order: 0 },
    { op: 'release', order: 0 },
    { op: 'order', seller: 0, line: l(1_200) },
    { op: 'both at once', seller: 2, line: l(300), other: l(600) },
    { op: 'pay', order: 1 },
    { op: 'refund', order: 1, share: 1 },
    { op: 'order', seller: 0, line: l(300) },
    { op: 'order', seller: 1, line: l(300) },
  ],
};

/** What every sequence's paths reached, checked after all runs: a property that never reaches one cannot fail on it. */
const reached = { boosted: 0, concurrentFirst: 0, paidBoosted: 0, refundedBoosted: 0, returned: 0, secondOrder: 0 };

describe('the first-sale boost over random sequences', () => {
  it('keeps the money adding up, the ledger balanced, one boost per seller and the seller whole', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async (s) => {
        const sellers = await Promise.all(s.established.map((e) => newSeller(e)));
        const buyer = await stack.createUser();
        // The model: a seller is new until paid; the boost is free unless an order that is not canceled holds it.
        const model = sellers.map((x, i) => ({ paid: s.established[i]!, holder: null as string | null }));
        const orders: { id: string; seller: number; line: TLine; status: 'open' | 'declined' | 'paid' | 'canceled'; refunded: number }[] = [];
        const expectBoost = (id: string, seller: number, l: TLine, boost: number) => {
          const m = model[seller]!;
          const due = !m.paid && m.holder === null && l.shippingMinor > 0 ? Math.min(l.shippingMinor, BOOST_MAX) : 0;
          expect(boost).toBe(due);
          if (boost > 0) {
            m.holder = id;
            reached.boosted++;
          } else if (!m.paid) reached.secondOrder++;
        };
        for (const st of s.steps) {
          if (st.op === 'order') {
            const id = await order(sellers[st.seller]!, buyer.id, st.line);
            expectBoost(id, st.seller, st.line, await boostOf(id));
            orders.push({ id, seller: st.seller, line: st.line, status: 'open', refunded: 0 });
          } else if (st.op === 'both at once') {
            const [a, b] = await Promise.all([order(sellers[st.seller]!, buyer.id, st.line), order(sellers[st.seller]!, buyer.id, st.other)]);
            const [boostA, boostB] = [await boostOf(a), await boostOf(b)];
            // Which one takes it is a race; that at most one does is not.
            expect(boostA > 0 && boostB > 0).toBe(false);
            if (boostA > 0 || boostB > 0) reached.concurrentFirst++;
            const [first, second] = boostB > 0 ? ([[b, st.other, boostB], [a, st.line, boostA]] as const) : ([[a, st.line, boostA], [b, st.other, boostB]] as const);
            expectBoost(first[0], st.seller, first[1], first[2]);
            expectBoost(second[0], st.seller, second[1], second[2]);
            orders.push({ id: first[0], seller: st.seller, line: first[1], status: 'open', refunded: 0 });
            orders.push({ id: second[0], seller: st.seller, line: second[1], status: 'open', refunded: 0 });
          } else if (orders.length > 0) {
            const o = orders[st.order % orders.length]!;
            if (st.op === 'pay') {
              const paid = await pay(o.id);
              expect(paid).toBe(o.status === 'open' || o.status === 'declined');
              if (paid) {
                o.status = 'paid';
                model[o.seller]!.paid = true;
                if (model[o.seller]!.holder === o.id) reached.paidBoosted++;
              }
            } else if (st.op === 'decline') {
              const declined = await withTransaction(stack.db, (tx) => markOrderUnpaid(tx, {
                orderId: o.id, status: 'payment_failed', failureCode: 'card_declined', paymentIntentId: null, payBy: new Date(Date.now() - 1_000),
              }));
              expect(declined).toBe(o.status === 'open' || o.status === 'declined');
              if (declined) o.status = 'declined';
            } else if (st.op === 'release') {
              await releaseOrder({ db: stack.db, logger: logger, offerMs: 60_000 }, o.id);
              if (o.status === 'declined') {
                o.status = 'canceled';
                if (model[o.seller]!.holder === o.id) {
                  model[o.seller]!.holder = null;
                  reached.returned++;
                }
              }
            } else {
              const total = (await stack.db.query<{ total: number }>('select total_minor as total from orders where id = $1', [o.id])).rows[0]!.total;
              const left = total - o.refunded;
              if (o.status !== 'paid' || left <= 0) continue;
              const amount = Math.max(1, Math.floor(left * st.share));
              const refundId = randomUUID();
              await stack.db.query(
                `insert into refunds (id, order_id, amount_minor, reason, created_by) values ($1, $2, $3, 'Damaged in the post', $4)`,
                [refundId, o.id, amount, sellers[o.seller]!.id],
              );
              await refundOrder({ db: stack.db, stripe: stack.stripe, logger: logger }, refundId);
              o.refunded += amount;
              if (model[o.seller]!.holder === o.id) reached.refundedBoosted++;
            }
          }
        }

        // --- what Postgres holds ---
        const rows = await queryRows(stack.db, z.object({
          id: z.string(), sellerId: z.string(), status: z.string(), items: z.number(), shipping: z.number(), discount: z.number(),
          boost: z.number(), total: z.number(), seller: z.number(), commission: z.number(), fee: z.number(), refunded: z.number(),
          transfer: z.number().nullable(),
        }),
          `select o.id, o.seller_id as "sellerId", o.status, o.items_minor as items, o.shipping_minor as shipping,
                  o.discount_minor as discount, o.boost_minor as boost, o.total_minor as total, o.seller_share_minor as seller,
                  o.commission_minor as commission, o.platform_fee_minor as fee, o.refunded_minor as refunded,
                  (select amount_minor from transfers t where t.order_id = o.id and t.kind = 'seller') as transfer
             from orders o where o.seller_id = any($1::uuid[])`,
          [sellers.map((x) => x.id)],
        );
        expect(rows).toHaveLength(orders.length);
        for (const o of rows) {
          const mine = orders.find((x) => x.id === o.id)!;
          const lines = [{ priceMinor: mine.line.priceMinor, commissionBps: mine.line.commissionBps }];
          // Invariant 4, with the platform's net fee (fee − boost).
          expect(o.total).toBe(o.items + o.shipping - o.discount);
          expect(o.discount).toBe(o.boost);
          expect(o.seller + o.commission + (o.fee - o.boost)).toBe(o.total - o.refunded);
          expect(o.refunded).toBe(mine.refunded);
          // The seller gets what it would without the boost, refunds and all.
          const unboosted = splitOrder({ lines, shippingMinor: mine.line.shippingMinor, platformFeeBps: FEE_BPS, refundedMinor: o.refunded });
          expect(o.seller).toBe(unboosted.sellerShareMinor);
          expect(o.transfer).toBe(o.status === 'paid' ? splitOrder({ lines, shippingMinor: mine.line.shippingMinor, platformFeeBps: FEE_BPS }).sellerShareMinor || null : null);

          const ledger = await queryRows(stack.db, z.object({ account: z.string(), minor: z.number() }),
            'select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account', [o.id]);
          const balance = (account: string) => ledger.find((l) => l.account === account)?.minor ?? 0;
          if (o.status !== 'paid') {
            expect(ledger).toEqual([]);
            continue;
          }
          // Nothing is paid out here: the platform holds the charge less refunds, and owes the shares.
          expect(balance('platform:stripe_balance')).toBe(o.total - o.refunded);
          expect(balance('platform:boost')).toBe(o.boost);
          expect(balance(`seller:${o.sellerId}:payable`)).toBe(0 - o.seller);
          expect(balance('platform:fees')).toBe(0 - o.fee);
        }
        const unbalanced = await queryRows(stack.db, z.object({ journal: z.string() }),
          `select journal from ledger_entries l join orders o on o.id = l.order_id where o.seller_id = any($1::uuid[])
            group by journal having sum(amount_minor) <> 0`,
          [sellers.map((x) => x.id)],
        );
        expect(unbalanced).toEqual([]);

        // One boost per seller; the row that backs it names the order holding it; the badge follows the first sale.
        for (const [i, seller] of sellers.entries()) {
          const holding = rows.filter((o) => o.sellerId === seller.id && o.boost > 0 && o.status !== 'canceled');
          expect(holding.length).toBeLessThanOrEqual(1);
          expect(holding.map((o) => o.id)).toEqual(model[i]!.holder ? [model[i]!.holder] : []);
          if (s.established[i]) expect(rows.filter((o) => o.sellerId === seller.id && o.boost > 0)).toEqual([]);
          const backing = await queryRows(stack.db, z.object({ orderId: z.string() }),
            'select order_id as "orderId" from first_sale_boosts where seller_id = $1', [seller.id]);
          expect(backing.map((b) => b.orderId)).toEqual(holding.map((o) => o.id));
          const user = await queryRows(stack.db, z.object({ newSeller: z.boolean() }),
            'select first_sale_at is null as "newSeller" from users where id = $1', [seller.id]);
          expect(user[0]!.newSeller).toBe(!model[i]!.paid);
        }
      }),
      { numRuns: 40, examples: [[EVERY_PATH]] },
    );
    for (const [path, count] of Object.entries(reached)) expect(count, path).toBeGreaterThan(0);
  });

  it('lets only one of two first orders made at once take the boost: the second waits on the seller’s row, then goes without', async () => {
    const seller = await newSeller(false);
    const [a, b] = [await stack.createUser(), await stack.createUser()];
    const l = { priceMinor: 2_000, commissionBps: 0, shippingMinor: 500 };
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    // The first order's transaction stays open, holding the boost, while the second is made.
    const first = order(seller, a.id, l, held);
    await sleep(200);
    let secondDone = false;
    const second = order(seller, b.id, l).then((id) => ((secondDone = true), id));
    await sleep(500);
    expect(secondDone).toBe(false);
    letGo();
    const [firstId, secondId] = await Promise.all([first, second]);
    expect(await boostOf(firstId)).toBe(500);
    expect(await boostOf(secondId)).toBe(0);
    // Applying the boost twice is refused by Postgres: one row per seller, one per order.
    await expect(stack.db.query('insert into first_sale_boosts (seller_id, order_id) values ($1, $2)', [seller.id, secondId]))
      .rejects.toMatchObject({ code: '23505' });
    // A paid order paid again (a webhook after the charge job) posts nothing more.
    expect(await pay(firstId)).toBe(true);
    expect(await pay(firstId)).toBe(false);
    const boosted = await queryRows(stack.db, z.object({ minor: z.number() }),
      `select coalesce(sum(amount_minor), 0)::int as minor from ledger_entries where account = 'platform:boost' and order_id = any($1::uuid[])`,
      [[firstId, secondId]]);
    expect(boosted[0]!.minor).toBe(500);
  });
});
