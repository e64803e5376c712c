import {
  AppError,
  TEST_CARDS,
  ZAttemptBody,
  ZSetupCompleteBody,
  ZTestCardBody,
  type TCard,
  type TConnectStatus,
  type TPaymentSetup,
} from '@showcart/shared';
import type { Stripe, TQueryable } from '@showcart/common';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';
import { parseWith } from '../http.ts';
import { sendWaitingPayouts } from './webhooks.ts';

/** Against stripe-mock there is no Stripe.js to take a card: buyers pick a Stripe test card. */
export const isTestMode = (config: TApiDeps['config']) => config.stripe.apiBase !== undefined;

const cardOf = (method: Stripe.PaymentMethod): TCard => ({
  brand: method.card?.brand ?? 'card',
  last4: method.card?.last4 ?? '0000',
  exp: method.card ? `${String(method.card.exp_month).padStart(2, '0')}/${String(method.card.exp_year).slice(-2)}` : null,
});

/** The buyer's Stripe customer, made once (the idempotency key is the user's id). */
const customerOf = async (deps: TApiDeps, user: { id: string; email: string }): Promise<string> => {
  const { rows } = await deps.db.query<{ customerId: string }>(
    'select stripe_customer_id as "customerId" from payment_profiles where user_id = $1',
    [user.id],
  );
  if (rows[0]) return rows[0].customerId;
  const customer = await deps.stripe.customers.create(
    { email: user.email, metadata: { userId: user.id } },
    { idempotencyKey: `user-${user.id}-customer` },
  );
  await deps.db.query(
    `insert into payment_profiles (user_id, stripe_customer_id) values ($1, $2) on conflict (user_id) do nothing`,
    [user.id, customer.id],
  );
  return customer.id;
};

/** Makes a saved payment method the buyer's card for after-show charges. */
export const saveDefaultCard = async (db: TQueryable, userId: string, method: Stripe.PaymentMethod) => {
  const card = cardOf(method);
  await db.query(
    `update payment_profiles set default_payment_method_id = $2, card_brand = $3, card_last4 = $4, card_exp = $5,
                                 updated_at = now()
      where user_id = $1`,
    [userId, method.id, card.brand, card.last4, card.exp],
  );
  return card;
};

/** Where a Connect account stands, from Stripe's account object. */
export const connectStateOf = (account: Stripe.Account) => ({
  detailsSubmitted: account.details_submitted ?? false,
  payoutsEnabled: account.payouts_enabled ?? false,
  transfersActive: account.capabilities?.transfers === 'active',
});

export const paymentRoutes = (deps: TApiDeps) => {
  const { db, stripe, config } = deps;
  const router = Router();

  /** The buyer's card, and how this server takes a new one. */
  router.get('/payments', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<{ brand: string | null; last4: string | null; exp: string | null; method: string | null }>(
      `select card_brand as brand, card_last4 as last4, card_exp as exp, default_payment_method_id as method
         from payment_profiles where user_id = $1`,
      [user.id],
    );
    const p = rows[0];
    const test = isTestMode(config);
    const reply: TPaymentSetup = {
      card: p?.method ? { brand: p.brand ?? 'card', last4: p.last4 ?? '····', exp: p.exp } : null,
      mode: test ? 'test' : 'elements',
      publishableKey: test ? null : config.stripe.publishableKey,
      testCards: test ? [...TEST_CARDS] : [],
    };
    res.json(reply);
  });

  /** Against stripe-mock: saves one of Stripe's test cards, as Stripe test mode allows. */
  router.post('/payments/test-card', async (req, res) => {
    if (!isTestMode(config)) throw new AppError('NOT_CONFIGURED', 'Test cards are only offered against stripe-mock.');
    const { paymentMethod } = parseWith(ZTestCardBody, req.body);
    const user = currentUser(res);
    const customer = await customerOf(deps, user);
    const method = await stripe.paymentMethods.attach(paymentMethod, { customer });
    res.json({ card: await saveDefaultCard(db, user.id, method) });
  });

  /** With Stripe Elements: a SetupIntent for the browser to confirm. */
  router.post('/payments/setup-intent', async (req, res) => {
    if (isTestMode(config)) throw new AppError('NOT_CONFIGURED', 'Stripe Elements needs real Stripe keys; pick a test card.');
    const { attemptId } = parseWith(ZAttemptBody, req.body);
    const user = currentUser(res);
    const customer = await customerOf(deps, user);
    const intent = await stripe.setupIntents.create(
      { customer, usage: 'off_session', metadata: { userId: user.id } },
      { idempotencyKey: `user-${user.id}-setup-${attemptId}` },
    );
    res.json({ clientSecret: intent.client_secret, publishableKey: config.stripe.publishableKey });
  });

  /** After Elements confirmed the SetupIntent: saved only if Stripe says it succeeded for this buyer. */
  router.post('/payments/setup-intent/complete', async (req, res) => {
    const { setupIntentId } = parseWith(ZSetupCompleteBody, req.body);
    const user = currentUser(res);
    const customer = await customerOf(deps, user);
    const intent = await stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method'] });
    if (intent.customer !== customer) throw new AppError('NOT_FOUND');
    if (intent.status !== 'succeeded' || !intent.payment_method || typeof intent.payment_method === 'string') {
      throw new AppError('CONFLICT', `The card was not saved: Stripe says ${intent.status}.`);
    }
    res.json({ card: await saveDefaultCard(db, user.id, intent.payment_method) });
  });

  const connectStatus = async (userId: string): Promise<TConnectStatus> => {
    const { rows } = await db.query<{ accountId: string; detailsSubmitted: boolean; payoutsEnabled: boolean; ready: boolean }>(
      `select stripe_account_id as "accountId", details_submitted as "detailsSubmitted",
              payouts_enabled as "payoutsEnabled", transfers_active as ready
         from connect_accounts where user_id = $1`,
      [userId],
    );
    return rows[0] ?? { accountId: null, detailsSubmitted: false, payoutsEnabled: false, ready: false };
  };

  router.get('/connect', async (_req, res) => {
    res.json(await connectStatus(currentUser(res).id));
  });

  /**
   * Starts (or resumes) Stripe Connect onboarding: an Express account made once per user,
   * and a fresh onboarding link. Until Stripe reports the account ready, payouts wait.
   */
  router.post('/connect/onboarding', async (_req, res) => {
    const user = currentUser(res);
    let { accountId } = await connectStatus(user.id);
    if (!accountId) {
      const account = await stripe.accounts.create(
        {
          type: 'express',
          email: user.email,
          capabilities: { transfers: { requested: true } },
          metadata: { userId: user.id },
        },
        { idempotencyKey: `user-${user.id}-connect-account` },
      );
      const state = connectStateOf(account);
      await db.query(
        `insert into connect_accounts (user_id, stripe_account_id, details_submitted, payouts_enabled, transfers_active)
         values ($1, $2, $3, $4, $5) on conflict (user_id) do nothing`,
        [user.id, account.id, state.detailsSubmitted, state.payoutsEnabled, state.transfersActive],
      );
      accountId = (await connectStatus(user.id)).accountId!;
      if (state.transfersActive) await sendWaitingPayouts(deps, user.id, `account-${account.id}`);
    }
    const link = await stripe.accountLinks.create({
      account: accountId,
      type: 'account_onboarding',
      refresh_url: `${config.publicUrl}/sales?connect=refresh`,
      return_url: `${config.publicUrl}/sales?connect=return`,
    });
    res.json({ url: link.url });
  });

  return router;
};
