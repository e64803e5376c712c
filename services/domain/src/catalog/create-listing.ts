import { queryRow, withTransaction } from '@showcart/common';
import { AppError, type TListingBody, type TListingDetail } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { getListing } from './get-listing.ts';
import { writeListingPhotos, writeListingVariants } from './listing-parts.ts';

/** A seller lists an item in its closet: only once its email is proven, as for hosting. */
export const createListing = async (
  deps: Pick<TDomainDeps, 'db' | 'config'>,
  p: { seller: { id: string; emailVerified: boolean }; listing: TListingBody },
): Promise<TListingDetail> => {
  if (!p.seller.emailVerified) throw new AppError('EMAIL_UNVERIFIED');
  const l = p.listing;
  const listingId = await withTransaction(deps.db, async (tx) => {
    // The cover's URL is written with the photos, in this same transaction.
    const { id } = (await queryRow(tx, z.object({ id: z.string() }),
      `insert into listings (seller_id, title, description, brand, category, condition, price_minor, original_price_minor, photo_url)
       values ($1, $2, $3, $4, $5, $6, $7, $8, '') returning id`,
      [p.seller.id, l.title, l.description, l.brand, l.category, l.condition, l.priceMinor, l.originalPriceMinor],
    ))!;
    await writeListingPhotos(tx, { listingId: id, sellerId: p.seller.id, photoIds: l.photoIds });
    if (l.variants.some((v) => v.id)) throw new AppError('INVALID_INPUT', 'variants: a new listing has no sizes yet to name by id.');
    await writeListingVariants(tx, { listingId: id, variants: l.variants });
    return id;
  });
  return getListing(deps, { listingId, viewerId: p.seller.id });
};
