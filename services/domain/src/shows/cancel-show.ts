import { execute, queryRow, withTransaction } from '@showcart/common';
import { AppError, type TShowDetail } from '@showcart/shared';
import { z } from 'zod';
import { releaseShowStock } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { queueStartingSoon } from '../notifications/tell-shows.ts';
import { findShowDetail } from './repo.ts';
import { lockHostShow } from './show-details.ts';

/**
 * The host calls off a show before it starts (SHOW_STARTED after): it is cancelled for
 * good, so Go live is refused from now on. Its entries' units are free in their closets
 * again, and co-hosted items still waiting for an answer end: the host's own requests
 * withdrawn, sellers' offers declined; the followers' reminder is dropped. Cancelling again
 * changes nothing and answers the same.
 */
export const cancelShow = async (deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>, p: { showId: string; hostId: string }): Promise<TShowDetail> => {
  const scheduledAt = await withTransaction(deps.db, async (tx) => {
    const { status } = await lockHostShow(tx, p);
    if (status === 'cancelled') return null;
    if (status !== 'scheduled') throw new AppError('SHOW_STARTED');
    const { at } = (await queryRow(tx, z.object({ at: z.date().nullable() }),
      `update shows set status = 'cancelled', cancelled_at = now() where id = $1 returning scheduled_at as at`, [p.showId]))!;
    await execute(tx,
      `update cohost_items set status = case status when 'requested' then 'withdrawn' else 'declined' end, decided_at = now()
        where show_id = $1 and status in ('requested', 'offered')`,
      [p.showId],
    );
    // As when a show settles, with no claims to keep units for: every unit goes back.
    await releaseShowStock(tx, p.showId);
    return at;
  });
  // Should the removal fail, the reminder finds the show cancelled and tells no one.
  if (scheduledAt) await queueStartingSoon(deps, { showId: p.showId, scheduledAt: null, previous: scheduledAt });
  return (await findShowDetail(deps.db, p.showId))!;
};
