import { queryRow } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import type { TSocialEvents } from '../social/events.ts';
import { notifyQuietly } from './notify.ts';
import { clip } from './words.ts';

/**
 * The pipeline's side of the social verbs (services/domain/src/social/events.ts): a seller
 * hears of a new follower and of a new like. Event ids are the pair's ids, so unfollowing
 * and following again, or unliking and liking again, tells once; the collapse window
 * keeps a burst of them to one push. Nothing here throws: the follow or like stands.
 */
export const socialNotifier = (deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>): TSocialEvents => {
  const quietly = (what: string, tell: () => Promise<void>) =>
    tell().catch((error: unknown) => deps.logger.error({ err: error }, `could not tell of a new ${what}`));
  return {
    followed: (p) => quietly('follower', async () => {
      const follower = await queryRow(deps.db, z.object({ name: z.string(), handle: z.string() }),
        'select display_name as name, handle from users where id = $1', [p.followerId]);
      if (!follower) return;
      await notifyQuietly(deps, {
        eventId: `new-follower:${p.followerId}:${p.followeeId}`,
        kind: 'new_follower',
        audience: { type: 'list', userIds: [p.followeeId] },
        payload: { title: clip(`${follower.name} follows you`, 120), body: 'They hear when you schedule a show and when you go live.', url: `/@${follower.handle}` },
      });
    }),
    liked: (p) => quietly('like', async () => {
      if (p.userId === p.sellerId) return;
      const like = await queryRow(deps.db, z.object({ name: z.string(), title: z.string() }),
        `select u.display_name as name, l.title from users u, listings l where u.id = $1 and l.id = $2`,
        [p.userId, p.listingId]);
      if (!like) return;
      await notifyQuietly(deps, {
        eventId: `new-like:${p.userId}:${p.listingId}`,
        kind: 'new_like',
        audience: { type: 'list', userIds: [p.sellerId] },
        payload: { title: clip(`${like.name} likes ${like.title}`, 120), body: 'They hear when its price drops and when it is on in a live show.', url: `/listings/${p.listingId}` },
      });
    }),
  };
};
