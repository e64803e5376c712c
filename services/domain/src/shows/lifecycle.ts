import { enqueue, JOBS, jobIds, SHOW_STATUS_CHANNEL, withTransaction } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { assertReadyToBuy } from '../accounts/addresses.ts';
import type { TDomainDeps } from '../deps.ts';
import { tellFeatured } from '../notifications/tell-likers.ts';
import { tellShowLive } from '../notifications/tell-shows.ts';
import { findShow, listShowEntries, setShowStatus } from './repo.ts';
import { lockHostShow } from './show-details.ts';

type TOp = { showId: string; actorId: string; clientOpId: string };

/** How long after End a show's LiveKit room is closed (closeShowRoom). */
const ROOM_CLOSE_DELAY_MS = 3_000;

/** The show's state in Redis, opened from Postgres the first time anyone asks. */
export const openShow = async (deps: Pick<TDomainDeps, 'db' | 'engine'>, showId: string) => {
  if (await deps.engine.isOpen(showId)) return;
  const show = await findShow(deps.db, showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  await deps.engine.open({ showId, hostId: show.hostId, title: show.title, entries: await listShowEntries(deps.db, showId) });
};

/**
 * The host goes live: the engine decides, Postgres follows, recorders hear of it. Under
 * the show's row lock, which cancelling takes too: a cancelled show never goes live.
 * Then the host's followers hear (and, of an item featured before the start, its likers).
 */
export const startShow = async (deps: Pick<TDomainDeps, 'db' | 'engine' | 'redis' | 'queue' | 'logger'>, p: TOp) => {
  const applied = await withTransaction(deps.db, async (tx) => {
    if ((await lockHostShow(tx, { showId: p.showId, hostId: p.actorId })).status === 'cancelled') throw new AppError('SHOW_CANCELLED');
    await openShow(deps, p.showId);
    const started = await deps.engine.start(p);
    await setShowStatus(tx, p.showId, ['scheduled'], 'live');
    return started;
  });
  await deps.redis.publish(SHOW_STATUS_CHANNEL, p.showId);
  const featuredEntryId = await deps.engine.featuredEntryId(p.showId);
  await tellShowLive(deps, { showId: p.showId, featuredEntryId });
  if (featuredEntryId) await tellFeatured(deps, { showId: p.showId, entryId: featuredEntryId });
  return applied;
};

/**
 * What follows the end of a show, whoever ended it (its host, or LiveKit closing its
 * room): Postgres says ended, recorders hear, and its settlement is queued (once: the job
 * id is the show's). Each step is a no-op the second time.
 */
const afterEnd = async (deps: Pick<TDomainDeps, 'db' | 'redis' | 'queue'>, showId: string) => {
  await setShowStatus(deps.db, showId, ['scheduled', 'live'], 'ended');
  await deps.redis.publish(SHOW_STATUS_CHANNEL, showId);
  await enqueue(deps.queue, JOBS.settleShow.name, { showId }, jobIds.settleShow(showId));
  // The recorder closes its recording on the status message first; then the room goes.
  await enqueue(deps.queue, JOBS.closeShowRoom.name, { showId }, jobIds.closeShowRoom(showId), { delay: ROOM_CLOSE_DELAY_MS });
};

/** The host ends the show (one it cancelled has nothing to end). */
export const endShow = async (deps: Pick<TDomainDeps, 'db' | 'engine' | 'redis' | 'queue'>, p: TOp) => {
  if ((await findShow(deps.db, p.showId))?.status === 'cancelled') throw new AppError('SHOW_CANCELLED');
  await openShow(deps, p.showId);
  const applied = await deps.engine.end(p);
  await afterEnd(deps, p.showId);
  return applied;
};

/**
 * LiveKit closed the show's room: a live show ends as if its host had ended it. Whichever
 * comes first settles it; the second finds it ended. Returns whether this ended it.
 */
export const endShowWhenRoomFinished = async (deps: Pick<TDomainDeps, 'db' | 'engine' | 'redis' | 'queue'>, p: { showId: string; eventId: string }) => {
  const show = await findShow(deps.db, p.showId);
  if (!show || show.status !== 'live') return false;
  await deps.engine.end({ showId: p.showId, actorId: show.hostId, clientOpId: `room-finished-${p.eventId}` }).catch((error: unknown) => {
    // Ended in the engine already (the host was first): Postgres and the settlement follow all the same.
    if (!(error instanceof AppError)) throw error;
  });
  await afterEnd(deps, p.showId);
  return true;
};

/**
 * A viewer claims the featured item: only with a saved card (looked up again if the
 * session had none: the buyer may have added one since connecting), then first come,
 * first served in the engine.
 */
export const claimItem = async (
  deps: Pick<TDomainDeps, 'db' | 'engine'>,
  p: { showId: string; clientOpId: string; entryId: string; buyer: { id: string; displayName: string; hasPaymentMethod: boolean; hasShippingAddress: boolean } },
) => {
  await assertReadyToBuy(deps.db, p.buyer);
  return deps.engine.claim({ showId: p.showId, actorId: p.buyer.id, displayName: p.buyer.displayName, clientOpId: p.clientOpId, entryId: p.entryId });
};

/** The host's chat settings: slow mode (broadcast) and banned words (kept from viewers). */
export const setChatSettings = async (
  deps: Pick<TDomainDeps, 'db' | 'engine'>,
  p: TOp & { slowModeSeconds?: number; bannedWords?: string[] },
) => {
  const show = await findShow(deps.db, p.showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.hostId !== p.actorId) throw new AppError('FORBIDDEN');
  if (p.slowModeSeconds !== undefined) {
    await deps.engine.moderate({
      showId: p.showId, actorId: p.actorId, clientOpId: p.clientOpId, action: 'slow', target: '', value: p.slowModeSeconds,
      event: { type: 'chat.slowModeChanged', slowModeSeconds: p.slowModeSeconds },
    });
  }
  if (p.bannedWords !== undefined) await deps.engine.setBannedWords(p.showId, [...new Set(p.bannedWords)]);
  return { bannedWords: (await deps.engine.bannedWords(p.showId)).sort() };
};
