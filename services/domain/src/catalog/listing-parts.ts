import { execute, queryRows, type TQueryable } from '@showcart/common';
import { AppError, photoUrl, type TListingBody } from '@showcart/shared';
import { z } from 'zod';
import { assertPhotosUsable } from './photo-use.ts';

/**
 * The parts of a listing that creating and editing write alike: its photos (in order, the
 * first the cover, whose card size every card shows) and its sizes with their quantities.
 */

/** Puts the photos on the listing in the order given, after checking each is the seller's and free. */
export const writeListingPhotos = async (tx: TQueryable, p: { listingId: string; sellerId: string; photoIds: string[] }) => {
  await assertPhotosUsable(tx, { ownerId: p.sellerId, photoIds: p.photoIds, use: { listingId: p.listingId } });
  await execute(tx, 'delete from listing_photos where listing_id = $1', [p.listingId]);
  await execute(tx,
    `insert into listing_photos (listing_id, photo_id, position)
     select $1, id, ord - 1 from unnest($2::uuid[]) with ordinality as t(id, ord)`,
    [p.listingId, p.photoIds],
  );
  await execute(tx, 'update listings set photo_url = $2 where id = $1', [p.listingId, photoUrl(p.photoIds[0]!, 'card')]);
};

const ZVariantRow = z.object({ id: z.string(), label: z.string(), reserved: z.number(), used: z.boolean() });

/**
 * Makes the listing's sizes those of the body. A size named by its id keeps its holds (shows,
 * orders, offers) and cannot go below what they hold; a size that was ever in a show or an
 * order cannot go (its quantity can be 0); a new one starts with nothing held.
 */
export const writeListingVariants = async (tx: TQueryable, p: { listingId: string; variants: TListingBody['variants'] }) => {
  const existing = await queryRows(tx, ZVariantRow,
    `select v.id, v.label, v.reserved,
            exists (select 1 from show_entries e where e.variant_id = v.id) or exists (select 1 from cohost_items c where c.variant_id = v.id)
              or exists (select 1 from stock_holds h where h.variant_id = v.id) as used
       from listing_variants v where v.listing_id = $1 order by v.id for update`,
    [p.listingId],
  );
  const byId = new Map(existing.map((v) => [v.id, v]));
  const kept = new Set(p.variants.flatMap((v) => (v.id ? [v.id] : [])));
  for (const [index, variant] of p.variants.entries()) {
    if (variant.id && !byId.has(variant.id)) throw new AppError('NOT_FOUND', `variants.${index}: no such size of this listing.`);
    const row = variant.id ? byId.get(variant.id) : undefined;
    if (row && variant.quantity < row.reserved) {
      throw new AppError('NOT_ENOUGH_STOCK', `Size ${row.label}: ${row.reserved} are in shows or orders, so it cannot have fewer than ${row.reserved}.`);
    }
  }
  const dropped = existing.filter((v) => !kept.has(v.id));
  const inUse = dropped.find((v) => v.used);
  if (inUse) throw new AppError('CONFLICT', `Size ${inUse.label} was in a show or an order, so it stays: set its quantity to 0 instead.`);
  if (dropped.length > 0) await execute(tx, 'delete from listing_variants where id = any($1::uuid[])', [dropped.map((v) => v.id)]);
  // Labels first move out of the way, so that two sizes can swap names in one edit.
  await execute(tx, `update listing_variants set label = '~' || id::text where id = any($1::uuid[])`, [[...kept]]);
  for (const variant of p.variants) {
    if (variant.id) {
      await execute(tx, 'update listing_variants set label = $2, quantity = $3 where id = $1', [variant.id, variant.label, variant.quantity]);
    } else {
      await execute(tx, 'insert into listing_variants (listing_id, label, quantity) values ($1, $2, $3)', [p.listingId, variant.label, variant.quantity]);
    }
  }
};
