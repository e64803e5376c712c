import type { Stripe } from '@showcart/common';

/** The charge a PaymentIntent made, however Stripe expanded it. */
export const chargeIdOf = (intent: Stripe.PaymentIntent): string | null =>
  typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);

/** Derived from our order id, so every try at an order's charge is the same charge to Stripe. */
export const chargeIdempotencyKey = (orderId: string) => `order-${orderId}-charge`;

/** Stripe errors that are the card's answer, not a fault: retrying cannot change them. */
export const isCardOutcome = (error: unknown): error is Stripe.errors.StripeCardError =>
  error instanceof Error && 'type' in error && error.type === 'StripeCardError';

/** Against stripe-mock there is no Stripe.js to take a card: buyers pick a Stripe test card. */
export const isTestMode = (config: { stripe: { apiBase: string | undefined } }) => config.stripe.apiBase !== undefined;
