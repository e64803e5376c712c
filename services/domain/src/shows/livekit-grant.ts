import { roomNameOf } from '@showcart/common';
import { AppError, isShowOver, type TLiveKitGrant } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { findShow } from './repo.ts';

/** A LiveKit grant for the show's room: publish for its host, subscribe for everyone else. */
export const liveKitGrant = async (
  deps: Pick<TDomainDeps, 'db' | 'livekit'>,
  p: { showId: string; user: { id: string; displayName: string } },
): Promise<TLiveKitGrant> => {
  const show = await findShow(deps.db, p.showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (isShowOver(show.status)) throw new AppError('SHOW_ENDED');
  const role = show.hostId === p.user.id ? 'host' : 'viewer';
  const room = roomNameOf(show.id);
  // A viewer may watch in several tabs; LiveKit drops an identity that joins twice.
  const identity = role === 'host' ? `host-${p.user.id}` : `viewer-${p.user.id}-${Math.random().toString(36).slice(2, 8)}`;
  return { url: deps.livekit.url, room, role, token: await deps.livekit.mintToken({ room, identity, name: p.user.displayName, role }) };
};
