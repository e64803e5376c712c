import { randomUUID } from 'node:crypto';
import { execute, queryRows, withTransaction } from '@showcart/common';
import { AppError, type TCreateShowBody, type TShowDetail } from '@showcart/shared';
import { z } from 'zod';
import { assertPhotosUsable } from '../catalog/photo-use.ts';
import { unitsForNewEntry } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { queueStartingSoon, tellShowScheduled } from '../notifications/tell-shows.ts';
import { findShowDetail } from './repo.ts';
import { checkStartTime } from './show-details.ts';

/**
 * A host schedules a show from variants of its own closet, with what it is about (a
 * description, a category, a cover photo of its own) and when it starts: in the future,
 * or no time at all for a show that goes live as soon as the host is ready. Each entry
 * holds its units from now until the show settles or is cancelled (NOT_ENOUGH_STOCK when
 * fewer are free). A show with a start time tells the host's followers, and reminds them
 * 15 minutes before it.
 */
export const createShow = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>,
  p: { host: { id: string; emailVerified: boolean }; show: TCreateShowBody },
): Promise<TShowDetail> => {
  // A stranger proves its email before it sells to anyone.
  if (!p.host.emailVerified) throw new AppError('EMAIL_UNVERIFIED');
  const hostId = p.host.id;
  const variantIds = p.show.entries.map((e) => e.variantId);
  if (new Set(variantIds).size !== variantIds.length) {
    throw new AppError('INVALID_INPUT', 'entries: each variant may appear once.');
  }
  const scheduledAt = p.show.scheduledAt === undefined ? null : checkStartTime(p.show.scheduledAt);
  const created = randomUUID();
  await withTransaction(deps.db, async (tx) => {
    if (p.show.coverPhotoId) await assertPhotosUsable(tx, { ownerId: hostId, photoIds: [p.show.coverPhotoId], use: { showId: created } });
    // Locked in one order, so that two shows made at once from the same closet never deadlock.
    const variants = await queryRows(tx, z.object({ id: z.string(), priceMinor: z.number() }),
      `select v.id, l.price_minor as "priceMinor"
         from listing_variants v join listings l on l.id = v.listing_id
        where v.id = any($1::uuid[]) and l.seller_id = $2 and l.deleted_at is null
        order by v.id for update of v`,
      [variantIds, hostId],
    );
    const byId = new Map(variants.map((v) => [v.id, v]));
    await execute(tx,
      `insert into shows (id, host_id, title, scheduled_at, description, category, cover_photo_id)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [created, hostId, p.show.title, scheduledAt, p.show.description ?? '', p.show.category ?? null, p.show.coverPhotoId ?? null],
    );
    for (const [position, entry] of p.show.entries.entries()) {
      const variant = byId.get(entry.variantId);
      if (!variant) throw new AppError('NOT_FOUND', `entries.${position}: no such variant in your closet.`);
      const quantity = await unitsForNewEntry(tx, { variantId: variant.id, quantity: entry.quantity, where: `entries.${position}: ` });
      await execute(tx,
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
         values ($1, $2, $3, $4, $5, $6)`,
        [created, position, variant.id, hostId, entry.priceMinor ?? variant.priceMinor, quantity],
      );
    }
  });
  if (scheduledAt) {
    await tellShowScheduled(deps, created);
    await queueStartingSoon(deps, { showId: created, scheduledAt, previous: null });
  }
  return (await findShowDetail(deps.db, created))!;
};
