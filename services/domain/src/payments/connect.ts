import { execute, queryRow, type Stripe } from '@showcart/common';
import { ZConnectStatus, type TConnectStatus } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { sendWaitingPayouts } from '../payouts/pay-out.ts';

/** Where a Connect account stands, from Stripe's account object. */
const connectStateOf = (account: Stripe.Account) => ({
  detailsSubmitted: account.details_submitted ?? false,
  payoutsEnabled: account.payouts_enabled ?? false,
  transfersActive: account.capabilities?.transfers === 'active',
});

export const connectStatus = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TConnectStatus> =>
  (await queryRow(deps.db, ZConnectStatus,
    `select stripe_account_id as "accountId", details_submitted as "detailsSubmitted",
            payouts_enabled as "payoutsEnabled", transfers_active as ready
       from connect_accounts where user_id = $1`,
    [userId],
  )) ?? { accountId: null, detailsSubmitted: false, payoutsEnabled: false, ready: false };

/**
 * Starts (or resumes) Stripe Connect onboarding: an Express account made once per user,
 * and a fresh onboarding link. Until Stripe reports the account ready, payouts wait.
 */
export const startConnectOnboarding = async (deps: Pick<TDomainDeps, 'db' | 'stripe' | 'config' | 'queue'>, user: { id: string; email: string }) => {
  let { accountId } = await connectStatus(deps, user.id);
  if (!accountId) {
    const account = await deps.stripe.accounts.create(
      { type: 'express', email: user.email, capabilities: { transfers: { requested: true } }, metadata: { userId: user.id } },
      { idempotencyKey: `user-${user.id}-connect-account` },
    );
    const state = connectStateOf(account);
    await execute(deps.db,
      `insert into connect_accounts (user_id, stripe_account_id, details_submitted, payouts_enabled, transfers_active)
       values ($1, $2, $3, $4, $5) on conflict (user_id) do nothing`,
      [user.id, account.id, state.detailsSubmitted, state.payoutsEnabled, state.transfersActive],
    );
    accountId = (await connectStatus(deps, user.id)).accountId!;
    if (state.transfersActive) await sendWaitingPayouts(deps, user.id, `account-${account.id}`);
  }
  const link = await deps.stripe.accountLinks.create({
    account: accountId,
    type: 'account_onboarding',
    refresh_url: `${deps.config.publicUrl}/sales?connect=refresh`,
    return_url: `${deps.config.publicUrl}/sales?connect=return`,
  });
  return { url: link.url };
};

/**
 * Stripe says a Connect account changed: the newest event wins (an older one arriving late
 * changes nothing), and an account that became ready receives its waiting payouts.
 */
export const connectAccountUpdated = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, p: { account: Stripe.Account; eventId: string; eventCreated: number }) => {
  const state = connectStateOf(p.account);
  const updated = await queryRow(deps.db, z.object({ userId: z.string(), ready: z.boolean() }),
    `update connect_accounts set details_submitted = $2, payouts_enabled = $3, transfers_active = $4,
                                 stripe_event_at = to_timestamp($5), updated_at = now()
      where stripe_account_id = $1 and (stripe_event_at is null or stripe_event_at <= to_timestamp($5))
      returning user_id as "userId", transfers_active as ready`,
    [p.account.id, state.detailsSubmitted, state.payoutsEnabled, state.transfersActive, p.eventCreated],
  );
  if (!updated) return 'unknown or older';
  if (updated.ready) await sendWaitingPayouts(deps, updated.userId, p.eventId);
  return updated.ready ? 'account ready' : 'account not ready';
};
