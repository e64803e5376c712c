import type { Stripe } from '@stripe/stripe-js';

/**
 * Stripe.js, loaded from Stripe only when this server uses real Stripe keys (Elements
 * mode) and only once. Against stripe-mock nothing is loaded: buyers pick test cards.
 */
let loading: Promise<Stripe | null> | undefined;
export const stripeFor = (publishableKey: string): Promise<Stripe | null> => {
  loading ??= import('@stripe/stripe-js').then(({ loadStripe }) => loadStripe(publishableKey));
  return loading;
};
