import type { TClaimAck, TShowEvent } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

/** Clients in the race, split evenly over two realtime nodes. */
const CLIENTS = 2_000;

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

describe('a burst of claims over two realtime nodes', () => {
  it(`gives a quantity-1 item to exactly 1 of ${CLIENTS} clients and a quantity-5 item to exactly 5`, async () => {
    const host = await stack.createUser();
    const single = await stack.createListing(host.id, { variants: [['M', 1]] });
    const five = await stack.createListing(host.id, { variants: [['L', 5]] });
    const show = await stack.createShow(host.cookie, [{ variantId: single.variantIds[0]! }, { variantId: five.variantIds[0]! }]);
    const [singleEntry, fiveEntry] = show.entries.map((e) => e.entryId) as [string, string];
    const hostSocket = await stack.connect(host.cookie);
    await request(hostSocket, 'show:join', { showId: show.id });
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });

    const buyers = await stack.createBuyers(CLIENTS);
    const sockets: TClientSocket[] = [];
    const received: TShowEvent[][] = [];
    for (let i = 0; i < buyers.length; i += 100) {
      const batch = await Promise.all(buyers.slice(i, i + 100).map((b, j) => stack.connect(b.cookie, { node: (i + j) % 2 })));
      sockets.push(...batch);
    }
    const joined = await Promise.all(sockets.map((s) => request<{ ok: boolean; seq: number }>(s, 'show:join', { showId: show.id })));
    expect(joined.every((j) => j.ok)).toBe(true);
    sockets.forEach((socket, i) => {
      received[i] = [];
      socket.on('show:events', (batch) => received[i]!.push(...batch));
    });

    const race = async (entryId: string) => {
      await request(hostSocket, 'queue:feature', { showId: show.id, entryId, clientOpId: newOpId() });
      return Promise.all(
        sockets.map((s) => request<TClaimAck>(s, 'claim:create', { showId: show.id, entryId, clientOpId: newOpId() })),
      );
    };

    for (const [entryId, quantity] of [[singleEntry, 1], [fiveEntry, 5]] as const) {
      const acks = await race(entryId);
      // Every client got an answer, and only as many won as there were units.
      expect(acks).toHaveLength(CLIENTS);
      const won = acks.filter((a) => a.ok);
      expect(won).toHaveLength(quantity);
      expect(acks.filter((a) => !a.ok && a.code === 'SOLD_OUT')).toHaveLength(CLIENTS - quantity);
      expect(won.map((a) => (a.ok ? a.position : 0)).sort()).toEqual(Array.from({ length: quantity }, (_, i) => i + 1));
    }

    // Every client saw the same events in the same order: feature, 1 claim, feature, 5 claims.
    const expectedCount = 1 + 1 + 1 + 5;
    const deadline = Date.now() + 10_000;
    while (received.some((r) => r.filter((e) => e.seq > joined[0]!.seq).length < expectedCount) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const sequences = received.map((events) => events.filter((e) => e.seq > joined[0]!.seq).map((e) => e.seq).join(','));
    expect(new Set(sequences).size).toBe(1);
    expect(sequences[0]!.split(',')).toHaveLength(expectedCount);
    const { rows } = await stack.db.query('select count(*)::int as n from shows where id = $1', [show.id]);
    expect(rows[0].n).toBe(1);
    for (const s of sockets) s.disconnect();
  }, 180_000);
});
