import type { TClaimAck, TCommandAck } from '@showcart/shared';
import { createBuyers, createShowDirect } from '../../infra/test/fixtures.ts';
import { absoluteNow, sleep } from './clock.ts';
import { benchOpId, connectClient, connectMany, emitAck } from './clients.ts';
import type { TBenchPlatform } from './platform.ts';

/**
 * The claim load every claim benchmark applies (bench/realtime.ts,
 * investigations/claim-floor.ts, investigations/durable-floor.ts), so their figures compare:
 * BENCH_CLAIMS_PER_S for BENCH_SECONDS after BENCH_WARMUP_SECONDS at the same rate, from
 * 200 clients sending every BENCH_TICK_MS.
 */
export const CLAIM_LOAD = {
  perSecond: Number(process.env.BENCH_CLAIMS_PER_S ?? 2_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 30),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  tickMs: Number(process.env.BENCH_TICK_MS ?? 5),
  clients: 200,
};

/**
 * Sends at a steady `perSecond` for `seconds`: every `tickMs`, as many as are due, so a
 * 5 ms tick at 2,000/s sends 10 at once. `send(i)` resolves true when its ack is ok.
 * Resolves once every ack is in, with the ok ones' latencies in ms and when each was sent.
 */
export const steadyLoad = async (p: { perSecond: number; seconds: number; tickMs: number; send: (i: number) => Promise<boolean> }) => {
  const latencies: number[] = [];
  /** When each of `latencies` was sent (absoluteNow). */
  const sentAt: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const perTick = (p.perSecond * p.tickMs) / 1_000;
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < p.seconds * 1_000) {
    const due = Math.floor(((performance.now() - started) / p.tickMs) * perTick);
    for (; sent < due; sent++) {
      const t0 = absoluteNow();
      pending.push(p.send(sent).then((ok) => {
        if (!ok) {
          failures++;
          return;
        }
        latencies.push(absoluteNow() - t0);
        sentAt.push(t0);
      }));
    }
    await sleep(p.tickMs);
  }
  await Promise.all(pending);
  return { latencies, sentAt, failures, elapsed: (performance.now() - started) / 1_000 };
};

/** Units of the claim load's featured item: it never sells out. */
const CLAIM_LOAD_UNITS = 10_000_000;
/** Units free in each item's closet beyond what the show holds, for live raises (at most 10,000 an item). */
const RAISE_SPARE_UNITS = 10_000;

/**
 * The claim load's show and clients on the node at `url`: a live show whose one featured
 * entry never sells out, its host joined (so the node follows its log, as it would for
 * any show with viewers), and CLAIM_LOAD.clients buyers. `claimFor(seconds)` sends
 * CLAIM_LOAD's claims for that long and resolves with the acks' latencies once all are in.
 * `raise()` has the host put one more unit of the show's second item on sale (held in
 * Postgres first, then the show engine's update: the same log and Redis as the claims).
 */
export const startClaimLoad = async (platform: TBenchPlatform, url: string) => {
  const show = await createShowDirect(platform.db, [CLAIM_LOAD_UNITS, 1], platform.passwordHash, RAISE_SPARE_UNITS);
  let raisedTo = 1;
  const host = await connectClient(url, show.hostCookie);
  await emitAck(host, 'show:join', { showId: show.showId });
  await emitAck(host, 'show:start', { showId: show.showId, clientOpId: benchOpId() });
  await emitAck(host, 'queue:feature', { showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId() });
  const claimers = await connectMany(() => url, (await createBuyers(platform.db, CLAIM_LOAD.clients, platform.passwordHash)).map((b) => b.cookie));
  return {
    claimFor: (seconds: number) => steadyLoad({
      perSecond: CLAIM_LOAD.perSecond, seconds, tickMs: CLAIM_LOAD.tickMs,
      send: async (i) => (await claimers[i % claimers.length]!.emitAck<TClaimAck>('claim:create', {
        showId: show.showId, entryId: show.entryIds[0], clientOpId: benchOpId(),
      })).ok,
    }),
    raise: () => emitAck<TCommandAck>(host, 'queue:update', {
      showId: show.showId, entryId: show.entryIds[1], quantity: ++raisedTo, clientOpId: benchOpId(),
    }),
    close: () => {
      for (const c of claimers) c.close();
      host.disconnect();
    },
  };
};
