import { execute, queryRow, showIdOfRoom, type Stripe } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from './deps.ts';
import { orderPaid, orderUnpaid } from './orders/follow-ups.ts';
import { saveDefaultCard } from './payments/cards.ts';
import { chargeIdOf } from './payments/charges.ts';
import { connectAccountUpdated } from './payments/connect.ts';
import { endShowWhenRoomFinished } from './shows/lifecycle.ts';

/** A Stripe signature older than this is refused as a replay. */
const STRIPE_TOLERANCE_S = 300;

/** Records an event once; false if this event id was seen before. */
const recordOnce = async (deps: Pick<TDomainDeps, 'db'>, provider: 'livekit' | 'stripe', id: string, type: string, body: string) =>
  (await execute(deps.db,
    'insert into webhook_events (provider, event_id, type, payload) values ($1, $2, $3, $4) on conflict do nothing',
    [provider, id, type, body],
  )) > 0;

type TStripeDeps = Pick<TDomainDeps, 'db' | 'stripe' | 'queue' | 'config'>;

/**
 * What a Stripe event changes. Each handler is correct in any order of arrival: order
 * statuses only move forward (a late failure never undoes a payment), and an account's
 * state is taken from the newest event only.
 */
const stripeHandlers: Record<string, (deps: TStripeDeps, event: Stripe.Event) => Promise<string>> = {
  'payment_intent.succeeded': async (deps, event) => {
    const intent = event.data.object as Stripe.PaymentIntent;
    const orderId = intent.metadata?.orderId;
    if (!orderId) return 'not ours';
    return (await orderPaid(deps, { orderId, paymentIntentId: intent.id, chargeId: chargeIdOf(intent) })) ? 'order paid' : 'already settled';
  },
  'payment_intent.payment_failed': async (deps, event) => {
    const intent = event.data.object as Stripe.PaymentIntent;
    const orderId = intent.metadata?.orderId;
    if (!orderId) return 'not ours';
    const error = intent.last_payment_error;
    const moved = await orderUnpaid(deps, {
      orderId,
      status: error?.code === 'authentication_required' ? 'action_required' : 'payment_failed',
      failureCode: error?.decline_code || error?.code || 'payment_failed',
      paymentIntentId: intent.id,
      payBy: new Date(Date.now() + deps.config.paymentDeadlineMs),
    });
    return moved ? 'order unpaid' : 'already settled';
  },
  'account.updated': (deps, event) =>
    connectAccountUpdated(deps, { account: event.data.object as Stripe.Account, eventId: event.id, eventCreated: event.created }),
  'setup_intent.succeeded': async (deps, event) => {
    const intent = event.data.object as Stripe.SetupIntent;
    const userId = intent.metadata?.userId;
    if (!userId || !intent.payment_method) return 'not ours';
    const method = typeof intent.payment_method === 'string' ? await deps.stripe.paymentMethods.retrieve(intent.payment_method) : intent.payment_method;
    await saveDefaultCard(deps.db, userId, method);
    return 'card saved';
  },
};

/**
 * A Stripe webhook: its signature checked (300 s tolerance), then handled and recorded
 * once. The event is recorded only after its handler succeeded, so a failure is retried
 * by Stripe's redelivery; a redelivery of a handled event changes nothing.
 */
export const receiveStripeWebhook = async (deps: TStripeDeps & Pick<TDomainDeps, 'logger'>, p: { body: Buffer; signature: string | undefined }) => {
  const secret = deps.config.stripe.webhookSecret;
  if (!secret) throw new AppError('NOT_CONFIGURED', 'STRIPE_WEBHOOK_SECRET is not set.');
  let event: Stripe.Event;
  try {
    event = deps.stripe.webhooks.constructEvent(p.body, p.signature ?? '', secret, STRIPE_TOLERANCE_S);
  } catch (error) {
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rejected a Stripe webhook');
    throw new AppError('BAD_SIGNATURE');
  }
  const seen = await queryRow(deps.db, z.object({ one: z.number() }), 'select 1 as one from webhook_events where provider = $1 and event_id = $2', ['stripe', event.id]);
  if (seen) {
    deps.logger.info({ event: event.id, type: event.type }, 'Stripe webhook again; already handled');
    return;
  }
  const handler = stripeHandlers[event.type];
  const outcome = handler ? await handler(deps, event) : 'ignored: not a type we act on';
  await recordOnce(deps, 'stripe', event.id, event.type, p.body.toString('utf8'));
  deps.logger.info({ event: event.id, type: event.type, outcome }, 'Stripe webhook');
};

/**
 * A LiveKit webhook: its signature (the Authorization JWT) checked, recorded once; a room
 * that finished ends its show if the host has not (see endShowWhenRoomFinished).
 */
export const receiveLiveKitWebhook = async (
  deps: Pick<TDomainDeps, 'db' | 'livekit' | 'logger' | 'engine' | 'redis' | 'queue'>,
  p: { body: string; authorization: string | undefined },
) => {
  let event;
  try {
    event = await deps.livekit.webhooks.receive(p.body, p.authorization);
  } catch (error) {
    deps.logger.warn({ err: error }, 'rejected a LiveKit webhook');
    throw new AppError('BAD_SIGNATURE');
  }
  const first = await recordOnce(deps, 'livekit', event.id, event.event, p.body);
  deps.logger.info(
    { event: event.event, room: event.room?.name, participant: event.participant?.identity, duplicate: !first },
    'LiveKit webhook',
  );
  const showId = event.event === 'room_finished' ? showIdOfRoom(event.room?.name ?? '') : undefined;
  if (first && showId && (await endShowWhenRoomFinished(deps, { showId, eventId: event.id }))) {
    deps.logger.info({ showId }, 'room finished: show ended and settling');
  }
};
