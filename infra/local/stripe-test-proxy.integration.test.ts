import { createStripe } from '@showcart/common';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from './processes.ts';
import { startStripeTestProxy } from './stripe-test-proxy.ts';

/**
 * The test proxy in front of stripe-mock is what `npm start` gives the demo: its saved
 * test cards must keep behaving as the card they came from after it restarts.
 */
const upstream = inject('componentEnv').STRIPE_MOCK_URL!;
const secretKey = 'sk_test_proxyRestart';
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const proxy = async () => {
  const started = await startStripeTestProxy({ port: await freePort(), upstream });
  stops.push(started.stop);
  return { ...started, stripe: createStripe({ secretKey, publishableKey: 'pk_test_proxyRestart', apiBase: started.url, webhookSecret: undefined }) };
};

/** Saves one of Stripe's test cards for a new customer, as the buyer's card form does. */
const saveCard = async (stripe: Awaited<ReturnType<typeof proxy>>['stripe'], testMethod: string) => {
  const customer = await stripe.customers.create({});
  const saved = await stripe.paymentMethods.attach(testMethod, { customer: customer.id });
  return { customer: customer.id, paymentMethod: saved.id };
};

const charge = (stripe: Awaited<ReturnType<typeof proxy>>['stripe'], card: { customer: string; paymentMethod: string }) =>
  stripe.paymentIntents
    .create({ amount: 2_500, currency: 'usd', customer: card.customer, payment_method: card.paymentMethod, confirm: true, off_session: true })
    .then(
      (intent) => ({ status: intent.status, code: undefined as string | undefined }),
      (error: { code?: string; decline_code?: string }) => ({ status: 'error', code: error.decline_code ?? error.code }),
    );

describe('the Stripe test proxy across a restart', () => {
  it('declines a saved declining card, and pays with a saved good one, after the proxy restarts', async () => {
    const before = await proxy();
    const declining = await saveCard(before.stripe, 'pm_card_chargeDeclined');
    const poor = await saveCard(before.stripe, 'pm_card_chargeDeclinedInsufficientFunds');
    const good = await saveCard(before.stripe, 'pm_card_visa');
    expect(await charge(before.stripe, declining)).toEqual({ status: 'error', code: 'generic_decline' });
    await before.stop();
    stops.splice(0);

    const after = await proxy();
    expect(await charge(after.stripe, declining)).toEqual({ status: 'error', code: 'generic_decline' });
    expect(await charge(after.stripe, poor)).toEqual({ status: 'error', code: 'insufficient_funds' });
    expect(await charge(after.stripe, good)).toEqual({ status: 'succeeded', code: undefined });
  });

  it('does not take a made-up id for a test card', async () => {
    const { stripe } = await proxy();
    const customer = await stripe.customers.create({});
    // An id of the attached shape whose mark is no test card's behaves as a plain card.
    expect(await charge(stripe, { customer: customer.id, paymentMethod: 'pm_testNothing_00ff' })).toEqual({ status: 'succeeded', code: undefined });
  });
});
