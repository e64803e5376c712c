import type { Stripe, TDb, TLogger } from '@showcart/common';
import { UnrecoverableError } from 'bullmq';

/** Stripe errors that are the card's answer, not a fault: retrying cannot change them. */
const isCardOutcome = (error: unknown): error is Stripe.errors.StripeCardError =>
  error instanceof Error && 'type' in error && error.type === 'StripeCardError';

/** Derived from our order id, so every retry of this charge is the same charge to Stripe. */
export const chargeIdempotencyKey = (orderId: string) => `order-${orderId}-charge`;

/**
 * Charges one order off-session on the buyer's saved card. Exactly once: the idempotency
 * key makes a retried request the same PaymentIntent, the status guard makes a finished
 * order a no-op, and the unique PaymentIntent id column backs both.
 */
export const chargeOrder = async (
  deps: { db: TDb; stripe: Stripe; logger: TLogger },
  orderId: string,
): Promise<'paid' | 'payment_failed' | 'action_required' | 'skipped'> => {
  const { db, stripe } = deps;
  const { rows } = await db.query<{
    status: string; totalMinor: number; currency: string; buyerId: string; showId: string;
    customerId: string | null; paymentMethodId: string | null;
  }>(
    `select o.status, o.total_minor as "totalMinor", o.currency, o.buyer_id as "buyerId",
            o.show_id as "showId", p.stripe_customer_id as "customerId",
            p.default_payment_method_id as "paymentMethodId"
       from orders o left join payment_profiles p on p.user_id = o.buyer_id
      where o.id = $1`,
    [orderId],
  );
  const order = rows[0];
  if (!order) throw new UnrecoverableError(`order ${orderId} does not exist`);
  if (order.status !== 'pending') return 'skipped';
  if (!order.customerId || !order.paymentMethodId) {
    await db.query(
      `update orders set status = 'payment_failed', failure_code = 'no_payment_method'
        where id = $1 and status = 'pending'`,
      [orderId],
    );
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
    const failed = error.payment_intent;
    const status = error.code === 'authentication_required' ? 'action_required' : 'payment_failed';
    await db.query(
      `update orders set status = $2, failure_code = $3, stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $4)
        where id = $1 and status = 'pending'`,
      [orderId, status, error.decline_code ?? error.code ?? 'card_error', failed?.id ?? null],
    );
    deps.logger.info({ orderId, code: error.code }, 'charge declined');
    return status;
  }

  if (intent.status !== 'succeeded') {
    // Processing or needing the buyer: the job fails and retries until Stripe decides.
    throw new Error(`PaymentIntent ${intent.id} for order ${orderId} is ${intent.status}`);
  }
  await db.query(
    `update orders set status = 'paid', paid_at = now(), stripe_payment_intent_id = $2
      where id = $1 and status = 'pending'`,
    [orderId, intent.id],
  );
  return 'paid';
};
