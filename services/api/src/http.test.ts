import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { toClientError } from './http.ts';

describe('toClientError', () => {
  it('answers Stripe out of reach or failing on its side with 503 UNAVAILABLE, and its 4xx as a fault of ours', () => {
    for (const error of [
      new Stripe.errors.StripeConnectionError({ message: 'socket hang up' }),
      new Stripe.errors.StripeAPIError({ message: 'An error occurred with our API.' }),
      new Stripe.errors.StripeRateLimitError({ message: 'Too many requests' }),
    ]) {
      const known = toClientError(error);
      expect([known?.error.code, known?.error.status, known?.error.message]).toEqual([
        'UNAVAILABLE', 503, 'Payments are not answering right now: try again in a moment (nothing is charged twice).',
      ]);
    }
    // A request Stripe refused (400) names a bug of ours: 500 INTERNAL, never the client's INVALID_INPUT.
    expect(toClientError(new Stripe.errors.StripeInvalidRequestError({ message: 'No such customer', statusCode: 400 } as never))).toBeUndefined();
  });
});
