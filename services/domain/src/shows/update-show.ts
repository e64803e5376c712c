import { execute, withTransaction } from '@showcart/common';
import type { TShowDetail, TUpdateShowBody } from '@showcart/shared';
import { assertPhotosUsable } from '../catalog/photo-use.ts';
import type { TDomainDeps } from '../deps.ts';
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
 * through its entries, as while live.
 */
export const updateShow = async (
  deps: Pick<TDomainDeps, 'db'>,
  p: { showId: string; hostId: string; changes: TUpdateShowBody },
): Promise<TShowDetail> => {
  await withTransaction(deps.db, async (tx) => {
    refuseUnlessScheduled((await lockHostShow(tx, p)).status);
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
    await execute(tx, `update shows set ${sets.join(', ')} where id = $1`, values);
  });
  return (await findShowDetail(deps.db, p.showId))!;
};
