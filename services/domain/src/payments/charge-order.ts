import { execute, queryRow, type Stripe } from '@showcart/common';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { orderPaid, orderUnpaid, resumeFollowUp } from '../orders/follow-ups.ts';
import { chargeIdempotencyKey, chargeIdOf, isCardOutcome } from './charges.ts';

export type TChargeOutcome = 'paid' | 'payment_failed' | 'action_required' | 'canceled' | 'pending';

const ZChargeRow = z.object({
  status: z.enum(['paid', 'payment_failed', 'action_required', 'canceled', 'pending']),
  totalMinor: z.number(), itemsMinor: z.number(), shippingMinor: z.number(), discountMinor: z.number(), linesMinor: z.number(),
  currency: z.string(), showId: z.string().nullable(), customerId: z.string().nullable(), paymentMethodId: z.string().nullable(),
});

/**
 * Charges one order off-session on the buyer's saved card, and queues what follows
 * (payouts when paid, the release at the deadline when not). Exactly once: the
 * idempotency key makes a retried request the same PaymentIntent, the status guard makes
 * a finished order a no-op, and the unique PaymentIntent id column backs both. Returns the
 * order's status after the attempt; an order already past 'pending' is returned as it is.
 */
export const chargeOrder = async (
  deps: Pick<TDomainDeps, 'db' | 'stripe' | 'logger' | 'queue' | 'config'>,
  orderId: string,
): Promise<TChargeOutcome> => {
  const { db, stripe, logger } = deps;
  const order = await queryRow(db, ZChargeRow,
    `select o.status, o.total_minor as "totalMinor", o.items_minor as "itemsMinor", o.shipping_minor as "shippingMinor",
            o.discount_minor as "discountMinor", o.currency, o.show_id as "showId",
            (select coalesce(sum(price_minor), 0)::int from order_items where order_id = o.id)
              + (select coalesce(sum(price_minor), 0)::int from ship_together_adds where order_id = o.id) as "linesMinor",
            p.stripe_customer_id as "customerId", p.default_payment_method_id as "paymentMethodId"
       from orders o left join payment_profiles p on p.user_id = o.buyer_id
      where o.id = $1`,
    [orderId],
  );
  if (!order) throw new UnrecoverableError(`order ${orderId} does not exist`);
  if (order.status !== 'pending') {
    await resumeFollowUp(deps, orderId, order.status);
    return order.status;
  }
  // The database holds total = items + shipping - discount and the split; the lines must
  // make the items. An order that does not add up is not charged, and says why.
  if (order.linesMinor !== order.itemsMinor || order.totalMinor !== order.itemsMinor + order.shippingMinor - order.discountMinor) {
    const { linesMinor, itemsMinor, shippingMinor, discountMinor, totalMinor } = order;
    logger.error({ orderId, linesMinor, itemsMinor, shippingMinor, discountMinor, totalMinor }, 'order amounts do not add up; not charged');
    await execute(db, `update orders set failure_code = 'amounts_mismatch' where id = $1 and status = 'pending'`, [orderId]);
    throw new UnrecoverableError(`order ${orderId}: items ${order.linesMinor} ≠ ${order.itemsMinor} or total does not add up`);
  }
  const payBy = new Date(Date.now() + deps.config.paymentDeadlineMs);
  if (!order.customerId || !order.paymentMethodId) {
    await orderUnpaid(deps, { orderId, status: 'payment_failed', failureCode: 'no_payment_method', paymentIntentId: null, payBy });
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
        metadata: { orderId, ...(order.showId ? { showId: order.showId } : {}) },
      },
      { idempotencyKey: chargeIdempotencyKey(orderId) },
    );
  } catch (error) {
    if (!isCardOutcome(error)) throw error;
    const status = error.code === 'authentication_required' ? 'action_required' : 'payment_failed';
    await orderUnpaid(deps, {
      orderId, status, failureCode: error.decline_code || error.code || 'card_error', paymentIntentId: error.payment_intent?.id ?? null, payBy,
    });
    logger.info({ orderId, code: error.code, declineCode: error.decline_code }, 'charge declined; buyer asked to pay');
    return status;
  }

  if (intent.status !== 'succeeded') {
    // Processing: the job fails and retries until Stripe decides (or its webhook does).
    throw new Error(`PaymentIntent ${intent.id} for order ${orderId} is ${intent.status}`);
  }
  await orderPaid(deps, { orderId, paymentIntentId: intent.id, chargeId: chargeIdOf(intent) });
  return 'paid';
};
