import { reduceShowEvents, type TJoinAck, type TShowState } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

const snapshot = snapshotOf;

/** What a client does on reconnect: join from its last seq and apply what comes back. */
const rejoin = async (socket: TClientSocket, showId: string, held: TShowState) => {
  const ack = await request<TJoinAck>(socket, 'show:join', { showId, sinceSeq: held.seq });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return { mode: ack.mode, state: ack.mode === 'snapshot' ? ack.state : reduceShowEvents(ack.events, held) };
};

/** Chat from many buyers while a client is away: each buyer may send five messages at once. */
const chatter = async (showId: string, buyers: number) => {
  const sockets = await Promise.all((await stack.createBuyers(buyers)).map((b, i) => stack.connect(b.cookie, { node: i % 2 })));
  await Promise.all(
    sockets.map(async (s, i) => {
      for (let n = 0; n < 5; n++) {
        const ack = await request<{ ok: boolean }>(s, 'chat:send', { showId, clientOpId: newOpId(), text: `msg ${i}-${n}` });
        if (!ack.ok) throw new Error(JSON.stringify(ack));
      }
    }),
  );
  for (const s of sockets) s.disconnect();
};

describe('a client that drops and comes back', () => {
  it('after a short cut, replays what it missed and ends in the server state', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id, { variants: [['M', 3]] })).variantIds[0]! }]);
    const viewer = await stack.createUser({ withCard: true });
    const first = await stack.connect(viewer.cookie, { node: 0 });
    const held = await snapshot(first, show.id);
    first.disconnect();

    const hostSocket = await stack.connect(host.cookie, { node: 1 });
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId: show.entries[0]!.entryId, clientOpId: newOpId() });
    await chatter(show.id, 4);

    const back = await stack.connect(viewer.cookie, { node: 1 });
    const resumed = await rejoin(back, show.id, held);
    expect(resumed.mode).toBe('events');
    expect(resumed.state).toEqual(await snapshot(back, show.id));
    expect(resumed.state.chat).toHaveLength(20);
  });

  it('after missing more than the catch-up window, reloads a snapshot and ends in the server state', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const viewer = await stack.createUser({ withCard: true });
    const first = await stack.connect(viewer.cookie);
    const held = await snapshot(first, show.id);
    first.disconnect();

    // 110 buyers x 5 messages: more than the 500 events a rejoin may replay.
    await chatter(show.id, 110);

    const back = await stack.connect(viewer.cookie, { node: 1 });
    const resumed = await rejoin(back, show.id, held);
    expect(resumed.mode).toBe('snapshot');
    expect(resumed.state.seq).toBe(held.seq + 550);
    expect(resumed.state).toEqual(await snapshot(back, show.id));
    expect(resumed.state.chat).toHaveLength(100);
  }, 120_000);
});
