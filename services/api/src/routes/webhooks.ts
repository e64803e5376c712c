import { receiveLiveKitWebhook, receiveStripeWebhook } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

/** Verified webhooks of LiveKit and Stripe; each provider signs the raw body. */
export const webhookHandlers = (deps: TApiDeps): Pick<THandlers, 'webhooks.livekit' | 'webhooks.stripe'> => ({
  'webhooks.livekit': async ({ req, res }) => {
    await receiveLiveKitWebhook(deps, { body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '', authorization: req.get('authorization') });
    res.status(200).json({ ok: true });
  },
  'webhooks.stripe': async ({ req, res }) => {
    await receiveStripeWebhook(deps, { body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), signature: req.get('stripe-signature') });
    res.status(200).json({ received: true });
  },
});
