import Stripe from 'stripe';
import type { TConfig } from './config.ts';

/**
 * The Stripe client. With STRIPE_API_BASE it talks to stripe-mock (through the local
 * test-mode proxy); without it, to the real API with the configured key.
 */
export const createStripe = (config: TConfig['stripe']): Stripe => {
  const base = config.apiBase ? new URL(config.apiBase) : undefined;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 3,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
};

export type { Stripe };
