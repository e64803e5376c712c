import { execute, queryRow, queryRows, withTransaction } from '@showcart/common';
import { AppError, type TCreateShowBody, type TShowDetail } from '@showcart/shared';
import { z } from 'zod';
import { unitsForNewEntry } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { findShowDetail } from './repo.ts';

/**
 * A host schedules a show from variants of its own closet. Each entry holds its units
 * from now until the show settles (NOT_ENOUGH_STOCK when fewer are free).
 */
export const createShow = async (
  deps: Pick<TDomainDeps, 'db'>,
  p: { host: { id: string; emailVerified: boolean }; show: TCreateShowBody },
): Promise<TShowDetail> => {
  // A stranger proves its email before it sells to anyone.
  if (!p.host.emailVerified) throw new AppError('EMAIL_UNVERIFIED');
  const hostId = p.host.id;
  const variantIds = p.show.entries.map((e) => e.variantId);
  if (new Set(variantIds).size !== variantIds.length) {
    throw new AppError('INVALID_INPUT', 'entries: each variant may appear once.');
  }
  const showId = await withTransaction(deps.db, async (tx) => {
    // Locked in one order, so that two shows made at once from the same closet never deadlock.
    const variants = await queryRows(tx, z.object({ id: z.string(), priceMinor: z.number() }),
      `select v.id, l.price_minor as "priceMinor"
         from listing_variants v join listings l on l.id = v.listing_id
        where v.id = any($1::uuid[]) and l.seller_id = $2 and l.deleted_at is null
        order by v.id for update of v`,
      [variantIds, hostId],
    );
    const byId = new Map(variants.map((v) => [v.id, v]));
    const created = (await queryRow(tx, z.object({ id: z.string() }),
      'insert into shows (host_id, title, scheduled_at) values ($1, $2, $3) returning id',
      [hostId, p.show.title, p.show.scheduledAt ?? null],
    ))!.id;
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
    return created;
  });
  return (await findShowDetail(deps.db, showId))!;
};
