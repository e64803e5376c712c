import { applyShowEvent, reduceShowEvents, type TClaimAck, type TCommandAck, type TJoinAck, type TShowEvent, type TShowState } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ realtimeNodes: 2 });
});
afterAll(async () => stack?.close());

/** Collects every show event a client receives. */
const recorder = (socket: TClientSocket) => {
  const events: TShowEvent[] = [];
  socket.on('show:events', (batch) => events.push(...batch));
  return events;
};

const joinedState = async (socket: TClientSocket, showId: string): Promise<TShowState> => {
  const ack = await request<TJoinAck>(socket, 'show:join', { showId });
  if (!ack.ok || ack.mode !== 'snapshot') throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return ack.state;
};

/** A scheduled show of one host with entries of the given quantities, and its users. */
const scheduledShow = async (quantities: number[]) => {
  const host = await stack.createUser({ name: 'Host' });
  const entries = [];
  for (const quantity of quantities) {
    const { variantIds } = await stack.createListing(host.id, { variants: [['M', quantity]] });
    entries.push({ variantId: variantIds[0]! });
  }
  const show = await stack.createShow(host.cookie, entries);
  return { host, show, entryIds: show.entries.map((e) => e.entryId) };
};

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('a live show over two realtime nodes', () => {
  it('runs start, feature, claim and end, and every client sees the same events', async () => {
    const { host, show, entryIds } = await scheduledShow([1, 2]);
    const alice = await stack.createUser({ name: 'Alice', withCard: true });
    const bob = await stack.createUser({ name: 'Bob', withCard: true });
    const hostSocket = await stack.connect(host.cookie, { node: 0 });
    const aliceSocket = await stack.connect(alice.cookie, { node: 0 });
    const bobSocket = await stack.connect(bob.cookie, { node: 1 });
    const seen = [hostSocket, aliceSocket, bobSocket].map(recorder);
    const initial = await Promise.all([hostSocket, aliceSocket, bobSocket].map((s) => joinedState(s, show.id)));
    expect(initial.map((s) => s.seq)).toEqual([1, 1, 1]);
    expect(initial[0]!.entries.map((e) => e.entryId)).toEqual(entryIds);

    // Not live yet: a claim is refused and nothing is logged.
    const early = await request<TClaimAck>(aliceSocket, 'claim:create', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() });
    expect(early).toMatchObject({ ok: false, code: 'NOT_LIVE' });

    expect(await request<TCommandAck>(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: true, seq: 2 });
    expect(await request<TCommandAck>(hostSocket, 'queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() })).toMatchObject({ ok: true, seq: 3 });

    // Both viewers tap Claim on the last unit at once, from different nodes.
    const [a, b] = await Promise.all([
      request<TClaimAck>(aliceSocket, 'claim:create', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() }),
      request<TClaimAck>(bobSocket, 'claim:create', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() }),
    ]);
    const winners = [a, b].filter((r) => r.ok);
    const losers = [a, b].filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ position: 1, seq: 4 });
    expect(losers[0]).toMatchObject({ ok: false, code: 'SOLD_OUT', message: 'Sold out.' });

    expect(await request<TCommandAck>(hostSocket, 'show:end', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: true, seq: 5 });
    // What each client got after its snapshot (an event racing a join may come twice).
    const after = seen.map((events) => events.filter((e) => e.seq > 1));
    await until(() => after.every((events) => events.length === 4), 'every client to receive four events');

    // The same events, in the same order, on every client of either node.
    const orders = after.map((events) => events.map((e) => `${e.seq}:${e.type}`));
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect(orders[0]).toEqual(['2:show.started', '3:entry.featured', '4:claim.created', '5:show.ended']);

    // A client's reduced state equals a fresh snapshot of the server's.
    const clientState = after[2]!.reduce(applyShowEvent, initial[2]!);
    const fresh = await joinedState(await stack.connect(bob.cookie, { node: 0 }), show.id);
    expect(clientState).toEqual(fresh);
    expect(fresh.status).toBe('ended');
    expect(fresh.entries[0]!.claimed).toBe(1);
    expect(fresh.claims).toHaveLength(1);
    const winner = a.ok ? alice : bob;
    expect(fresh.claims[0]).toMatchObject({ userId: winner.id, displayName: winner.name, position: 1 });

    const { rows } = await stack.db.query('select status from shows where id = $1', [show.id]);
    expect(rows[0].status).toBe('ended');
  });

  it('makes one claim of an op id sent three times', async () => {
    const { host, show, entryIds } = await scheduledShow([5]);
    const viewer = await stack.createUser({ withCard: true });
    const hostSocket = await stack.connect(host.cookie);
    const viewerSocket = await stack.connect(viewer.cookie, { node: 1 });
    await joinedState(viewerSocket, show.id);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() });
    const claim = { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() };
    const replies = await Promise.all([1, 2, 3].map(() => request<TClaimAck>(viewerSocket, 'claim:create', claim)));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(new Set(replies.map((r) => (r.ok ? r.claimId : '')))).toHaveProperty('size', 1);
    const state = await joinedState(viewerSocket, show.id);
    expect(state.claims).toHaveLength(1);
    expect(state.entries[0]!.claimed).toBe(1);
  });

  it('refuses host commands from a viewer and from another host, changing nothing', async () => {
    const { show, entryIds } = await scheduledShow([3]);
    const viewer = await stack.createUser({ withCard: true });
    const otherHost = await scheduledShow([1]);
    for (const cookie of [viewer.cookie, otherHost.host.cookie]) {
      const socket = await stack.connect(cookie, { node: 1 });
      const before = await joinedState(socket, show.id);
      const attempts = await Promise.all([
        request<TCommandAck>(socket, 'show:start', { showId: show.id, clientOpId: newOpId() }),
        request<TCommandAck>(socket, 'queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() }),
        request<TCommandAck>(socket, 'queue:price', { showId: show.id, entryId: entryIds[0], priceMinor: 1, clientOpId: newOpId() }),
        request<TCommandAck>(socket, 'show:end', { showId: show.id, clientOpId: newOpId() }),
      ]);
      expect(attempts.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(await joinedState(socket, show.id)).toEqual(before);
    }
  });

  it('answers bad payloads with INVALID_INPUT and keeps serving', async () => {
    const { host, show, entryIds } = await scheduledShow([1]);
    const socket = await stack.connect(host.cookie);
    const bad: [string, unknown][] = [
      ['show:join', { showId: 'not-a-uuid' }],
      ['show:join', 'just a string'],
      ['show:start', { showId: show.id }],
      ['queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId(), extra: 1 }],
      ['queue:price', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId(), priceMinor: 10.5 }],
      ['queue:price', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId(), priceMinor: -3 }],
      ['claim:create', JSON.parse(`{"__proto__": {"admin": true}, "showId": "${show.id}"}`)],
      ['show:explode', { showId: show.id }],
    ];
    for (const [event, payload] of bad) {
      const reply = await request<TCommandAck>(socket, event, payload);
      expect(reply, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    }
    const unknownShow = await request<TJoinAck>(socket, 'show:join', { showId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownShow).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // A feature of an entry of another show is refused too.
    const other = await scheduledShow([1]);
    const foreign = await request<TCommandAck>(socket, 'queue:feature', { showId: show.id, entryId: other.entryIds[0], clientOpId: newOpId() });
    expect(foreign).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const state = await joinedState(socket, show.id);
    expect(state.seq).toBe(1);
    expect(state.featuredEntryId).toBeNull();
  });

  it('refuses a claim from a buyer with no saved card', async () => {
    const { host, show, entryIds } = await scheduledShow([1]);
    const cardless = await stack.createUser();
    const hostSocket = await stack.connect(host.cookie);
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() });
    const socket = await stack.connect(cardless.cookie);
    const reply = await request<TClaimAck>(socket, 'claim:create', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() });
    expect(reply).toMatchObject({ ok: false, code: 'NO_PAYMENT_METHOD' });
    expect((await joinedState(socket, show.id)).entries[0]!.claimed).toBe(0);
  });

  it('turns away connections without a session or with an old protocol', async () => {
    await expect(stack.connect(undefined)).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    const user = await stack.createUser();
    await expect(stack.connect(user.cookie, { protocolVersion: 0 })).rejects.toMatchObject({ data: { code: 'PROTOCOL_TOO_OLD' } });
  });

  it('resumes a reconnecting client from its last seq', async () => {
    const { host, show, entryIds } = await scheduledShow([2]);
    const viewer = await stack.createUser({ withCard: true });
    const hostSocket = await stack.connect(host.cookie);
    const first = await stack.connect(viewer.cookie);
    const state = await joinedState(first, show.id);
    first.disconnect();
    await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() });
    await request(hostSocket, 'queue:feature', { showId: show.id, entryId: entryIds[0], clientOpId: newOpId() });
    const again = await stack.connect(viewer.cookie, { node: 1 });
    const ack = await request<TJoinAck>(again, 'show:join', { showId: show.id, sinceSeq: state.seq });
    if (!ack.ok || ack.mode !== 'events') throw new Error(`expected events, got ${JSON.stringify(ack)}`);
    expect(ack.events.map((e) => e.type)).toEqual(['show.started', 'entry.featured']);
    expect(reduceShowEvents(ack.events, state)).toEqual(await joinedState(again, show.id));
  });

  it('tells every viewer how many are watching, across nodes', async () => {
    const { host, show } = await scheduledShow([1]);
    const viewers = await stack.createBuyers(2);
    const sockets = [
      await stack.connect(host.cookie, { node: 0 }),
      await stack.connect(viewers[0]!.cookie, { node: 1 }),
      await stack.connect(viewers[1]!.cookie, { node: 1 }),
    ];
    const latest = sockets.map(() => 0);
    sockets.forEach((s, i) => s.on('show:viewers', ({ count }) => (latest[i] = count)));
    for (const s of sockets) await joinedState(s, show.id);
    await until(() => latest.every((c) => c === 3), 'everyone to see 3 watching');
    sockets[2]!.disconnect();
    await until(() => latest[0] === 2 && latest[1] === 2, 'the others to see 2 watching');
  });
});
