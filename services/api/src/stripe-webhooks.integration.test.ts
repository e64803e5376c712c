import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { TOrder } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

/** A Stripe event as Stripe sends it, signed with our endpoint's secret (or another). */
const event = (type: string, object: object, created = Math.floor(Date.now() / 1000)) => ({
  id: `evt_${randomUUID().replaceAll('-', '')}`,
  object: 'event',
  api_version: '2025-09-30.clover',
  created,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
  data: { object },
});
const deliver = async (e: object, p: { secret?: string; timestamp?: number; tamper?: boolean } = {}) => {
  const payload = JSON.stringify(e);
  const header = stack.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: p.secret ?? stack.config.stripe.webhookSecret!,
    ...(p.timestamp ? { timestamp: p.timestamp } : {}),
  });
  const res = await fetch(`${stack.apiUrl}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: p.tamper ? payload.replace('"livemode":false', '"livemode":true') : payload,
  });
  return { status: res.status, body: await res.json() };
};
const recorded = async (id: string) =>
  (await stack.db.query('select type from webhook_events where provider = $1 and event_id = $2', ['stripe', id])).rowCount;
const accountState = async (userId: string) =>
  (await stack.db.query<{ ready: boolean; payouts: boolean }>(
    'select transfers_active as ready, payouts_enabled as payouts from connect_accounts where user_id = $1',
    [userId],
  )).rows[0];

describe('Stripe webhooks', () => {
  it('refuses tampered, wrongly signed and stale events with 401 and records nothing', async () => {
    const e = event('payment_intent.succeeded', { id: 'pi_x', object: 'payment_intent', metadata: {} });
    expect(await deliver(e, { tamper: true })).toMatchObject({ status: 401, body: { error: { code: 'BAD_SIGNATURE' } } });
    expect((await deliver(e, { secret: 'whsec_someoneelse' })).status).toBe(401);
    expect((await deliver(e, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect(await recorded(e.id)).toBe(0);
    const unsigned = await fetch(`${stack.apiUrl}/api/webhooks/stripe`, { method: 'POST', body: JSON.stringify(e) });
    expect(unsigned.status).toBe(401);
  });

  it('records an event of a type it does not act on, once, and answers 200', async () => {
    const e = event('customer.created', { id: 'cus_x', object: 'customer' });
    expect(await deliver(e)).toMatchObject({ status: 200, body: { received: true } });
    expect(await deliver(e)).toMatchObject({ status: 200 });
    expect(await recorded(e.id)).toBe(1);
  });

  it('ends in the same state whatever the order and number of deliveries', async () => {
    // A paid order whose payout waits for the seller's account; the account's events and
    // the payment's events arrive five times each, shuffled.
    const seller = await stack.createUser();
    const buyer = await stack.createUser({ withCard: true });
    const item = await stack.createListing(seller.id, { priceMinor: 5_000, variants: [['M', 1]] });
    await stack.runShow({ host: seller, entries: [{ variantId: item.variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    const order = await (async () => {
      for (;;) {
        const orders = ((await stack.http('GET', '/api/orders', { cookie: buyer.cookie })).body as { orders: TOrder[] }).orders;
        if (orders[0]?.status === 'paid') return orders[0];
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const { rows } = await stack.db.query<{ pi: string }>('select stripe_payment_intent_id as pi from orders where id = $1', [order.id]);
    const accountId = `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await stack.db.query('insert into connect_accounts (user_id, stripe_account_id) values ($1, $2)', [seller.id, accountId]);

    const t = Math.floor(Date.now() / 1000);
    const account = (transfers: string, payouts: boolean) => ({
      id: accountId, object: 'account', details_submitted: payouts, payouts_enabled: payouts, capabilities: { transfers },
    });
    const intent = (status: string) => ({
      id: rows[0]!.pi, object: 'payment_intent', status, latest_charge: 'ch_late', metadata: { orderId: order.id },
      last_payment_error: status === 'succeeded' ? null : { code: 'card_declined', decline_code: 'generic_decline' },
    });
    const events = [
      event('account.updated', account('inactive', false), t - 20),
      event('account.updated', account('pending', false), t - 10),
      event('account.updated', account('active', true), t),
      event('payment_intent.payment_failed', intent('requires_payment_method'), t - 30),
      event('payment_intent.succeeded', intent('succeeded'), t - 5),
    ];
    // Newest first (the hard order: every older event comes after a newer one), then four
    // more copies of each, shuffled.
    const newestFirst = [2, 4, 1, 0, 3];
    const copies = fc.sample(fc.shuffledSubarray(newestFirst.flatMap((i) => [i, i, i, i]), { minLength: 20 }), 1)[0]!;
    const deliveries = [...newestFirst, ...copies];
    for (const i of deliveries) expect((await deliver(events[i]!)).status).toBe(200);

    // The newest account state wins; the late failure does not undo the payment.
    const said = `deliveries in this order: ${deliveries.join(',')}`;
    expect(await accountState(seller.id), said).toEqual({ ready: true, payouts: true });
    const after = (await stack.db.query('select status, failure_code from orders where id = $1', [order.id])).rows[0];
    expect(after, said).toEqual({ status: 'paid', failure_code: null });
    for (const e of events) expect(await recorded(e.id)).toBe(1);
    // The account became ready, so the waiting payout went: once.
    const deadline = Date.now() + 20_000;
    let transfers: { status: string; amount: number }[] = [];
    while (Date.now() < deadline) {
      transfers = (await stack.db.query('select status, amount_minor as amount from transfers where order_id = $1', [order.id])).rows;
      if (transfers[0]?.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(transfers).toEqual([{ status: 'sent', amount: order.totalMinor - 250 }]);
  });
});
