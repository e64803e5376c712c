import { execute, queryRow, type Stripe, type TQueryable } from '@showcart/common';
import { AppError, TEST_CARDS, type TCard, type TPaymentSetup } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { isTestMode } from './charges.ts';

const cardOf = (method: Stripe.PaymentMethod): TCard => ({
  brand: method.card?.brand ?? 'card',
  last4: method.card?.last4 ?? '0000',
  exp: method.card ? `${String(method.card.exp_month).padStart(2, '0')}/${String(method.card.exp_year).slice(-2)}` : null,
});

/** The buyer's Stripe customer, made once (the idempotency key is the user's id). */
const customerOf = async (deps: Pick<TDomainDeps, 'db' | 'stripe'>, user: { id: string; email: string }): Promise<string> => {
  const profile = await queryRow(deps.db, z.object({ customerId: z.string() }),
    'select stripe_customer_id as "customerId" from payment_profiles where user_id = $1', [user.id]);
  if (profile) return profile.customerId;
  const customer = await deps.stripe.customers.create(
    { email: user.email, metadata: { userId: user.id } },
    { idempotencyKey: `user-${user.id}-customer` },
  );
  await execute(deps.db, 'insert into payment_profiles (user_id, stripe_customer_id) values ($1, $2) on conflict (user_id) do nothing', [user.id, customer.id]);
  return customer.id;
};

/** Makes a saved payment method the buyer's card for after-show charges. */
export const saveDefaultCard = async (db: TQueryable, userId: string, method: Stripe.PaymentMethod): Promise<TCard> => {
  const card = cardOf(method);
  await execute(db,
    `update payment_profiles set default_payment_method_id = $2, card_brand = $3, card_last4 = $4, card_exp = $5,
                                 updated_at = now()
      where user_id = $1`,
    [userId, method.id, card.brand, card.last4, card.exp],
  );
  return card;
};

/** The buyer's card, and how this server takes a new one (Stripe Elements, or Stripe's test cards against stripe-mock). */
export const paymentSetup = async (deps: Pick<TDomainDeps, 'db' | 'config'>, userId: string): Promise<TPaymentSetup> => {
  const p = await queryRow(deps.db, z.object({ brand: z.string().nullable(), last4: z.string().nullable(), exp: z.string().nullable(), method: z.string().nullable() }),
    `select card_brand as brand, card_last4 as last4, card_exp as exp, default_payment_method_id as method
       from payment_profiles where user_id = $1`,
    [userId],
  );
  const test = isTestMode(deps.config);
  return {
    card: p?.method ? { brand: p.brand ?? 'card', last4: p.last4 ?? '····', exp: p.exp } : null,
    mode: test ? 'test' : 'elements',
    publishableKey: test ? null : deps.config.stripe.publishableKey,
    testCards: test ? [...TEST_CARDS] : [],
  };
};

/** Against stripe-mock: saves one of Stripe's test cards, as Stripe test mode allows. */
export const saveTestCard = async (deps: Pick<TDomainDeps, 'db' | 'stripe' | 'config'>, p: { user: { id: string; email: string }; paymentMethod: string }) => {
  if (!isTestMode(deps.config)) throw new AppError('NOT_CONFIGURED', 'Test cards are only offered against stripe-mock.');
  const customer = await customerOf(deps, p.user);
  const method = await deps.stripe.paymentMethods.attach(p.paymentMethod, { customer });
  return { card: await saveDefaultCard(deps.db, p.user.id, method) };
};

/** With Stripe Elements: a SetupIntent for the browser to confirm. */
export const createSetupIntent = async (deps: Pick<TDomainDeps, 'db' | 'stripe' | 'config'>, p: { user: { id: string; email: string }; attemptId: string }) => {
  if (isTestMode(deps.config)) throw new AppError('NOT_CONFIGURED', 'Stripe Elements needs real Stripe keys; pick a test card.');
  const customer = await customerOf(deps, p.user);
  const intent = await deps.stripe.setupIntents.create(
    { customer, usage: 'off_session', metadata: { userId: p.user.id } },
    { idempotencyKey: `user-${p.user.id}-setup-${p.attemptId}` },
  );
  if (!intent.client_secret) throw new AppError('UNAVAILABLE', 'Stripe gave no client secret for the card form.');
  return { clientSecret: intent.client_secret, publishableKey: deps.config.stripe.publishableKey };
};

/** After Elements confirmed the SetupIntent: saved only if Stripe says it succeeded for this buyer. */
export const completeSetupIntent = async (deps: Pick<TDomainDeps, 'db' | 'stripe'>, p: { user: { id: string; email: string }; setupIntentId: string }) => {
  const customer = await customerOf(deps, p.user);
  const intent = await deps.stripe.setupIntents.retrieve(p.setupIntentId, { expand: ['payment_method'] });
  if (intent.customer !== customer) throw new AppError('NOT_FOUND');
  if (intent.status !== 'succeeded' || !intent.payment_method || typeof intent.payment_method === 'string') {
    throw new AppError('CONFLICT', `The card was not saved: Stripe says ${intent.status}.`);
  }
  return { card: await saveDefaultCard(deps.db, p.user.id, intent.payment_method) };
};
