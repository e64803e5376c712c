import { JOBS, jobIds } from '@showcart/common';
import type { TClaimAck, TItemReceipts, TOrder } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, startStack, type TStack } from '../../../infra/test/harness.ts';
import { chargeIdempotencyKey } from '@showcart/domain';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

type TProxied = { method: string; path: string; idempotencyKey: string | null; status: number };
const stripeRequests = async (): Promise<TProxied[]> =>
  (await fetch(`${stack.config.stripe.apiBase}/__test/requests`)).json() as Promise<TProxied[]>;

const waitForOrders = async (cookie: string, count: number, status: string): Promise<TOrder[]> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await stack.http('GET', '/api/orders', { cookie });
    const orders = (body as { orders: TOrder[] }).orders;
    if (orders.length === count && orders.every((o) => o.status === status)) return orders;
    if (Date.now() > deadline) throw new Error(`orders not ${status}: ${JSON.stringify(orders)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('settling a show', () => {
  it('bundles claims per buyer and seller, charges each order once, and shows it paid', async () => {
    const host = await stack.createUser({ shippingMinor: 650 });
    const jacket = await stack.createListing(host.id, { priceMinor: 4_800, variants: [['M', 2]] });
    const scarf = await stack.createListing(host.id, { priceMinor: 2_200, variants: [['One size', 1]] });
    const show = await stack.createShow(host.cookie, [
      { variantId: jacket.variantIds[0]! },
      { variantId: scarf.variantIds[0]!, priceMinor: 1_900 },
    ]);
    const [jacketEntry, scarfEntry] = show.entries.map((e) => e.entryId);
    const buyer = await stack.createUser({ withCard: true });
    const other = await stack.createUser({ withCard: true });
    const hostSocket = await stack.connect(host.cookie);
    const buyerSocket = await stack.connect(buyer.cookie);
    const otherSocket = await stack.connect(other.cookie);
    const cmd = (event: string, extra: object = {}) => request(hostSocket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
    const claim = (socket: typeof buyerSocket, entryId: string) =>
      request<TClaimAck>(socket, 'claim:create', { showId: show.id, entryId, clientOpId: newOpId() });

    await cmd('show:start');
    await cmd('queue:feature', { entryId: jacketEntry });
    expect(await claim(buyerSocket, jacketEntry!)).toMatchObject({ ok: true, position: 1 });
    expect(await claim(otherSocket, jacketEntry!)).toMatchObject({ ok: true, position: 2 });
    await cmd('queue:feature', { entryId: scarfEntry });
    expect(await claim(buyerSocket, scarfEntry!)).toMatchObject({ ok: true, position: 1 });
    await cmd('show:end');

    // The buyer's two items from one seller are one order with one shipping fee.
    const [order] = await waitForOrders(buyer.cookie, 1, 'paid');
    expect(order).toMatchObject({ itemsMinor: 4_800 + 1_900, shippingMinor: 650, discountMinor: 0, totalMinor: 4_800 + 1_900 + 650 });
    expect(order!.items.map((i) => i.priceMinor).sort()).toEqual([1_900, 4_800]);
    const [otherOrder] = await waitForOrders(other.cookie, 1, 'paid');
    expect(otherOrder!.totalMinor).toBe(4_800 + 650);

    // Stripe saw one PaymentIntent per order, under the key derived from the order id.
    const charges = (await stripeRequests()).filter((r) => r.path === '/v1/payment_intents');
    for (const o of [order!, otherOrder!]) {
      expect(charges.filter((r) => r.idempotencyKey === chargeIdempotencyKey(o.id))).toHaveLength(1);
    }
    const { rows: shows } = await stack.db.query('select status from shows where id = $1', [show.id]);
    expect(shows[0].status).toBe('settled');

    // Receipts: each item's claims in the order they were decided, with server times.
    const receipts = await stack.http('GET', `/api/shows/${show.id}/receipts`, { cookie: other.cookie });
    const items = (receipts.body as { items: TItemReceipts[] }).items;
    expect(items.map((i) => i.claims.map((c) => [c.position, c.buyerName, c.status]))).toEqual([
      [[1, buyer.name, 'won'], [2, other.name, 'won']],
      [[1, buyer.name, 'won']],
    ]);
    const jacketClaims = items[0]!.claims;
    expect(jacketClaims[0]!.seq).toBeLessThan(jacketClaims[1]!.seq);
    expect(Date.parse(jacketClaims[0]!.claimedAt)).toBeLessThanOrEqual(Date.parse(jacketClaims[1]!.claimedAt));
    expect(Math.abs(Date.parse(jacketClaims[0]!.claimedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('settles once however often the job is enqueued, even after completed jobs are removed', async () => {
    const host = await stack.createUser();
    const item = await stack.createListing(host.id, { priceMinor: 1_500, variants: [['M', 3]] });
    const show = await stack.createShow(host.cookie, [{ variantId: item.variantIds[0]! }]);
    const buyer = await stack.createUser({ withCard: true });
    const hostSocket = await stack.connect(host.cookie);
    const buyerSocket = await stack.connect(buyer.cookie);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId: show.entries[0]!.entryId, clientOpId: newOpId() });
    for (let i = 0; i < 2; i++) {
      expect(await request<TClaimAck>(buyerSocket, 'claim:create', { showId: show.id, entryId: show.entries[0]!.entryId, clientOpId: newOpId() })).toMatchObject({ ok: true });
    }
    await request(hostSocket, 'show:end', { showId: show.id, clientOpId: newOpId() });
    const [order] = await waitForOrders(buyer.cookie, 1, 'paid');

    // Enqueue the settlement 1,000 times more after the finished jobs were removed: half
    // under its own job id (BullMQ keeps one), half under fresh ids (each one runs); and
    // the charge itself again, as a duplicate would.
    await stack.settlementQueue.clean(0, 10_000, 'completed');
    await stack.settlementQueue.addBulk(
      Array.from({ length: 1_000 }, (_, i) => ({
        name: JOBS.settleShow.name,
        data: { showId: show.id },
        opts: { jobId: i % 2 ? jobIds.settleShow(show.id) : `${jobIds.settleShow(show.id)}-again-${i}` },
      })),
    );
    await stack.settlementQueue.addBulk(
      Array.from({ length: 100 }, (_, i) => ({ name: JOBS.chargeOrder.name, data: { orderId: order!.id }, opts: { jobId: `${jobIds.chargeOrder(order!.id)}-again-${i}` } })),
    );
    const deadline = Date.now() + 60_000;
    const busy = async () => {
      const counts = await stack.settlementQueue.getJobCounts('waiting', 'active', 'delayed');
      return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) > 0;
    };
    while (await busy()) {
      if (Date.now() > deadline) throw new Error('queue did not drain');
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await stack.db.query('select id, total_minor from orders where show_id = $1', [show.id]);
    expect(rows).toEqual([{ id: order!.id, total_minor: 1_500 * 2 + 799 }]);
    const sent = (await stripeRequests()).filter((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === chargeIdempotencyKey(order!.id));
    // The repeated charge job found the order paid and sent nothing.
    expect(sent).toHaveLength(1);
    const { rows: intents } = await stack.db.query('select stripe_payment_intent_id from orders where id = $1', [order!.id]);
    expect(intents[0].stripe_payment_intent_id).toMatch(/^pi_/);
  });

  it('has no receipts before the show is settled', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const res = await stack.http('GET', `/api/shows/${show.id}/receipts`, { cookie: host.cookie });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('refuses to settle a show that is still live', async () => {
    const host = await stack.createUser();
    const item = await stack.createListing(host.id);
    const show = await stack.createShow(host.cookie, [{ variantId: item.variantIds[0]! }]);
    const hostSocket = await stack.connect(host.cookie);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    const job = await stack.settlementQueue.add(JOBS.settleShow.name, { showId: show.id }, { jobId: `${jobIds.settleShow(show.id)}-early`, attempts: 3 });
    const deadline = Date.now() + 10_000;
    while (!(await job.isFailed())) {
      if (Date.now() > deadline) throw new Error('job did not fail');
      await new Promise((r) => setTimeout(r, 100));
    }
    const failed = await stack.settlementQueue.getJob(job.id!);
    expect(failed?.failedReason).toMatch(/is live; only an ended show is settled/);
    // Unrecoverable: not retried.
    expect(failed?.attemptsMade).toBe(1);
    const { rows } = await stack.db.query('select count(*)::int as n from orders where show_id = $1', [show.id]);
    expect(rows[0].n).toBe(0);
  });
});
