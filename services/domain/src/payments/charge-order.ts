import { withTransaction, type Stripe, type TDb, type TLogger } from '@showcart/common';
import { markOrderPaid, markOrderUnpaid } from '../orders/mark-paid.ts';
import { UnrecoverableError } from 'bullmq';

/** Stripe errors that are the card's answer, not a fault: retrying cannot change them. */
const isCardOutcome = (error: unknown): error is Stripe.errors.StripeCardError =>
  error instanceof Error && 'type' in error && error.type === 'StripeCardError';

/** Derived from our order id, so every retry of this charge is the same charge to Stripe. */
export const chargeIdempotencyKey = (orderId: string) => `order-${orderId}-charge`;

export type TChargeOutcome = 'paid' | 'payment_failed' | 'action_required' | 'canceled' | 'pending';

/**
 * Charges one order off-session on the buyer's saved card. Exactly once: the idempotency
 * key makes a retried request the same PaymentIntent, the status guard makes a finished
 * order a no-op, and the unique PaymentIntent id column backs both. Returns the order's
 * status after the attempt; an order already past 'pending' is returned as it is.
 */
export const chargeOrder = async (
  deps: { db: TDb; stripe: Stripe; logger: TLogger; paymentDeadlineMs: number },
  orderId: string,
): Promise<TChargeOutcome> => {
  const { db, stripe, logger } = deps;
  const { rows } = await db.query<{
    status: TChargeOutcome; totalMinor: number; itemsMinor: number; shippingMinor: number; discountMinor: number;
    linesMinor: number; currency: string; showId: string; customerId: string | null; paymentMethodId: string | null;
  }>(
    `select o.status, o.total_minor as "totalMinor", o.items_minor as "itemsMinor", o.shipping_minor as "shippingMinor",
            o.discount_minor as "discountMinor", o.currency, o.show_id as "showId",
            (select coalesce(sum(price_minor), 0)::int from order_items where order_id = o.id) as "linesMinor",
            p.stripe_customer_id as "customerId", p.default_payment_method_id as "paymentMethodId"
       from orders o left join payment_profiles p on p.user_id = o.buyer_id
      where o.id = $1`,
    [orderId],
  );
  const order = rows[0];
  if (!order) throw new UnrecoverableError(`order ${orderId} does not exist`);
  if (order.status !== 'pending') return order.status;
  // The database holds total = items + shipping - discount and the split; the lines must
  // make the items. An order that does not add up is not charged, and says why.
  if (order.linesMinor !== order.itemsMinor || order.totalMinor !== order.itemsMinor + order.shippingMinor - order.discountMinor) {
    const { linesMinor, itemsMinor, shippingMinor, discountMinor, totalMinor } = order;
    logger.error({ orderId, linesMinor, itemsMinor, shippingMinor, discountMinor, totalMinor }, 'order amounts do not add up; not charged');
    await db.query(`update orders set failure_code = 'amounts_mismatch' where id = $1 and status = 'pending'`, [orderId]);
    throw new UnrecoverableError(`order ${orderId}: items ${order.linesMinor} ≠ ${order.itemsMinor} or total does not add up`);
  }
  const payBy = new Date(Date.now() + deps.paymentDeadlineMs);
  if (!order.customerId || !order.paymentMethodId) {
    await markOrderUnpaid(db, { orderId, status: 'payment_failed', failureCode: 'no_payment_method', paymentIntentId: null, payBy });
    return 'payment_failed';
  }

  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.create(
      {
        amount: order.totalMinor,
        currency: order.currency,
        customer: order.customerId,
        payment_method: order.paymentMethodId,
        off_session: true,
        confirm: true,
        transfer_group: orderId,
        metadata: { orderId, showId: order.showId },
      },
      { idempotencyKey: chargeIdempotencyKey(orderId) },
    );
  } catch (error) {
    if (!isCardOutcome(error)) throw error;
    const status = error.code === 'authentication_required' ? 'action_required' : 'payment_failed';
    await markOrderUnpaid(db, {
      orderId, status, failureCode: error.decline_code || error.code || 'card_error', paymentIntentId: error.payment_intent?.id ?? null, payBy,
    });
    logger.info({ orderId, code: error.code, declineCode: error.decline_code }, 'charge declined; buyer asked to pay');
    return status;
  }

  if (intent.status !== 'succeeded') {
    // Processing: the job fails and retries until Stripe decides (or its webhook does).
    throw new Error(`PaymentIntent ${intent.id} for order ${orderId} is ${intent.status}`);
  }
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
  await withTransaction(db, (tx) => markOrderPaid(tx, { orderId, paymentIntentId: intent.id, chargeId }));
  return 'paid';
};
