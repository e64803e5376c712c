import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import Stripe from 'stripe';
import type { TConfig } from './config.ts';

/**
 * The Stripe client. With STRIPE_API_BASE it talks to stripe-mock (through the local
 * test-mode proxy); without it, to the real API with the configured key. With a limiter,
 * every request it sends (retries included) first takes a slot of the limiter.
 */
export const createStripe = (config: TConfig['stripe'], opts: { limiter?: TStripeLimiter } = {}): Stripe => {
  const base = config.apiBase ? new URL(config.apiBase) : undefined;
  const limiter = opts.limiter;
  let httpClient: Stripe.HttpClient | undefined;
  if (limiter) {
    const node = Stripe.createNodeHttpClient();
    httpClient = {
      getClientName: () => node.getClientName(),
      makeRequest: async (...args: Parameters<Stripe.HttpClient['makeRequest']>) => {
        await limiter.take();
        return node.makeRequest(...args);
      },
    };
  }
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 3,
    timeout: 20_000,
    ...(httpClient ? { httpClient } : {}),
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
};

export type TStripeLimiter = { take: () => Promise<void>; perSecond: number };

/**
 * One limit of requests per second for a Stripe account, shared through Redis by every
 * worker. A request over the limit waits for the next window rather than failing, so the
 * account's rate is used fully and Stripe's 429s are avoided, not provoked. The key names
 * the account by a hash of its secret key; the key itself goes nowhere.
 */
export const createStripeLimiter = (redis: Redis, p: { secretKey: string; perSecond: number }): TStripeLimiter => {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'stripe-rate', points: p.perSecond, duration: 1 });
  const account = createHash('sha256').update(p.secretKey).digest('hex').slice(0, 16);
  return {
    perSecond: p.perSecond,
    take: async () => {
      for (;;) {
        try {
          await limiter.consume(account);
          return;
        } catch (refused) {
          if (!(refused instanceof RateLimiterRes)) throw refused;
          // A little jitter spreads the waiting requests over the next window's start.
          await new Promise((resolve) => setTimeout(resolve, refused.msBeforeNext + Math.random() * 5));
        }
      }
    },
  };
};

export type { Stripe };
