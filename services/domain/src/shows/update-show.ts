import { execute, queryRow, withTransaction } from '@showcart/common';
import type { TShowDetail, TUpdateShowBody } from '@showcart/shared';
import { z } from 'zod';
import { assertPhotosUsable } from '../catalog/photo-use.ts';
import type { TDomainDeps } from '../deps.ts';
import { queueStartingSoon, tellShowScheduled } from '../notifications/tell-shows.ts';
import { findShowDetail } from './repo.ts';
import { checkStartTime, lockHostShow, refuseUnlessScheduled } from './show-details.ts';

/** The column each detail of a show is kept in. */
const COLUMNS = {
  title: 'title',
  description: 'description',
  coverPhotoId: 'cover_photo_id',
  category: 'category',
  scheduledAt: 'scheduled_at',
} as const satisfies Record<keyof TUpdateShowBody, string>;

/**
 * The host edits a show's details until it goes live (SHOW_STARTED after, SHOW_CANCELLED
 * once called off); only the host (FORBIDDEN). A new start time is checked as on create,
 * a new cover is one of the host's own photos not used elsewhere. Its queue is edited
 * through its entries, as while live. A new start time moves the followers' reminder; the
 * first one set tells them the show is scheduled (once per show).
 */
export const updateShow = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>,
  p: { showId: string; hostId: string; changes: TUpdateShowBody },
): Promise<TShowDetail> => {
  const start = await withTransaction(deps.db, async (tx) => {
    refuseUnlessScheduled((await lockHostShow(tx, p)).status);
    const before = (await queryRow(tx, z.object({ at: z.date().nullable() }), 'select scheduled_at as at from shows where id = $1', [p.showId]))!.at;
    const { coverPhotoId } = p.changes;
    if (coverPhotoId) await assertPhotosUsable(tx, { ownerId: p.hostId, photoIds: [coverPhotoId], use: { showId: p.showId } });
    const values: unknown[] = [p.showId];
    const sets: string[] = [];
    for (const [key, column] of Object.entries(COLUMNS) as [keyof TUpdateShowBody, string][]) {
      const value = p.changes[key];
      if (value === undefined) continue;
      values.push(key === 'scheduledAt' && value !== null ? checkStartTime(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    const after = (await queryRow(tx, z.object({ at: z.date().nullable() }),
      `update shows set ${sets.join(', ')} where id = $1 returning scheduled_at as at`, values))!.at;
    return { before, after };
  });
  if (start.before?.getTime() !== start.after?.getTime()) {
    await queueStartingSoon(deps, { showId: p.showId, scheduledAt: start.after, previous: start.before });
    if (start.after) await tellShowScheduled(deps, p.showId);
  }
  return (await findShowDetail(deps.db, p.showId))!;
};
