import type { TConnectStatus, TOrder, TPaymentSetup, TSale, TShowSales, TWaitlistOffer } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/** Money after a show against stripe-mock (through the test proxy, which declines Stripe's declining test cards). */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true, env: { PAYMENT_DEADLINE_SECONDS: '3', PLATFORM_FEE_BPS: '500' } });
});
afterAll(async () => stack?.close());

type TProxied = { method: string; path: string; idempotencyKey: string | null; status: number };
const stripeRequests = async (): Promise<TProxied[]> =>
  (await fetch(`${stack.config.stripe.apiBase}/__test/requests`)).json() as Promise<TProxied[]>;

const ordersOf = async (cookie: string) => ((await stack.http('GET', '/api/orders', { cookie })).body as { orders: TOrder[] }).orders;
const orderIn = (cookie: string, status: string) =>
  until(`an order ${status}`, async () => (await ordersOf(cookie)).find((o) => o.status === status));
const transfersOf = async (orderId: string) =>
  (await stack.db.query<{ kind: string; amount: number; status: string }>(
    'select kind, amount_minor as amount, status from transfers where order_id = $1 order by kind',
    [orderId],
  )).rows;
const saveTestCard = (cookie: string, paymentMethod: string) =>
  stack.http('POST', '/api/payments/test-card', { cookie, body: { paymentMethod } });
const attempt = () => ({ attemptId: crypto.randomUUID() });

describe('cards, declines and the waitlist after a show', () => {
  it('gives a declined buyer until the deadline, then offers the unit to the next in line, who buys it', async () => {
    const host = await stack.createUser({ shippingMinor: 500 });
    const boots = await stack.createListing(host.id, { title: 'Boots', priceMinor: 3_000, variants: [['41', 1]] });
    const amy = await stack.createUser();
    const ben = await stack.createUser({ withCard: true });

    // Amy saves Stripe's declining test card; she sees it as her card.
    expect((await saveTestCard(amy.cookie, 'pm_card_chargeDeclined')).status).toBe(200);
    const setup = (await stack.http('GET', '/api/payments', { cookie: amy.cookie })).body as TPaymentSetup;
    expect(setup).toMatchObject({ mode: 'test', card: { brand: 'visa', last4: '0002' } });
    expect((await saveTestCard(amy.cookie, 'pm_card_bogus')).body.error.code).toBe('INVALID_INPUT');

    await stack.runShow({
      host,
      entries: [{ variantId: boots.variantIds[0]! }],
      claims: [{ cookie: amy.cookie, entry: 0 }],
      waitlist: [{ cookie: ben.cookie, entry: 0 }],
    });

    const failed = await orderIn(amy.cookie, 'payment_failed');
    expect(failed).toMatchObject({ totalMinor: 3_500, failureCode: 'generic_decline' });
    expect(Date.parse(failed.payBy!) - Date.now()).toBeGreaterThan(0);
    expect(await transfersOf(failed.id)).toEqual([]);
    // Nobody else can pay or see Amy's order.
    expect((await stack.http('POST', `/api/orders/${failed.id}/pay`, { cookie: ben.cookie, body: attempt() })).status).toBe(404);

    // At the deadline the order is canceled and the unit offered to Ben, first in line.
    const canceled = await orderIn(amy.cookie, 'canceled');
    expect(canceled.id).toBe(failed.id);
    expect((await stack.http('POST', `/api/orders/${failed.id}/pay`, { cookie: amy.cookie, body: attempt() })).body.error.code)
      .toBe('PAYMENT_DEADLINE_PASSED');
    const offer = await until('an offer', async () =>
      ((await stack.http('GET', '/api/offers', { cookie: ben.cookie })).body as { offers: TWaitlistOffer[] }).offers[0]);
    expect(offer).toMatchObject({ title: 'Boots', variantLabel: '41', priceMinor: 3_000 });
    expect((await stack.http('POST', `/api/offers/${offer.id}/accept`, { cookie: amy.cookie })).status).toBe(404);

    const accepted = await stack.http('POST', `/api/offers/${offer.id}/accept`, { cookie: ben.cookie });
    expect(accepted.status).toBe(201);
    expect((await stack.http('POST', `/api/offers/${offer.id}/accept`, { cookie: ben.cookie })).body.error.code).toBe('CONFLICT');
    const bought = await orderIn(ben.cookie, 'paid');
    expect(bought).toMatchObject({ origin: 'waitlist', totalMinor: 3_500, items: [{ title: 'Boots', priceMinor: 3_000 }] });

    // One PaymentIntent per order; Amy's unpaid order has no transfer, Ben's waits for the
    // host's Connect account: its seller share is the total less the 5 % fee on the item.
    const intents = (await stripeRequests()).filter((r) => r.path === '/v1/payment_intents');
    for (const o of [failed, bought]) expect(intents.filter((r) => r.idempotencyKey === `order-${o.id}-charge`)).toHaveLength(1);
    expect(await transfersOf(failed.id)).toEqual([]);
    expect(await transfersOf(bought.id)).toEqual([{ kind: 'seller', amount: 3_500 - 150, status: 'waiting' }]);
    const { rows: claims } = await stack.db.query<{ buyer: string; status: string; position: number }>(
      'select buyer_id as buyer, status, position from claims where entry_id = (select entry_id from claims c join order_items oi on oi.claim_id = c.id where oi.order_id = $1) order by position',
      [bought.id],
    );
    expect(claims).toEqual([{ buyer: amy.id, status: 'released', position: 1 }, { buyer: ben.id, status: 'won', position: 2 }]);
    // The boot left the closet once it was paid for, not when Amy claimed it.
    const { rows: stock } = await stack.db.query('select quantity from listing_variants where id = $1', [boots.variantIds[0]]);
    expect(stock[0].quantity).toBe(0);
  });

  it('lets a buyer asked for authentication pay on-session with another card; payouts wait for Connect', async () => {
    const host = await stack.createUser({ shippingMinor: 400 });
    const scarf = await stack.createListing(host.id, { priceMinor: 2_000, variants: [['One size', 1]] });
    const cara = await stack.createUser();
    await saveTestCard(cara.cookie, 'pm_card_authenticationRequired');
    const { show } = await stack.runShow({ host, entries: [{ variantId: scarf.variantIds[0]! }], claims: [{ cookie: cara.cookie, entry: 0 }] });

    const asked = await orderIn(cara.cookie, 'action_required');
    expect(asked.failureCode).toBe('authentication_required');
    const again = await stack.http('POST', `/api/orders/${asked.id}/pay`, { cookie: cara.cookie, body: attempt() });
    expect(again).toMatchObject({ status: 402, body: { error: { code: 'AUTHENTICATION_REQUIRED' } } });
    expect((await stack.http('POST', `/api/orders/${asked.id}/pay`, { cookie: cara.cookie, body: {} })).body.error.code).toBe('INVALID_INPUT');

    await saveTestCard(cara.cookie, 'pm_card_visa');
    const paid = await stack.http('POST', `/api/orders/${asked.id}/pay`, { cookie: cara.cookie, body: attempt() });
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ status: 'paid', totalMinor: 2_400 });
    expect((await stack.http('POST', `/api/orders/${asked.id}/pay`, { cookie: cara.cookie, body: attempt() })).body.error.code).toBe('CONFLICT');
    await until('the payout job', async () => (await transfersOf(asked.id))[0]?.status === 'waiting');

    // The host onboards to Connect; stripe-mock's accounts can take transfers at once, so
    // the waiting payout goes: one transfer, from the order's charge, with the order's key.
    const before = (await stack.http('GET', '/api/connect', { cookie: host.cookie })).body as TConnectStatus;
    expect(before).toMatchObject({ accountId: null, ready: false });
    const onboarding = await stack.http('POST', '/api/connect/onboarding', { cookie: host.cookie });
    expect(onboarding.body.url).toMatch(/^https:\/\//);
    expect(((await stack.http('GET', '/api/connect', { cookie: host.cookie })).body as TConnectStatus).ready).toBe(true);
    await until('the transfer', async () => (await transfersOf(asked.id))[0]?.status === 'sent');
    expect(await transfersOf(asked.id)).toEqual([{ kind: 'seller', amount: 2_400 - 100, status: 'sent' }]);
    const transfers = (await stripeRequests()).filter((r) => r.path === '/v1/transfers' && r.idempotencyKey === `order-${asked.id}-transfer-seller`);
    expect(transfers.map((r) => r.status)).toEqual([200]);

    // The ledger: every journal balances, the seller's payable is settled, the fee stays.
    const { rows: ledger } = await stack.db.query<{ account: string; balance: number }>(
      `select account, sum(amount_minor)::int as balance from ledger_entries where order_id = $1 group by account order by account`,
      [asked.id],
    );
    expect(ledger).toEqual([
      { account: 'platform:fees', balance: -100 },
      { account: 'platform:stripe_balance', balance: 100 },
      { account: `seller:${host.id}:payable`, balance: 0 },
    ]);

    // The seller's sales and the host's summary say the same.
    const sales = ((await stack.http('GET', '/api/sales', { cookie: host.cookie })).body as { sales: TSale[] }).sales;
    expect(sales).toEqual([expect.objectContaining({ orderId: asked.id, status: 'paid', sellerShareMinor: 2_300, transfer: { amountMinor: 2_300, status: 'sent' } })]);
    const summary = (await stack.http('GET', `/api/shows/${show.id}/sales`, { cookie: host.cookie })).body as TShowSales;
    expect(summary).toMatchObject({ itemsSold: 1, revenueMinor: 2_400, commissionMinor: 0, ordersByStatus: { paid: 1 } });
    expect((await stack.http('GET', `/api/shows/${show.id}/sales`, { cookie: cara.cookie })).body.error.code).toBe('FORBIDDEN');
  });
});

describe('operators', () => {
  it('opens the job dashboard to admins only', async () => {
    const admin = await stack.createUser();
    await stack.db.query('update users set is_admin = true where id = $1', [admin.id]);
    const user = await stack.createUser();
    const page = (cookie?: string) => fetch(`${stack.apiUrl}/admin/queues`, { headers: cookie ? { cookie } : {} });
    expect((await page()).status).toBe(401);
    expect((await page(user.cookie)).status).toBe(403);
    const ok = await page(admin.cookie);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Showcart jobs');
    // A browser is sent to a page of the app: to sign in and come back, or to "not allowed".
    const browse = (cookie?: string) =>
      fetch(`${stack.apiUrl}/admin/queues`, { redirect: 'manual', headers: { accept: 'text/html,application/xhtml+xml', ...(cookie ? { cookie } : {}) } });
    expect([(await browse()).status, (await browse()).headers.get('location')]).toEqual([303, '/login?next=%2Fadmin%2Fqueues']);
    expect([(await browse(user.cookie)).status, (await browse(user.cookie)).headers.get('location')]).toEqual([303, '/not-allowed?page=%2Fadmin%2Fqueues']);
    expect((await browse(admin.cookie)).status).toBe(200);
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: { cookie: admin.cookie } });
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['settlement', 'maintenance']));
    // An admin's cookie sent by another site's page does not work the dashboard.
    const forged = await fetch(`${stack.apiUrl}/admin/queues/api/queues/settlement/clean/failed`, {
      method: 'PUT', headers: { cookie: admin.cookie, origin: 'https://evil.example' },
    });
    expect([forged.status, ((await forged.json()) as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
  });
});
