import type { Redis } from 'ioredis';
import { roomNameOf, SHOW_STATUS_CHANNEL, type TDb, type TLogger } from '@showcart/common';
import type { TRecorderBackend, TRecordingSession } from './backend.ts';

const LEASE = `
local holder = redis.call('get', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export type TRecorderService = { tick: () => Promise<void>; close: () => Promise<void>; recording: () => string[] };

/**
 * Keeps every live show recorded. Once a tick it starts a session for each live show this
 * recorder can lease, renews the leases it holds, closes the sessions of shows that ended
 * (marking their recordings ready, or failed when nothing was recorded), and finishes what
 * a crashed recorder left of shows that ended meanwhile. The lease (a Redis key with a
 * TTL) keeps two recorders off one show; a recorder restarted with the same id takes its
 * shows straight back.
 */
export const createRecorderService = (deps: {
  db: TDb;
  redis: Redis;
  backend: TRecorderBackend;
  logger: TLogger;
  recorderId: string;
  tickMs?: number;
  leaseMs?: number;
  /** A connection of its own to hear shows go live or end at once, not at the next tick. */
  subscriber?: Redis;
  /** Which live shows to record (every one unless told; tests pick theirs). */
  shouldRecord?: (showId: string) => boolean;
}): TRecorderService => {
  const { db, redis, backend, logger } = deps;
  const tickMs = deps.tickMs ?? 1_000;
  const leaseMs = deps.leaseMs ?? 6_000;
  const sessions = new Map<string, Promise<TRecordingSession | undefined>>();
  const leaseKey = (showId: string) => `recorder:lease:${showId}`;
  const lease = async (showId: string) => (await redis.eval(LEASE, 1, leaseKey(showId), deps.recorderId, leaseMs)) === 1;
  const release = (showId: string) => redis.eval(RELEASE, 1, leaseKey(showId), deps.recorderId);

  const markFinished = (showId: string) =>
    db.query(
      `update recordings r set ended_at = now(),
              status = case when r.backend = 'egress' or exists (select 1 from recording_segments s where s.recording_id = r.id)
                            then 'ready' else 'failed' end
        where r.show_id = $1 and r.status = 'recording'`,
      [showId],
    );

  const finish = async (showId: string) => {
    const session = await sessions.get(showId);
    await session?.stop().catch((error: unknown) => logger.error({ err: error, showId }, 'recording did not stop cleanly'));
    sessions.delete(showId);
    await markFinished(showId);
    await release(showId);
    logger.info({ showId }, 'recording finished');
  };

  const begin = (showId: string) => {
    const started = backend
      .start({ showId, room: roomNameOf(showId), hostIdentityPrefix: 'host-' })
      .catch(async (error: unknown) => {
        // Tried again on a later tick.
        logger.warn({ err: error, showId }, 'recording could not start');
        sessions.delete(showId);
        await release(showId);
        return undefined;
      });
    sessions.set(showId, started);
  };

  let running: Promise<void> | undefined;
  let again = false;
  const tick = async () => {
    const { rows } = await db.query<{ id: string }>(`select id from shows where status = 'live'`);
    const live = new Set(rows.map((r) => r.id).filter((id) => deps.shouldRecord?.(id) ?? true));
    for (const showId of live) {
      if (sessions.has(showId)) {
        if (!(await lease(showId))) {
          logger.warn({ showId }, 'lost the lease of a show: another recorder has it');
          const session = await sessions.get(showId);
          sessions.delete(showId);
          await session?.stop().catch(() => {});
        }
      } else if (await lease(showId)) begin(showId);
    }
    for (const showId of [...sessions.keys()]) if (!live.has(showId)) await finish(showId);
    const { rows: orphans } = await db.query<{ id: string; showId: string }>(
      `select r.id, r.show_id as "showId" from recordings r join shows s on s.id = r.show_id
        where r.status = 'recording' and s.status <> 'live'`,
    );
    for (const o of orphans) {
      if (sessions.has(o.showId) || !(await lease(o.showId))) continue;
      await backend.finishOrphan(o.id);
      await markFinished(o.showId);
      await release(o.showId);
      logger.info({ showId: o.showId }, 'recording left by a stopped recorder finished');
    }
  };
  const safeTick = (): Promise<void> => {
    if (running) {
      again = true; // news that came in mid-tick gets a tick of its own
      return running;
    }
    running = tick()
      .catch((error: unknown) => logger.error({ err: error }, 'recorder tick failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void safeTick();
        }
      });
    return running;
  };
  const timer = setInterval(() => void safeTick(), tickMs);
  void safeTick();
  if (deps.subscriber) {
    void deps.subscriber.subscribe(SHOW_STATUS_CHANNEL);
    deps.subscriber.on('message', () => void safeTick());
  }

  return {
    tick: safeTick,
    recording: () => [...sessions.keys()],
    close: async () => {
      clearInterval(timer);
      deps.subscriber?.disconnect();
      await running;
      // Stopping a recorder is not the end of its shows: their recordings stay open for
      // the next recorder, which goes on in a new part.
      // A session still joining its room (or one that hangs) does not hold up the stop.
      const within = <T>(p: Promise<T>, ms: number) =>
        Promise.race([p, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
      for (const [showId, session] of sessions) {
        await within(session.then((s) => s?.stop()).catch(() => {}), 20_000);
        await release(showId);
      }
      sessions.clear();
    },
  };
};
