import { randomUUID } from 'node:crypto';
import { createLogger, queryRows, withTransaction } from '@showcart/common';
import { AppError } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startStack, type TStack } from '../../../../infra/test/harness.ts';
import { insertOrder } from '../orders/insert-order.ts';
import { markOrderPaid } from '../orders/mark-paid.ts';
import { refundOrder } from '../payouts/refund-order.ts';
import { transferOrder } from '../payouts/transfer-order.ts';
import { addToBox } from './add-to-box.ts';
import { shipBox } from './ship-box.ts';
import { suggestShipTogether } from './suggest-ship-together.ts';

/**
 * Ship together and the first-sale boost through the domain's own functions on a real
 * Postgres and stripe-mock: random sequences of first orders (a new seller's boosted),
 * payments, suggestions (a seller's own items and another's), adds with good and declined
 * cards and their retries, refunds of either kind of order, payouts and shipping. After
 * each sequence: every order adds up, an added item pays no shipping and takes no
 * discount, each box has one shipping fee, nothing joined a box after it shipped, every
 * journal balances and each order's ledger accounts say what it was charged, refunded and
 * paid out, at most one boost per seller, and the closet lost exactly the units paid for.
 */
let stack: TStack;
const FEE_BPS = 700;
const BOOST_MAX = 500;
const VISA = 'visa';
const DECLINED = 'pm_card_chargeDeclined';
const logger = createLogger('test', 'silent');
beforeAll(async () => {
  stack = await startStack({});
});
afterAll(async () => stack?.close());

const deps = () => ({ db: stack.db, queue: stack.settlementQueue, logger, stripe: stack.stripe, config: { ...stack.config, platformFeeBps: FEE_BPS } });

type TSeller = { id: string; showId: string; entryId: string; items: { variantId: string; quantity: number; priceMinor: number }[] };
let position = 0;

const newSeller = async (established: boolean, items: { priceMinor: number; quantity: number }[]): Promise<TSeller> => {
  const user = await stack.createUser();
  await stack.db.query(
    `insert into connect_accounts (user_id, stripe_account_id, transfers_active, payouts_enabled, details_submitted) values ($1, $2, true, true, true)`,
    [user.id, `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`],
  );
  const { variantIds } = await stack.createListing(user.id, { variants: [['M', 1_000]] });
  // The show holds one unit: first orders here sell from the rest of that closet item.
  const show = await stack.createShow(user.cookie, [{ variantId: variantIds[0]!, quantity: 1 }]);
  if (established) await stack.db.query('update users set first_sale_at = now() where id = $1', [user.id]);
  const closet = [];
  for (const it of items) closet.push({ ...it, variantId: (await stack.createListing(user.id, { priceMinor: it.priceMinor, variants: [['M', it.quantity]] })).variantIds[0]! });
  return { id: user.id, showId: show.id, entryId: show.entries[0]!.entryId, items: closet };
};

/** A first order of one claim, as a replay purchase makes it. */
const firstOrder = (seller: TSeller, buyerId: string, priceMinor: number, shippingMinor: number) =>
  withTransaction(stack.db, async (tx) => {
    const claimId = randomUUID();
    await tx.query(
      `insert into claims (id, show_id, entry_id, buyer_id, position, price_minor, status, claimed_at) values ($1, $2, $3, $4, $5, $6, 'won', now())`,
      [claimId, seller.showId, seller.entryId, buyerId, ++position, priceMinor],
    );
    return (await insertOrder(tx, {
      showId: seller.showId, buyerId, sellerId: seller.id, hostId: seller.id, currency: 'usd', origin: 'replay',
      claims: [{ id: claimId, priceMinor, commissionBps: 0 }], shippingMinor, platformFeeBps: FEE_BPS, firstSaleDiscountMaxMinor: BOOST_MAX,
    }))!;
  });

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
};

const item = fc.record({ priceMinor: fc.integer({ min: 1, max: 20_000 }), quantity: fc.integer({ min: 1, max: 2 }) });
const step = fc.oneof(
  fc.record({ op: fc.constant('order' as const), seller: fc.nat(1), priceMinor: fc.integer({ min: 1, max: 20_000 }), shippingMinor: fc.constantFrom(0, 300, 700) }),
  fc.record({ op: fc.constant('pay' as const), order: fc.nat(9) }),
  fc.record({ op: fc.constant('suggest' as const), order: fc.nat(9), item: fc.nat(2), foreign: fc.boolean() }),
  fc.record({ op: fc.constant('add' as const), suggestion: fc.nat(9), card: fc.constantFrom(VISA, VISA, DECLINED) }),
  fc.record({ op: fc.constant('retry' as const), attempt: fc.nat(9) }),
  fc.record({ op: fc.constant('refund' as const), order: fc.nat(19), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('payout' as const), order: fc.nat(19) }),
  fc.record({ op: fc.constant('ship' as const), order: fc.nat(9) }),
);
const sequence = fc.record({
  established: fc.tuple(fc.boolean(), fc.boolean()),
  items: fc.tuple(fc.array(item, { minLength: 1, maxLength: 3 }), fc.array(item, { minLength: 1, maxLength: 3 })),
  steps: fc.array(step, { minLength: 1, maxLength: 16 }),
});
type TSequence = typeof sequence extends fc.Arbitrary<infer T> ? T : never;

/** Every path below first: a boosted box with an add, a decline and a retry of it, two boxes wanting the last unit, an add paid out and refunded, a box shipped then refused, another seller's item, a refunded box. */
const EVERY_PATH: TSequence = {
  established: [false, true],
  items: [[{ priceMinor: 2_500, quantity: 1 }, { priceMinor: 1_200, quantity: 2 }], [{ priceMinor: 900, quantity: 1 }]],
  steps: [
    { op: 'order', seller: 0, priceMinor: 4_000, shippingMinor: 700 },
    { op: 'suggest', order: 0, item: 0, foreign: false },
    { op: 'pay', order: 0 },
    { op: 'suggest', order: 0, item: 0, foreign: false },
    { op: 'suggest', order: 0, item: 1, foreign: false },
    { op: 'suggest', order: 0, item: 0, foreign: true },
    { op: 'order', seller: 0, priceMinor: 2_000, shippingMinor: 300 },
    { op: 'pay', order: 1 },
    { op: 'suggest', order: 1, item: 0, foreign: false },
    { op: 'add', suggestion: 0, card: DECLINED },
    { op: 'retry', attempt: 0 },
    { op: 'add', suggestion: 0, card: VISA },
    { op: 'retry', attempt: 1 },
    { op: 'add', suggestion: 0, card: VISA },
    { op: 'add', suggestion: 2, card: VISA },
    { op: 'payout', order: 2 },
    { op: 'refund', order: 2, share: 0.5 },
    { op: 'ship', order: 0 },
    { op: 'add', suggestion: 1, card: VISA },
    { op: 'order', seller: 1, priceMinor: 3_000, shippingMinor: 300 },
    { op: 'pay', order: 2 },
    { op: 'suggest', order: 2, item: 0, foreign: false },
    { op: 'refund', order: 3, share: 1 },
    { op: 'add', suggestion: 3, card: VISA },
  ],
};

/** What the runs reached, checked after all of them: a property that never reaches a path cannot fail on it. */
const reached = { added: 0, boostedBox: 0, declined: 0, retried: 0, shippedRefused: 0, closedRefused: 0, soldOut: 0, foreign: 0, refundedAdd: 0, paidOutAdd: 0 };

describe('ship together and the first-sale boost over random sequences', () => {
  it('keeps every order adding up, one shipping fee per box, the ledger balanced and the closet exact', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async (s) => {
        const sellers = [await newSeller(s.established[0], s.items[0]), await newSeller(s.established[1], s.items[1])];
        const buyer = await stack.createUser({ withCard: true });
        const visaMethod = (await stack.db.query<{ m: string }>('select default_payment_method_id as m from payment_profiles where user_id = $1', [buyer.id])).rows[0]!.m;
        // The model: first orders and their boxes, the suggestions, the adds.
        type TBoxModel = { id: string; seller: number; paid: boolean; shipped: boolean; refunded: boolean };
        const firsts: TBoxModel[] = [];
        const suggestions: { id: string; first: TBoxModel; variantId: string; addedBy: string | null }[] = [];
        const attempts: { id: string; suggestion: (typeof suggestions)[number]; code: string; orderId: string | null }[] = [];
        const paidAdds = new Map<string, number>();
        const all: { id: string; paid: boolean }[] = [];
        const freeOf = (seller: number, variantId: string) =>
          sellers[seller]!.items.find((i) => i.variantId === variantId)!.quantity - (paidAdds.get(variantId) ?? 0);

        for (const st of s.steps) {
          if (st.op === 'order') {
            const id = await firstOrder(sellers[st.seller]!, buyer.id, st.priceMinor, st.shippingMinor);
            firsts.push({ id, seller: st.seller, paid: false, shipped: false, refunded: false });
            all.push({ id, paid: false });
          } else if (st.op === 'pay' && firsts.length > 0) {
            const f = firsts[st.order % firsts.length]!;
            await withTransaction(stack.db, (tx) => markOrderPaid(tx, { orderId: f.id, paymentIntentId: `pi_${randomUUID().replaceAll('-', '')}`, chargeId: null }));
            f.paid = true;
            all.find((o) => o.id === f.id)!.paid = true;
          } else if (st.op === 'suggest' && firsts.length > 0) {
            const f = firsts[st.order % firsts.length]!;
            const owner = st.foreign ? 1 - f.seller : f.seller;
            const it = sellers[owner]!.items[st.item % sellers[owner]!.items.length]!;
            const code = await codeOf(suggestShipTogether(deps(), { orderId: f.id, sellerId: sellers[f.seller]!.id, variantIds: [it.variantId] }));
            const known = suggestions.some((g) => g.first === f && g.variantId === it.variantId);
            const expected = f.shipped ? 'ORDER_SHIPPED' : f.refunded ? 'ORDER_CLOSED' : !f.paid ? 'CONFLICT'
              : st.foreign ? 'FORBIDDEN' : known ? 'ok' : freeOf(owner, it.variantId) < 1 ? 'NOT_ENOUGH_STOCK' : 'ok';
            expect(code).toBe(expected);
            if (code === 'FORBIDDEN') reached.foreign++;
            if (code === 'ok' && !known) {
              const { rows } = await stack.db.query<{ id: string }>(
                'select g.id from ship_together_suggestions g join orders o on o.shipment_id = g.shipment_id where o.id = $1 and g.variant_id = $2', [f.id, it.variantId]);
              suggestions.push({ id: rows[0]!.id, first: f, variantId: it.variantId, addedBy: null });
            }
          } else if (st.op === 'add' && suggestions.length > 0) {
            const g = suggestions[st.suggestion % suggestions.length]!;
            await stack.db.query('update payment_profiles set default_payment_method_id = $2 where user_id = $1', [buyer.id, st.card === VISA ? visaMethod : DECLINED]);
            const attemptId = randomUUID();
            let orderId: string | null = null;
            const code = await codeOf(addToBox(deps(), { orderId: g.first.id, suggestionId: g.id, attemptId, buyerId: buyer.id }).then((r) => (orderId = r.order.id)));
            const seller = g.first.seller;
            const expected = g.first.shipped ? 'ORDER_SHIPPED' : g.first.refunded ? 'ORDER_CLOSED' : g.addedBy ? 'CONFLICT'
              : freeOf(seller, g.variantId) < 1 ? 'SOLD_OUT' : st.card === DECLINED ? 'CARD_DECLINED' : 'ok';
            expect(code).toBe(expected);
            attempts.push({ id: attemptId, suggestion: g, code, orderId });
            if (code === 'ORDER_SHIPPED') reached.shippedRefused++;
            if (code === 'ORDER_CLOSED') reached.closedRefused++;
            if (code === 'SOLD_OUT') reached.soldOut++;
            if (code === 'CARD_DECLINED') reached.declined++;
            if (code === 'ok') {
              g.addedBy = orderId;
              paidAdds.set(g.variantId, (paidAdds.get(g.variantId) ?? 0) + 1);
              all.push({ id: orderId!, paid: true });
              reached.added++;
              const boost = (await stack.db.query<{ b: number }>('select boost_minor as b from orders where id = $1', [g.first.id])).rows[0]!.b;
              if (boost > 0) reached.boostedBox++;
            }
          } else if (st.op === 'retry' && attempts.length > 0) {
            const a = attempts[st.attempt % attempts.length]!;
            await stack.db.query('update payment_profiles set default_payment_method_id = $2 where user_id = $1', [buyer.id, visaMethod]);
            let orderId: string | null = null;
            const code = await codeOf(addToBox(deps(), { orderId: a.suggestion.first.id, suggestionId: a.suggestion.id, attemptId: a.id, buyerId: buyer.id })
              .then((r) => (orderId = r.order.id)));
            // The same add: the same order, or the same answer (a refusal made nothing, so it is decided anew).
            if (a.code === 'ok' || a.code === 'CARD_DECLINED') {
              expect(code).toBe(a.code);
              expect(orderId).toBe(a.orderId);
              reached.retried++;
            } else if (code === 'ok') {
              a.suggestion.addedBy = orderId;
              paidAdds.set(a.suggestion.variantId, (paidAdds.get(a.suggestion.variantId) ?? 0) + 1);
              all.push({ id: orderId!, paid: true });
              Object.assign(a, { code, orderId });
            }
          } else if (st.op === 'refund' && all.length > 0) {
            const o = all[st.order % all.length]!;
            if (!o.paid) continue;
            const left = (await stack.db.query<{ left: number }>('select total_minor - refunded_minor as left from orders where id = $1', [o.id])).rows[0]!.left;
            if (left <= 0) continue;
            const refundId = randomUUID();
            const sellerId = (await stack.db.query<{ s: string }>('select seller_id as s from orders where id = $1', [o.id])).rows[0]!.s;
            await stack.db.query(`insert into refunds (id, order_id, amount_minor, reason, created_by) values ($1, $2, $3, 'Damaged', $4)`,
              [refundId, o.id, Math.max(1, Math.floor(left * st.share)), sellerId]);
            await refundOrder({ db: stack.db, stripe: stack.stripe, logger }, refundId);
            const first = firsts.find((f) => f.id === o.id);
            if (first) first.refunded = true;
            else reached.refundedAdd++;
          } else if (st.op === 'payout' && all.length > 0) {
            const o = all[st.order % all.length]!;
            const { sent } = await transferOrder({ db: stack.db, stripe: stack.stripe, logger }, o.id);
            if (sent.length > 0 && !firsts.some((f) => f.id === o.id)) reached.paidOutAdd++;
          } else if (st.op === 'ship' && firsts.length > 0) {
            const f = firsts[st.order % firsts.length]!;
            const code = await codeOf(shipBox(deps(), { orderId: f.id, sellerId: sellers[f.seller]!.id }));
            expect(code).toBe(f.paid ? 'ok' : 'CONFLICT');
            if (code === 'ok') f.shipped = true;
          }
        }

        // --- what Postgres holds ---
        const sellerIds = sellers.map((x) => x.id);
        const rows = await queryRows(stack.db, z.object({
          id: z.string(), sellerId: z.string(), origin: z.string(), status: z.string(), items: z.number(), shipping: z.number(),
          discount: z.number(), boost: z.number(), total: z.number(), seller: z.number(), commission: z.number(), fee: z.number(),
          refunded: z.number(), shipmentId: z.string().nullable(), shippedAt: z.date().nullable(), createdAt: z.date(),
          addPrice: z.number().nullable(), boxShippedAt: z.date().nullable(),
        }),
          `select o.id, o.seller_id as "sellerId", o.origin, o.status, o.items_minor as items, o.shipping_minor as shipping,
                  o.discount_minor as discount, o.boost_minor as boost, o.total_minor as total, o.seller_share_minor as seller,
                  o.commission_minor as commission, o.platform_fee_minor as fee, o.refunded_minor as refunded,
                  o.shipment_id as "shipmentId", o.shipped_at as "shippedAt", o.created_at as "createdAt",
                  (select price_minor from ship_together_adds a where a.order_id = o.id) as "addPrice",
                  (select shipped_at from shipments sh where sh.id = o.shipment_id) as "boxShippedAt"
             from orders o where o.seller_id = any($1::uuid[])`,
          [sellerIds],
        );
        expect(rows).toHaveLength(firsts.length + attempts.filter((a) => a.code === 'ok' || a.code === 'CARD_DECLINED').length);
        for (const o of rows) {
          // Invariant 4, the platform's net fee being fee − boost.
          expect(o.total).toBe(o.items + o.shipping - o.discount);
          expect(o.seller + o.commission + (o.fee - o.boost)).toBe(o.total - o.refunded);
          expect(o.refunded).toBeLessThanOrEqual(o.total);
          if (o.origin === 'ship_together') {
            // The item price only: no shipping, so no discount on it, and no boost.
            expect([o.shipping, o.discount, o.boost, o.commission]).toEqual([0, 0, 0, 0]);
            expect(o.total).toBe(o.addPrice);
            expect(o.shipmentId).not.toBeNull();
            expect(o.status).toMatch(/^(paid|canceled)$/);
            // Nothing joined a box after it shipped.
            if (o.boxShippedAt) expect(o.createdAt.getTime()).toBeLessThanOrEqual(o.boxShippedAt.getTime());
          }
          if (o.boxShippedAt && o.status === 'paid') expect(o.shippedAt).toEqual(o.boxShippedAt);

          const ledger = await queryRows(stack.db, z.object({ account: z.string(), minor: z.number() }),
            'select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account', [o.id]);
          const balance = (account: string) => ledger.find((l) => l.account === account)?.minor ?? 0;
          if (o.status !== 'paid') {
            expect(ledger).toEqual([]);
            continue;
          }
          const moved = await queryRows(stack.db, z.object({ sent: z.number(), reversed: z.number() }),
            `select coalesce(sum(amount_minor) filter (where status = 'sent'), 0)::int as sent, coalesce(sum(reversed_minor), 0)::int as reversed
               from transfers where order_id = $1 and kind = 'seller'`, [o.id]);
          const { sent, reversed } = moved[0]!;
          expect(balance('platform:stripe_balance')).toBe(o.total - o.refunded - sent + reversed);
          expect(balance('platform:boost')).toBe(o.boost);
          expect(balance(`seller:${o.sellerId}:payable`)).toBe(sent - reversed - o.seller);
          expect(balance('platform:fees')).toBe(0 - o.fee);
        }
        // One shipping fee per box.
        const boxes = new Map<string, number>();
        for (const o of rows) if (o.shipmentId && o.shipping > 0) boxes.set(o.shipmentId, (boxes.get(o.shipmentId) ?? 0) + 1);
        for (const n of boxes.values()) expect(n).toBe(1);
        // Every journal of these orders balances.
        const unbalanced = await queryRows(stack.db, z.object({ journal: z.string() }),
          `select journal from ledger_entries l join orders o on o.id = l.order_id where o.seller_id = any($1::uuid[])
            group by journal having sum(amount_minor) <> 0`, [sellerIds]);
        expect(unbalanced).toEqual([]);
        // One boost per seller, and only on an order of its own shipping.
        for (const id of sellerIds) expect(rows.filter((o) => o.sellerId === id && o.boost > 0 && o.status !== 'canceled').length).toBeLessThanOrEqual(1);
        // The closet lost exactly the units paid for, and nothing still holds a unit.
        for (const [i, seller] of sellers.entries()) {
          for (const it of seller.items) {
            const v = (await stack.db.query<{ quantity: number; reserved: number }>('select quantity, reserved from listing_variants where id = $1', [it.variantId])).rows[0]!;
            expect(v).toEqual({ quantity: it.quantity - (paidAdds.get(it.variantId) ?? 0), reserved: 0 });
            expect(freeOf(i, it.variantId)).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 30, examples: [[EVERY_PATH]] },
    );
    for (const [path, count] of Object.entries(reached)) expect(count, path).toBeGreaterThan(0);
  });
});
