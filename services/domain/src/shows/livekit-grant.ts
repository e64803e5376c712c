import { roomNameOf } from '@showcart/common';
import { AppError, isShowOver, type TLiveKitGrant } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { findShow } from './repo.ts';

/**
 * A LiveKit grant for the show's room: publish for its host, subscribe for everyone else,
 * and only while the show is live. Before Go live the host previews its camera locally;
 * nothing of it reaches the room (or anyone) until then.
 */
export const liveKitGrant = async (
  deps: Pick<TDomainDeps, 'db' | 'livekit'>,
  p: { showId: string; user: { id: string; displayName: string } },
): Promise<TLiveKitGrant> => {
  const show = await findShow(deps.db, p.showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (isShowOver(show.status)) throw new AppError('SHOW_ENDED');
  if (show.status !== 'live') throw new AppError('NOT_LIVE', 'The show has not started: video begins when the host goes live.');
  const role = show.hostId === p.user.id ? 'host' : 'viewer';
  const room = roomNameOf(show.id);
  // A viewer may watch in several tabs; LiveKit drops an identity that joins twice.
  const identity = role === 'host' ? `host-${p.user.id}` : `viewer-${p.user.id}-${Math.random().toString(36).slice(2, 8)}`;
  return { url: deps.livekit.url, room, role, token: await deps.livekit.mintToken({ room, identity, name: p.user.displayName, role }) };
};

/**
 * An ended show's room is closed: every participant is disconnected, a client that kept
 * publishing after End included. A room already gone is fine (the job may run twice).
 */
export const closeShowRoom = async (deps: Pick<TDomainDeps, 'db' | 'livekit' | 'logger'>, showId: string) => {
  const show = await findShow(deps.db, showId);
  if (!show || !isShowOver(show.status)) return { closed: false };
  const closed = await deps.livekit.closeRoom(roomNameOf(showId));
  if (closed) deps.logger.info({ showId }, 'show room closed');
  return { closed };
};
