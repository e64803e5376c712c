import { execute, queryRow, withTransaction } from '@showcart/common';
import { AppError, type TListingDetail } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { getListing } from './get-listing.ts';
import { lockOwnListing } from './update-listing.ts';

/** Unlists a listing (kept, found by no one, bought by no one) or lists it again. */
export const setListingState = async (
  deps: Pick<TDomainDeps, 'db' | 'config'>,
  p: { sellerId: string; listingId: string; state: 'listed' | 'unlisted' },
): Promise<TListingDetail> => {
  await withTransaction(deps.db, async (tx) => {
    await lockOwnListing(tx, p);
    await execute(tx,
      `update listings set unlisted_at = case when $2 then null else coalesce(unlisted_at, now()) end, updated_at = now() where id = $1`,
      [p.listingId, p.state === 'listed'],
    );
  });
  return getListing(deps, { listingId: p.listingId, viewerId: p.sellerId });
};

const ZUse = z.object({ held: z.boolean(), sold: z.boolean() });

/**
 * Deletes a listing. One that anything holds units of (a show not yet settled, an unpaid
 * order, an offer) is refused: it is still being sold. One that was ever in a show, a
 * claim, an order or a suggestion for a box (ship together) is archived (deleted_at), never removed, since orders and replays name
 * it; any other is removed with its sizes, and its photos are free to use again.
 */
export const deleteListing = async (
  deps: Pick<TDomainDeps, 'db'>,
  p: { sellerId: string; listingId: string },
): Promise<{ outcome: 'removed' | 'archived' }> =>
  withTransaction(deps.db, async (tx) => {
    await lockOwnListing(tx, p);
    const use = (await queryRow(tx, ZUse,
      `select exists (select 1 from stock_holds h join listing_variants v on v.id = h.variant_id where v.listing_id = $1) as held,
              exists (select 1 from show_entries e join listing_variants v on v.id = e.variant_id where v.listing_id = $1)
              or exists (select 1 from cohost_items c join listing_variants v on v.id = c.variant_id where v.listing_id = $1)
              or exists (select 1 from ship_together_suggestions g where g.listing_id = $1) as sold`,
      [p.listingId],
    ))!;
    if (use.held) throw new AppError('CONFLICT', 'A show that has not settled, or an order not yet paid, holds this listing: it cannot go yet. Unlist it instead.');
    if (use.sold) {
      await execute(tx, 'update listings set deleted_at = now() where id = $1', [p.listingId]);
      return { outcome: 'archived' as const };
    }
    await execute(tx, 'delete from listing_photos where listing_id = $1', [p.listingId]);
    await execute(tx, 'delete from listing_variants where listing_id = $1', [p.listingId]);
    await execute(tx, 'delete from listings where id = $1', [p.listingId]);
    return { outcome: 'removed' as const };
  });
