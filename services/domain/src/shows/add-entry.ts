import { queryRow, withTransaction } from '@showcart/common';
import { AppError, type TAddEntryBody, type TShowEntry } from '@showcart/shared';
import { z } from 'zod';
import { unitsForNewEntry } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { findShow, findShowEntry } from './repo.ts';

/** The host adds one of its own items to the queue, also while live: viewers see it at once. */
export const addShowEntry = async (
  deps: Pick<TDomainDeps, 'db' | 'engine'>,
  p: { showId: string; hostId: string; entry: TAddEntryBody },
): Promise<TShowEntry> => {
  const show = await findShow(deps.db, p.showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.hostId !== p.hostId) throw new AppError('FORBIDDEN');
  const entryId = await withTransaction(deps.db, async (tx) => {
    // Read under a share of the show's row lock: an entry never joins a show cancelled
    // meanwhile, and one added first is in the show when cancelling frees its units.
    const { status } = (await queryRow(tx, z.object({ status: z.string() }), 'select status from shows where id = $1 for share', [show.id]))!;
    if (status === 'cancelled') throw new AppError('SHOW_CANCELLED');
    if (status !== 'scheduled' && status !== 'live') throw new AppError('SHOW_ENDED');
    const variant = await queryRow(tx, z.object({ priceMinor: z.number() }),
      `select l.price_minor as "priceMinor" from listing_variants v join listings l on l.id = v.listing_id
        where v.id = $1 and l.seller_id = $2 and l.deleted_at is null`,
      [p.entry.variantId, p.hostId],
    );
    if (!variant) throw new AppError('NOT_FOUND', 'That item is not in your closet.');
    const quantity = await unitsForNewEntry(tx, { variantId: p.entry.variantId, quantity: p.entry.quantity });
    const inserted = await queryRow(tx, z.object({ id: z.string() }),
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
       values ($1, coalesce((select max(position) + 1 from show_entries where show_id = $1), 0), $2, $3, $4, $5)
       on conflict (show_id, variant_id) do nothing
       returning id`,
      [show.id, p.entry.variantId, p.hostId, p.entry.priceMinor ?? variant.priceMinor, quantity],
    );
    if (!inserted) throw new AppError('CONFLICT', 'That item is in the show already.');
    return inserted.id;
  });
  const entry = (await findShowEntry(deps.db, entryId))!;
  await deps.engine.addEntry(show.id, entry);
  return entry;
};
