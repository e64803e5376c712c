import { randomUUID } from 'node:crypto';
import { ERRORS, type ClientToServerEvents, type TAck } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, request, snapshotOf, startStack, type TClientSocket, type TStack } from '../../../infra/test/harness.ts';

/**
 * Every command of the show protocol, sent broken by a viewer and by the host: wrong
 * types, missing and extra fields, values out of range or unstorable, other shows' ids.
 * Each is answered with a code of ours (never INTERNAL), and the node still serves.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

/** A valid payload of each command; TypeScript holds the list to the protocol's. */
const EXAMPLES = {
  'show:join': (p) => ({ showId: p.showId, sinceSeq: 0 }),
  'show:leave': (p) => ({ showId: p.showId }),
  'show:start': (p) => ({ showId: p.showId, clientOpId: newOpId() }),
  'show:end': (p) => ({ showId: p.otherShowId, clientOpId: newOpId() }),
  'queue:feature': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId }),
  'queue:price': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId, priceMinor: 1_500 }),
  'queue:reorder': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryIds: [p.entryId] }),
  'queue:update': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId, quantity: 3, perBuyerLimit: 2 }),
  'queue:remove': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: randomUUID() }),
  'claim:create': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId }),
  'claim:void': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId, claimId: randomUUID(), reason: 'test void' }),
  'waitlist:join': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId }),
  'waitlist:leave': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId }),
  'offer:accept': (p) => ({ showId: p.showId, clientOpId: newOpId(), entryId: p.entryId }),
  'chat:send': (p) => ({ showId: p.showId, clientOpId: newOpId(), text: 'hello' }),
  'chat:delete': (p) => ({ showId: p.showId, clientOpId: newOpId(), messageId: randomUUID() }),
  'user:moderate': (p) => ({ showId: p.showId, clientOpId: newOpId(), action: 'mute', userId: randomUUID(), minutes: 5 }),
  'chat:settings': (p) => ({ showId: p.showId, clientOpId: newOpId(), slowModeSeconds: 0, bannedWords: ['spam'] }),
} satisfies Record<keyof ClientToServerEvents, (p: { showId: string; otherShowId: string; entryId: string }) => object>;

const nasty = fc.oneof(
  fc.constantFrom('', 'a\u0000b', '\uD800', 'x'.repeat(3_000), "'; drop table users; --", -1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, true, null, [], {}, randomUUID()),
  fc.jsonValue({ maxDepth: 2 }),
);
const broken = (example: Record<string, unknown>) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...Object.keys(example)), nasty).map(([key, value]) => ({ ...example, [key]: value })),
    fc.constantFrom(...Object.keys(example)).map((key) => Object.fromEntries(Object.entries(example).filter(([k]) => k !== key))),
    fc.tuple(fc.string({ maxLength: 10 }), nasty).map(([key, value]) => ({ ...example, [key]: value })),
    fc.jsonValue({ maxDepth: 3 }),
  );

describe('the show protocol under fuzzing', () => {
  it('answers every broken command with a code of ours, never INTERNAL, and keeps serving', async () => {
    const host = await stack.createUser();
    const viewer = await stack.createUser({ withCard: true });
    const { variantIds } = await stack.createListing(host.id, { variants: [['M', 20], ['L', 20]] });
    const show = await stack.createShow(host.cookie, [{ variantId: variantIds[0]!, quantity: 2 }]);
    const other = await stack.createShow(host.cookie, [{ variantId: variantIds[1]!, quantity: 2 }]);
    const sockets: [string, TClientSocket][] = [['host', await stack.connect(host.cookie)], ['viewer', await stack.connect(viewer.cookie)]];
    for (const [, socket] of sockets) await snapshotOf(socket, show.id);
    const ids = { showId: show.id, otherShowId: other.id, entryId: show.entries[0]!.entryId };

    const problems: string[] = [];
    // The host and the viewer at once: each user's commands are rate limited per second,
    // and each keeps under it.
    await Promise.all(sockets.map(async ([who, socket]) => {
      for (const [event, example] of Object.entries(EXAMPLES)) {
        for (const payload of [...fc.sample(broken(example(ids)), 15), 'a string', 42, null, [ids.showId]]) {
          if (event === 'show:leave') {
            socket.emit(event, payload as never);
            continue;
          }
          const reply = await request<TAck>(socket, event, payload);
          if (!reply.ok && (!Object.hasOwn(ERRORS, reply.code) || reply.code === 'INTERNAL' || reply.code === 'RATE_LIMITED')) {
            problems.push(`${event} as ${who} with ${JSON.stringify(payload)?.slice(0, 100)}: ${reply.code} ${reply.message}`);
          }
          await new Promise((r) => setTimeout(r, 55));
        }
      }
    }));
    // An unknown event and one without an ack: the first is refused, the second ignored.
    expect(await request<TAck>(sockets[1]![1], 'admin:everything', {})).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    (sockets[1]![1] as unknown as { emit: (e: string, p: unknown) => void }).emit('claim:create', { showId: show.id });
    expect(problems).toEqual([]);
    // Still serving, and still the host's show: nothing the fuzzing sent changed who may do what.
    const state = await snapshotOf(await stack.connect(viewer.cookie), show.id);
    expect(state.entries[0]).toMatchObject({ entryId: ids.entryId });
    expect(await request<TAck>(sockets[1]![1], 'show:start', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  }, 300_000);
});
