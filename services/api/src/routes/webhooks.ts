import { enqueue, JOBS, jobIds, SHOW_STATUS_CHANNEL, showIdOfRoom, withTransaction, type Stripe } from '@showcart/common';
import { createShowEngine, findShow, markOrderPaid, markOrderUnpaid, setShowStatus } from '@showcart/domain';
import { AppError } from '@showcart/shared';
import express, { Router } from 'express';
import type { TApiDeps } from '../deps.ts';
import { connectStateOf, saveDefaultCard } from './payments.ts';

/** Webhook bodies are small JSON; both providers sign the raw bytes. */
const WEBHOOK_BODY_LIMIT = '256kb';
/** A Stripe signature older than this is refused as a replay. */
const STRIPE_TOLERANCE_S = 300;

/** Records an event once; false if this event id was seen before. */
const recordOnce = async (deps: TApiDeps, provider: 'livekit' | 'stripe', id: string, type: string, body: string) => {
  const { rowCount } = await deps.db.query(
    `insert into webhook_events (provider, event_id, type, payload) values ($1, $2, $3, $4) on conflict do nothing`,
    [provider, id, type, body],
  );
  return (rowCount ?? 0) > 0;
};

/** Payouts that waited for a user's Connect account go now (`reason` makes the job ids new). */
export const sendWaitingPayouts = async (deps: TApiDeps, userId: string, reason: string) => {
  const { rows } = await deps.db.query<{ orderId: string }>(
    `select distinct order_id as "orderId" from transfers where destination_user_id = $1 and status = 'waiting'`,
    [userId],
  );
  for (const { orderId } of rows) {
    await enqueue(deps.settlementQueue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId, reason));
  }
};

/**
 * What a Stripe event changes. Each handler is correct in any order of arrival: order
 * statuses only move forward (a late failure never undoes a payment), and an account's
 * state is taken from the newest event only.
 */
const stripeHandlers = (deps: TApiDeps) => {
  const { db, settlementQueue, config } = deps;
  return {
    'payment_intent.succeeded': async (event: Stripe.Event) => {
      const intent = event.data.object as Stripe.PaymentIntent;
      const orderId = intent.metadata?.orderId;
      if (!orderId) return 'not ours';
      const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
      const paid = await withTransaction(db, (tx) => markOrderPaid(tx, { orderId, paymentIntentId: intent.id, chargeId }));
      if (paid) await enqueue(settlementQueue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId));
      return paid ? 'order paid' : 'already settled';
    },
    'payment_intent.payment_failed': async (event: Stripe.Event) => {
      const intent = event.data.object as Stripe.PaymentIntent;
      const orderId = intent.metadata?.orderId;
      if (!orderId) return 'not ours';
      const error = intent.last_payment_error;
      const status = error?.code === 'authentication_required' ? 'action_required' : 'payment_failed';
      const payBy = new Date(Date.now() + config.paymentDeadlineMs);
      const moved = await markOrderUnpaid(db, {
        orderId, status, failureCode: error?.decline_code || error?.code || 'payment_failed', paymentIntentId: intent.id, payBy,
      });
      if (moved) {
        const { rows } = await db.query<{ payBy: Date }>('select pay_by as "payBy" from orders where id = $1', [orderId]);
        const delay = Math.max(0, (rows[0]?.payBy.getTime() ?? Date.now()) - Date.now());
        await enqueue(settlementQueue, JOBS.releaseOrder.name, { orderId }, jobIds.releaseOrder(orderId), { delay });
      }
      return moved ? 'order unpaid' : 'already settled';
    },
    'account.updated': async (event: Stripe.Event) => {
      const account = event.data.object as Stripe.Account;
      const state = connectStateOf(account);
      const { rows } = await db.query<{ userId: string; ready: boolean }>(
        `update connect_accounts set details_submitted = $2, payouts_enabled = $3, transfers_active = $4,
                                     stripe_event_at = to_timestamp($5), updated_at = now()
          where stripe_account_id = $1 and (stripe_event_at is null or stripe_event_at <= to_timestamp($5))
          returning user_id as "userId", transfers_active as ready`,
        [account.id, state.detailsSubmitted, state.payoutsEnabled, state.transfersActive, event.created],
      );
      const updated = rows[0];
      if (!updated) return 'unknown or older';
      if (updated.ready) await sendWaitingPayouts(deps, updated.userId, event.id);
      return updated.ready ? 'account ready' : 'account not ready';
    },
    'setup_intent.succeeded': async (event: Stripe.Event) => {
      const intent = event.data.object as Stripe.SetupIntent;
      const userId = intent.metadata?.userId;
      if (!userId || !intent.payment_method) return 'not ours';
      const method = typeof intent.payment_method === 'string'
        ? await deps.stripe.paymentMethods.retrieve(intent.payment_method)
        : intent.payment_method;
      await saveDefaultCard(db, userId, method);
      return 'card saved';
    },
  } satisfies Record<string, (event: Stripe.Event) => Promise<string>>;
};

export const webhookRoutes = (deps: TApiDeps) => {
  const { db, livekit, logger, redis, config, stripe, settlementQueue } = deps;
  const engine = createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs });
  const handlers = stripeHandlers(deps);
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  router.post('/livekit', raw, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let event;
    try {
      event = await livekit.webhooks.receive(body, req.get('authorization'));
    } catch (error) {
      logger.warn({ err: error }, 'rejected a LiveKit webhook');
      throw new AppError('BAD_SIGNATURE');
    }
    const first = await recordOnce(deps, 'livekit', event.id, event.event, body);
    logger.info(
      { event: event.event, room: event.room?.name, participant: event.participant?.identity, duplicate: !first },
      'LiveKit webhook',
    );
    // The room closing ends the show if the host has not: whichever comes first settles it,
    // the second finds the show ended and the settlement job already there.
    const showId = event.event === 'room_finished' ? showIdOfRoom(event.room?.name ?? '') : undefined;
    if (first && showId) {
      const show = await findShow(db, showId);
      if (show && show.status === 'live') {
        await engine.end({ showId, actorId: show.hostId, clientOpId: `room-finished-${event.id}` }).catch((error: unknown) => {
          if (!(error instanceof AppError)) throw error;
        });
        await setShowStatus(db, showId, ['live'], 'ended');
        await deps.redis.publish(SHOW_STATUS_CHANNEL, showId);
        await enqueue(settlementQueue, JOBS.settleShow.name, { showId }, jobIds.settleShow(showId));
        logger.info({ showId }, 'room finished: show ended and settling');
      }
    }
    res.status(200).json({ ok: true });
  });

  router.post('/stripe', raw, async (req, res) => {
    const secret = config.stripe.webhookSecret;
    if (!secret) throw new AppError('NOT_CONFIGURED', 'STRIPE_WEBHOOK_SECRET is not set.');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(body, req.get('stripe-signature') ?? '', secret, STRIPE_TOLERANCE_S);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rejected a Stripe webhook');
      throw new AppError('BAD_SIGNATURE');
    }
    const handler = (handlers as Record<string, ((e: Stripe.Event) => Promise<string>) | undefined>)[event.type];
    // The event is recorded once, and only after its handler succeeded: a failure gets a
    // 500, and Stripe's redelivery tries again.
    const seen = await db.query('select 1 from webhook_events where provider = $1 and event_id = $2', ['stripe', event.id]);
    if (seen.rowCount) {
      logger.info({ event: event.id, type: event.type }, 'Stripe webhook again; already handled');
    } else {
      const outcome = handler ? await handler(event) : 'ignored: not a type we act on';
      await recordOnce(deps, 'stripe', event.id, event.type, body.toString('utf8'));
      logger.info({ event: event.id, type: event.type, outcome }, 'Stripe webhook');
    }
    res.status(200).json({ received: true });
  });

  return router;
};
