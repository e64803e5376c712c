import type { TClaimAck, TShowDetail } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * "Settled" means every order of the show is final. A show whose charge is still on its
 * way to Stripe reads settling, and has no receipts yet.
 */
let stack: TStack;
beforeAll(async () => {
  // A key of its own: the proxy's latency below slows this file's requests only.
  stack = await startStack({ worker: true, env: { STRIPE_SECRET_KEY: 'sk_test_settlingSlowCharge' } });
});
afterAll(async () => stack?.close());

const setStripeLatency = (ms: number) =>
  fetch(`${stack.config.stripe.apiBase}/__test/latency`, { method: 'POST', body: JSON.stringify({ secretKey: stack.config.stripe.secretKey, ms }) });

describe('a show being settled', () => {
  it('reads settling while a charge runs, and settled once its order is paid', async () => {
    const host = await stack.createUser();
    const item = await stack.createListing(host.id, { priceMinor: 3_000 });
    const show = await stack.createShow(host.cookie, [{ variantId: item.variantIds[0]! }]);
    const buyer = await stack.createUser({ withCard: true });
    const hostSocket = await stack.connect(host.cookie);
    const buyerSocket = await stack.connect(buyer.cookie);
    const cmd = (event: string, extra: object = {}) => request(hostSocket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
    await cmd('show:start');
    await cmd('queue:feature', { entryId: show.entries[0]!.entryId });
    expect(await request<TClaimAck>(buyerSocket, 'claim:create', { showId: show.id, entryId: show.entries[0]!.entryId, clientOpId: newOpId() }))
      .toMatchObject({ ok: true });

    // Every answer from Stripe now takes 4 s: the charge is in flight for that long.
    await setStripeLatency(4_000);
    try {
      await cmd('show:end');
      const statusOf = async () => ((await stack.http('GET', `/api/shows/${show.id}`, { cookie: buyer.cookie })).body as TShowDetail).status;
      await until('the orders made', async () => (await statusOf()) !== 'ended');
      // The order exists and its charge has not come back: the show is not settled.
      expect(await statusOf()).toBe('settling');
      const { rows: during } = await stack.db.query(`select status from orders where show_id = $1`, [show.id]);
      expect(during.map((o) => o.status)).toEqual(['pending']);
      expect(await stack.http('GET', `/api/shows/${show.id}/receipts`, { cookie: buyer.cookie })).toMatchObject({ status: 409 });

      await until('the show settled', async () => (await statusOf()) === 'settled', 20_000);
      const { rows: after } = await stack.db.query(`select status from orders where show_id = $1`, [show.id]);
      expect(after.map((o) => o.status)).toEqual(['paid']);
      expect(await stack.http('GET', `/api/shows/${show.id}/receipts`, { cookie: buyer.cookie })).toMatchObject({ status: 200 });
    } finally {
      await setStripeLatency(0);
    }
  });

  it('is settled at once when nothing was sold', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const hostSocket = await stack.connect(host.cookie);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'show:end', { showId: show.id, clientOpId: newOpId() });
    await until('the show settled', async () =>
      (await stack.db.query(`select 1 from shows where id = $1 and status = 'settled'`, [show.id])).rows[0]);
  });
});
