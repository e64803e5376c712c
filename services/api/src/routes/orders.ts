import { randomUUID } from 'node:crypto';
import { enqueue, JOBS, jobIds, withTransaction, type Stripe, type TQueryable } from '@showcart/common';
import { holdClaimUnit, insertOrder, markOrderPaid, markOrderUnpaid, releaseOfferUnit, shippingFor } from '@showcart/domain';
import {
  AppError,
  ZAttemptBody,
  ZPayCompleteBody,
  ZRefundBody,
  type TOrder,
  type TRefund,
  type TPayReply,
  type TSale,
  type TShowSales,
  type TWaitlistOffer,
} from '@showcart/shared';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';
import { parseWith, ZIdParam } from '../http.ts';
import { isTestMode } from './payments.ts';

type TOrderRow = Omit<TOrder, 'createdAt' | 'paidAt' | 'payBy'> & { createdAt: Date; paidAt: Date | null; payBy: Date | null };

const ORDER_SELECT = `select o.id, o.show_id as "showId", s.title as "showTitle", u.display_name as "sellerName",
        o.currency, o.items_minor as "itemsMinor", o.shipping_minor as "shippingMinor",
        o.discount_minor as "discountMinor", o.total_minor as "totalMinor", o.status, o.origin,
        o.failure_code as "failureCode", o.pay_by as "payBy", o.refunded_minor as "refundedMinor",
        o.created_at as "createdAt", o.paid_at as "paidAt",
        (select json_agg(json_build_object('claimId', c.id, 'title', l.title,
                  'variantLabel', v.label, 'priceMinor', oi.price_minor) order by c.position)
           from order_items oi join claims c on c.id = oi.claim_id
           join show_entries e on e.id = c.entry_id
           join listing_variants v on v.id = e.variant_id
           join listings l on l.id = v.listing_id
          where oi.order_id = o.id) as items
   from orders o join shows s on s.id = o.show_id join users u on u.id = o.seller_id`;

const toOrder = (o: TOrderRow): TOrder => ({
  ...o,
  createdAt: o.createdAt.toISOString(),
  paidAt: o.paidAt?.toISOString() ?? null,
  payBy: o.payBy?.toISOString() ?? null,
});

export const buyersOrder = async (db: TQueryable, orderId: string, buyerId: string): Promise<TOrder> => {
  const { rows } = await db.query<TOrderRow>(`${ORDER_SELECT} where o.id = $1 and o.buyer_id = $2`, [orderId, buyerId]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'No such order.');
  return toOrder(rows[0]);
};

const chargeIdOf = (intent: Stripe.PaymentIntent) =>
  typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);

export const orderRoutes = (deps: TApiDeps) => {
  const { db, stripe, config, settlementQueue } = deps;
  const router = Router();

  /** The signed-in buyer's orders, newest first, with their items. */
  router.get('/orders', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<TOrderRow>(`${ORDER_SELECT} where o.buyer_id = $1 order by o.created_at desc limit 200`, [user.id]);
    res.json({ orders: rows.map(toOrder) });
  });

  router.get('/orders/:id', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    res.json(await buyersOrder(db, id, currentUser(res).id));
  });

  /** A paid order: its transfers are due; the worker sends them (or they wait for Connect). */
  const paid = async (orderId: string, intent: Stripe.PaymentIntent) => {
    if (await withTransaction(db, (tx) => markOrderPaid(tx, { orderId, paymentIntentId: intent.id, chargeId: chargeIdOf(intent) }))) {
      await enqueue(settlementQueue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId));
    }
  };

  /**
   * The buyer pays an unpaid order on-session, before its deadline. Against stripe-mock the
   * server confirms with the buyer's current card; with real Stripe the browser confirms
   * the PaymentIntent in Elements (3-D Secure included) and then calls /pay/complete.
   * One PaymentIntent per order: the one the failed charge made, or one made now with the
   * order's own idempotency key if there was none.
   */
  router.post('/orders/:id/pay', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const { attemptId } = parseWith(ZAttemptBody, req.body);
    const user = currentUser(res);
    const { rows } = await db.query<{
      status: string; payBy: Date | null; totalMinor: number; currency: string; showId: string; intentId: string | null;
      customerId: string | null; methodId: string | null;
    }>(
      `select o.status, o.pay_by as "payBy", o.total_minor as "totalMinor", o.currency, o.show_id as "showId",
              o.stripe_payment_intent_id as "intentId", p.stripe_customer_id as "customerId",
              p.default_payment_method_id as "methodId"
         from orders o left join payment_profiles p on p.user_id = o.buyer_id
        where o.id = $1 and o.buyer_id = $2`,
      [id, user.id],
    );
    const order = rows[0];
    if (!order) throw new AppError('NOT_FOUND', 'No such order.');
    if (order.status === 'paid') throw new AppError('CONFLICT', 'This order is paid already.');
    if (order.status === 'canceled' || (order.payBy && order.payBy < new Date())) throw new AppError('PAYMENT_DEADLINE_PASSED');
    if (order.status === 'pending') throw new AppError('CONFLICT', 'This order is being charged; check back in a moment.');
    if (!order.customerId || !order.methodId) throw new AppError('NO_PAYMENT_METHOD', 'Add a card first.');

    const test = isTestMode(config);
    const key = `order-${id}-pay-${attemptId}`;
    let intent: Stripe.PaymentIntent;
    try {
      if (order.intentId) {
        intent = await stripe.paymentIntents.confirm(
          order.intentId,
          { payment_method: order.methodId, ...(test ? {} : { return_url: `${config.publicUrl}/orders/${id}/pay` }) },
          { idempotencyKey: key },
        );
      } else {
        intent = await stripe.paymentIntents.create(
          {
            amount: order.totalMinor, currency: order.currency, customer: order.customerId, payment_method: order.methodId,
            confirm: test, transfer_group: id, metadata: { orderId: id, showId: order.showId },
            ...(test ? {} : { setup_future_usage: 'off_session' as const }),
          },
          { idempotencyKey: `order-${id}-charge` },
        );
      }
    } catch (error) {
      const card = error instanceof Error && 'type' in error && error.type === 'StripeCardError'
        ? (error as Stripe.errors.StripeCardError) : undefined;
      if (!card) throw error;
      const code = card.code === 'authentication_required' ? 'action_required' : 'payment_failed';
      await markOrderUnpaid(db, {
        orderId: id, status: code, failureCode: card.decline_code || card.code || 'card_error',
        paymentIntentId: card.payment_intent?.id ?? null, payBy: order.payBy ?? new Date(Date.now() + config.paymentDeadlineMs),
      });
      throw new AppError(code === 'action_required' ? 'AUTHENTICATION_REQUIRED' : 'CARD_DECLINED');
    }
    if (intent.status === 'succeeded') {
      await paid(id, intent);
      const reply: TPayReply = { order: await buyersOrder(db, id, user.id) };
      res.json(reply);
      return;
    }
    if (test || !intent.client_secret) throw new AppError('CONFLICT', `The payment is ${intent.status}.`);
    const reply: TPayReply = { clientSecret: intent.client_secret, publishableKey: config.stripe.publishableKey };
    res.json(reply);
  });

  /** After Elements confirmed: paid only if Stripe says this order's PaymentIntent succeeded. */
  router.post('/orders/:id/pay/complete', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const { paymentIntentId } = parseWith(ZPayCompleteBody, req.body);
    const user = currentUser(res);
    await buyersOrder(db, id, user.id);
    const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
    if (intent.metadata?.orderId !== id) throw new AppError('NOT_FOUND', 'That payment is not for this order.');
    if (intent.status !== 'succeeded') throw new AppError('CONFLICT', `The payment is ${intent.status}.`);
    await paid(id, intent);
    res.json({ order: await buyersOrder(db, id, user.id) });
  });

  /**
   * The seller gives back part or all of a paid order. The attempt id is the refund's id,
   * so a retried request is the same refund; the worker carries it out.
   */
  router.post('/orders/:id/refunds', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const body = parseWith(ZRefundBody, req.body);
    const user = currentUser(res);
    const refund = await withTransaction(db, async (tx) => {
      const { rows } = await tx.query<{ sellerId: string; status: string; left: number }>(
        `select o.seller_id as "sellerId", o.status,
                o.total_minor - (select coalesce(sum(amount_minor), 0) from refunds r where r.order_id = o.id and r.id <> $2)::int as left
           from orders o where o.id = $1 for update`,
        [id, body.attemptId],
      );
      const order = rows[0];
      if (!order || order.sellerId !== user.id) throw new AppError('NOT_FOUND', 'No such sale.');
      const { rows: earlier } = await tx.query<TRefund>(
        `select id, order_id as "orderId", amount_minor as "amountMinor", status from refunds where id = $1`,
        [body.attemptId],
      );
      if (earlier[0]) {
        if (earlier[0].orderId !== id || earlier[0].amountMinor !== body.amountMinor) throw new AppError('CONFLICT', 'That attempt id was used for another refund.');
        return earlier[0];
      }
      if (order.status !== 'paid') throw new AppError('CONFLICT', 'Only a paid order can be refunded.');
      if (body.amountMinor > order.left) throw new AppError('CONFLICT', `At most ${order.left} can still be refunded.`);
      const { rows: made } = await tx.query<TRefund>(
        `insert into refunds (id, order_id, amount_minor, reason, created_by) values ($1, $2, $3, $4, $5)
         returning id, order_id as "orderId", amount_minor as "amountMinor", status`,
        [body.attemptId, id, body.amountMinor, body.reason, user.id],
      );
      return made[0]!;
    });
    if (refund.status === 'pending') await enqueue(settlementQueue, JOBS.refundOrder.name, { refundId: refund.id }, jobIds.refundOrder(refund.id));
    res.status(202).json({ refund });
  });

  /** The seller's sales, per order, with what it is paid and whether the payout went. */
  router.get('/sales', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<TSale>(
      `select o.id as "orderId", o.show_id as "showId", s.title as "showTitle", b.display_name as "buyerName",
              o.currency, o.status, o.total_minor as "totalMinor", o.seller_share_minor as "sellerShareMinor",
              o.refunded_minor as "refundedMinor",
              (select json_agg(json_build_object('title', l.title, 'variantLabel', v.label, 'priceMinor', oi.price_minor))
                 from order_items oi join claims c on c.id = oi.claim_id join show_entries e on e.id = c.entry_id
                 join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
                where oi.order_id = o.id) as items,
              (select json_build_object('amountMinor', t.amount_minor, 'status', t.status)
                 from transfers t where t.order_id = o.id and t.kind = 'seller') as transfer
         from orders o join shows s on s.id = o.show_id join users b on b.id = o.buyer_id
        where o.seller_id = $1
        order by o.created_at desc limit 500`,
      [user.id],
    );
    res.json({ sales: rows });
  });

  /** The host's view of what a show sold: items, revenue by status, commission earned. */
  router.get('/shows/:id/sales', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const user = currentUser(res);
    const { rows: shows } = await db.query<{ hostId: string }>('select host_id as "hostId" from shows where id = $1', [id]);
    if (!shows[0]) throw new AppError('NOT_FOUND', 'No such show.');
    if (shows[0].hostId !== user.id) throw new AppError('FORBIDDEN', 'Only the host sees the show’s sales.');
    const { rows } = await db.query<{ status: TOrder['status']; n: number; currency: TOrder['currency']; totalMinor: number; commissionMinor: number; items: number }>(
      `select o.status, count(*)::int as n, min(o.currency) as currency, sum(o.total_minor)::int as "totalMinor",
              sum(o.commission_minor)::int as "commissionMinor",
              sum((select count(*) from order_items oi where oi.order_id = o.id))::int as items
         from orders o where o.show_id = $1 group by o.status`,
      [id],
    );
    const { rows: paidOut } = await db.query<{ minor: number }>(
      `select coalesce(sum(t.amount_minor), 0)::int as minor from transfers t join orders o on o.id = t.order_id
        where o.show_id = $1 and t.kind = 'commission' and t.status = 'sent'`,
      [id],
    );
    const paidRow = rows.find((r) => r.status === 'paid');
    const summary: TShowSales = {
      showId: id,
      itemsSold: paidRow?.items ?? 0,
      ordersByStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
      currency: rows[0]?.currency ?? null,
      revenueMinor: paidRow?.totalMinor ?? 0,
      commissionMinor: paidRow?.commissionMinor ?? 0,
      commissionPaidMinor: paidOut[0]?.minor ?? 0,
    };
    res.json(summary);
  });

  /** Units offered to the buyer because someone ahead of it did not pay. */
  router.get('/offers', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<Omit<TWaitlistOffer, 'expiresAt'> & { expiresAt: Date }>(
      `select w.id, w.show_id as "showId", s.title as "showTitle", l.title, v.label as "variantLabel",
              w.price_minor as "priceMinor", l.currency, w.expires_at as "expiresAt"
         from waitlist_offers w join shows s on s.id = w.show_id join show_entries e on e.id = w.entry_id
         join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
        where w.user_id = $1 and w.status = 'open' and w.expires_at > now()
        order by w.expires_at`,
      [user.id],
    );
    res.json({ offers: rows.map((o) => ({ ...o, expiresAt: o.expiresAt.toISOString() })) });
  });

  /** Takes up an offer: the unit becomes the buyer's claim and an order charged at once. */
  router.post('/offers/:id/accept', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const user = currentUser(res);
    if (!user.hasPaymentMethod) throw new AppError('NO_PAYMENT_METHOD');
    const orderId = await withTransaction(db, async (tx) => {
      const { rows } = await tx.query<{
        status: string; expired: boolean; showId: string; entryId: string; priceMinor: number; hostId: string;
        sellerId: string; currency: string; commissionBps: number; sellerRate: number | null;
      }>(
        `select w.status, w.expires_at <= now() as expired, w.show_id as "showId", w.entry_id as "entryId",
                w.price_minor as "priceMinor", s.host_id as "hostId", e.seller_id as "sellerId", l.currency,
                e.commission_bps as "commissionBps", u.shipping_fee_minor as "sellerRate"
           from waitlist_offers w join shows s on s.id = w.show_id join show_entries e on e.id = w.entry_id
           join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
           join users u on u.id = e.seller_id
          where w.id = $1 and w.user_id = $2
          for update of w`,
        [id, user.id],
      );
      const offer = rows[0];
      if (!offer) throw new AppError('NOT_FOUND', 'No such offer.');
      if (offer.status !== 'open' || offer.expired) throw new AppError('CONFLICT', 'This offer has ended.');
      const claimId = randomUUID();
      await tx.query(
        `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at)
         select $1, $2, $3, $4, null, coalesce(max(position), 0) + 1, $5, now() from claims where entry_id = $3`,
        [claimId, offer.showId, offer.entryId, user.id, offer.priceMinor],
      );
      await tx.query(`update waitlist_offers set status = 'accepted', claim_id = $2 where id = $1`, [id, claimId]);
      // The offer's unit becomes the claim's.
      await releaseOfferUnit(tx, id);
      await holdClaimUnit(tx, claimId);
      return insertOrder(tx, {
        showId: offer.showId, buyerId: user.id, sellerId: offer.sellerId, hostId: offer.hostId, currency: offer.currency,
        origin: 'waitlist', claims: [{ id: claimId, priceMinor: offer.priceMinor, commissionBps: offer.commissionBps }],
        shippingMinor: shippingFor(offer.sellerRate, config), platformFeeBps: config.platformFeeBps,
      });
    });
    if (!orderId) throw new AppError('CONFLICT', 'This offer has ended.');
    await enqueue(settlementQueue, JOBS.chargeOrder.name, { orderId }, jobIds.chargeOrder(orderId));
    res.status(201).json({ order: await buyersOrder(db, orderId, user.id) });
  });

  return router;
};
