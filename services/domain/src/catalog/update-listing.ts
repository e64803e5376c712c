import { execute, queryRow, withTransaction, type TQueryable } from '@showcart/common';
import { AppError, type TListingBody, type TListingDetail } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { tellClosetPriceDrop } from '../notifications/tell-likers.ts';
import { getListing } from './get-listing.ts';
import { writeListingPhotos, writeListingVariants } from './listing-parts.ts';

/**
 * Locks a listing of the seller's for a change: NOT_FOUND if there is none (or it was
 * deleted), FORBIDDEN if it is someone else's.
 */
export const lockOwnListing = async (tx: TQueryable, p: { listingId: string; sellerId: string }) => {
  const row = await queryRow(tx, z.object({ sellerId: z.string() }),
    'select seller_id as "sellerId" from listings where id = $1 and deleted_at is null for update', [p.listingId]);
  if (!row) throw new AppError('NOT_FOUND', 'No such listing.');
  if (row.sellerId !== p.sellerId) throw new AppError('FORBIDDEN', 'That listing is another seller’s.');
};

/**
 * A seller edits a listing: every field as the editor shows it. A new price applies to
 * shows made from now on; a show's entries keep the price they were put in at. A lower
 * price is told to the listing's likers.
 */
export const updateListing = async (
  deps: Pick<TDomainDeps, 'db' | 'config' | 'queue' | 'logger'>,
  p: { sellerId: string; listingId: string; listing: TListingBody },
): Promise<TListingDetail> => {
  const l = p.listing;
  const change = await withTransaction(deps.db, async (tx) => {
    await lockOwnListing(tx, p);
    // The price before, read under the lock just taken: a retried edit finds its own price and tells nothing.
    const changed = await queryRow(tx, z.object({ fromMinor: z.number(), changedAt: z.date() }),
      `update listings l set title = $2, description = $3, brand = $4, category = $5, condition = $6, price_minor = $7,
                             original_price_minor = $8, updated_at = now()
         from (select price_minor from listings where id = $1) before
        where l.id = $1
        returning before.price_minor as "fromMinor", l.updated_at as "changedAt"`,
      [p.listingId, l.title, l.description, l.brand, l.category, l.condition, l.priceMinor, l.originalPriceMinor],
    );
    await writeListingPhotos(tx, { listingId: p.listingId, sellerId: p.sellerId, photoIds: l.photoIds });
    await writeListingVariants(tx, { listingId: p.listingId, variants: l.variants });
    return changed!;
  });
  await tellClosetPriceDrop(deps, { listingId: p.listingId, fromMinor: change.fromMinor, toMinor: l.priceMinor, changedAt: change.changedAt });
  return getListing(deps, { listingId: p.listingId, viewerId: p.sellerId });
};
