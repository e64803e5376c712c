import { queryRow, type Stripe } from '@showcart/common';
import { AppError, type TOrder, type TPayReply } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { orderPaid, orderUnpaid } from '../orders/follow-ups.ts';
import { buyersOrder } from '../orders/queries.ts';
import { chargeIdempotencyKey, chargeIdOf, isCardOutcome, isTestMode } from './charges.ts';

const ZPayable = z.object({
  status: z.string(), payBy: z.date().nullable(), totalMinor: z.number(), currency: z.string(), showId: z.string().nullable(),
  intentId: z.string().nullable(), customerId: z.string().nullable(), methodId: z.string().nullable(),
});

/**
 * The buyer pays an unpaid order on-session, before its deadline. Against stripe-mock the
 * server confirms with the buyer's current card; with real Stripe the browser confirms
 * the PaymentIntent in Elements (3-D Secure included) and then calls completeOrderPayment.
 * One PaymentIntent per order: the one the failed charge made, or one made now with the
 * order's own idempotency key if there was none.
 */
export const payOrder = async (
  deps: Pick<TDomainDeps, 'db' | 'stripe' | 'config' | 'queue'>,
  p: { orderId: string; buyerId: string; attemptId: string },
): Promise<TPayReply> => {
  const { stripe, config } = deps;
  const order = await queryRow(deps.db, ZPayable,
    `select o.status, o.pay_by as "payBy", o.total_minor as "totalMinor", o.currency, o.show_id as "showId",
            o.stripe_payment_intent_id as "intentId", p.stripe_customer_id as "customerId",
            p.default_payment_method_id as "methodId"
       from orders o left join payment_profiles p on p.user_id = o.buyer_id
      where o.id = $1 and o.buyer_id = $2`,
    [p.orderId, p.buyerId],
  );
  if (!order) throw new AppError('NOT_FOUND', 'No such order.');
  if (order.status === 'paid') throw new AppError('CONFLICT', 'This order is paid already.');
  if (order.status === 'canceled' || (order.payBy && order.payBy < new Date())) throw new AppError('PAYMENT_DEADLINE_PASSED');
  if (order.status === 'pending') throw new AppError('CONFLICT', 'This order is being charged; check back in a moment.');
  if (!order.customerId || !order.methodId) throw new AppError('NO_PAYMENT_METHOD', 'Add a card first.');

  const test = isTestMode(config);
  let intent: Stripe.PaymentIntent;
  try {
    if (order.intentId) {
      intent = await stripe.paymentIntents.confirm(
        order.intentId,
        { payment_method: order.methodId, ...(test ? {} : { return_url: `${config.publicUrl}/orders/${p.orderId}/pay` }) },
        { idempotencyKey: `order-${p.orderId}-pay-${p.attemptId}` },
      );
    } else {
      intent = await stripe.paymentIntents.create(
        {
          amount: order.totalMinor, currency: order.currency, customer: order.customerId, payment_method: order.methodId,
          confirm: test, transfer_group: p.orderId, metadata: { orderId: p.orderId, ...(order.showId ? { showId: order.showId } : {}) },
          ...(test ? {} : { setup_future_usage: 'off_session' as const }),
        },
        { idempotencyKey: chargeIdempotencyKey(p.orderId) },
      );
    }
  } catch (error) {
    if (!isCardOutcome(error)) throw error;
    const status = error.code === 'authentication_required' ? 'action_required' : 'payment_failed';
    await orderUnpaid(deps, {
      orderId: p.orderId, status, failureCode: error.decline_code || error.code || 'card_error',
      paymentIntentId: error.payment_intent?.id ?? null, payBy: order.payBy ?? new Date(Date.now() + config.paymentDeadlineMs),
    });
    throw new AppError(status === 'action_required' ? 'AUTHENTICATION_REQUIRED' : 'CARD_DECLINED');
  }
  if (intent.status === 'succeeded') {
    await orderPaid(deps, { orderId: p.orderId, paymentIntentId: intent.id, chargeId: chargeIdOf(intent) });
    return { order: await buyersOrder(deps.db, p.orderId, p.buyerId) };
  }
  if (test || !intent.client_secret) throw new AppError('CONFLICT', `The payment is ${intent.status}.`);
  return { clientSecret: intent.client_secret, publishableKey: config.stripe.publishableKey };
};

/** After Elements confirmed: paid only if Stripe says this order's PaymentIntent succeeded. */
export const completeOrderPayment = async (
  deps: Pick<TDomainDeps, 'db' | 'stripe' | 'queue'>,
  p: { orderId: string; buyerId: string; paymentIntentId: string },
): Promise<{ order: TOrder }> => {
  await buyersOrder(deps.db, p.orderId, p.buyerId);
  const intent = await deps.stripe.paymentIntents.retrieve(p.paymentIntentId);
  if (intent.metadata?.orderId !== p.orderId) throw new AppError('NOT_FOUND', 'That payment is not for this order.');
  if (intent.status !== 'succeeded') throw new AppError('CONFLICT', `The payment is ${intent.status}.`);
  await orderPaid(deps, { orderId: p.orderId, paymentIntentId: intent.id, chargeId: chargeIdOf(intent) });
  return { order: await buyersOrder(deps.db, p.orderId, p.buyerId) };
};
