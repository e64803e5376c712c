import { queryRow, queryRows, withTransaction, type TQueryable } from '@showcart/common';
import { AppError, SHIP_TOGETHER_MAX_SUGGESTIONS, ZShipTogetherSuggestion, type TShipTogetherSuggestion } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notEnoughStock } from '../catalog/stock.ts';
import { tellShipTogether } from '../notifications/tell-ship-together.ts';
import { BOX_ORDER_COLUMNS_SQL } from './box-columns.ts';
import { assertBoxOpen, lockBoxOf } from './boxes.ts';

const ZCandidate = z.object({
  id: z.string(), listingId: z.string(), sellerId: z.string(), currency: z.string(), listed: z.boolean(), free: z.number(),
});

/**
 * The seller of a paid order that has not shipped suggests more of its own listings for the
 * order's box ("complete the look"): sizes of listed listings with a unit free, at most
 * SHIP_TOGETHER_MAX_SUGGESTIONS per box; a size suggested already is kept as it is. The
 * buyer is told of the new ones. Nothing is held: the buyer adds a unit if one is still
 * free then. Returns the box's suggestions as the buyer sees them.
 */
export const suggestShipTogether = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>,
  p: { orderId: string; sellerId: string; variantIds: string[] },
): Promise<TShipTogetherSuggestion[]> => {
  const { box, created } = await withTransaction(deps.db, async (tx) => {
    const box = await lockBoxOf(tx, p.orderId);
    if (!box || box.sellerId !== p.sellerId) throw new AppError('NOT_FOUND', 'No such sale.');
    assertBoxOpen(box);
    const candidates = await queryRows(tx, ZCandidate,
      `select v.id, l.id as "listingId", l.seller_id as "sellerId", l.currency,
              l.deleted_at is null and l.unlisted_at is null as listed, v.quantity - v.reserved as free
         from listing_variants v join listings l on l.id = v.listing_id where v.id = any($1::uuid[])`,
      [p.variantIds],
    );
    const already = new Set((await queryRows(tx, z.object({ variantId: z.string() }),
      'select variant_id as "variantId" from ship_together_suggestions where shipment_id = $1', [box.id])).map((r) => r.variantId));
    const fresh = p.variantIds.filter((id) => !already.has(id));
    for (const [i, id] of p.variantIds.entries()) {
      const where = `variantIds.${i}: `;
      const c = candidates.find((x) => x.id === id);
      if (!c) throw new AppError('NOT_FOUND', `${where}no such size of a listing.`);
      if (c.sellerId !== p.sellerId) throw new AppError('FORBIDDEN', `${where}that listing is another seller’s: suggest your own.`);
      if (already.has(id)) continue;
      if (!c.listed) throw new AppError('LISTING_UNAVAILABLE', `${where}that listing is unlisted or deleted.`);
      if (c.currency !== box.currency) throw new AppError('INVALID_INPUT', `${where}that listing is priced in another currency than the order.`);
      if (c.free < 1) throw notEnoughStock(0, where);
    }
    if (already.size + fresh.length > SHIP_TOGETHER_MAX_SUGGESTIONS) {
      throw new AppError('LIMIT_REACHED', `A box takes at most ${SHIP_TOGETHER_MAX_SUGGESTIONS} suggestions; ${already.size} are in this one.`);
    }
    const created = await queryRows(tx, z.object({ id: z.string() }),
      `insert into ship_together_suggestions (shipment_id, seller_id, buyer_id, listing_id, variant_id)
       select $1, $2, $3, v.listing_id, v.id from listing_variants v join unnest($4::uuid[]) with ordinality as s(id, n) on s.id = v.id
        order by s.n
       on conflict (shipment_id, variant_id) do nothing
       returning id`,
      [box.id, box.sellerId, box.buyerId, fresh],
    );
    return { box, created: created.map((r) => r.id) };
  });
  if (created.length > 0) {
    await tellShipTogether(deps, { firstOrderId: box.firstOrderId, suggestionIds: created });
  }
  return shipTogetherOf(deps.db, box.firstOrderId);
};

/** The suggestions for the box an order was packed for, as its buyer sees them. */
export const shipTogetherOf = async (db: TQueryable, firstOrderId: string): Promise<TShipTogetherSuggestion[]> =>
  (await queryRow(db, z.object({ shipTogether: z.array(ZShipTogetherSuggestion) }),
    `select ${BOX_ORDER_COLUMNS_SQL} from orders o where o.id = $1`, [firstOrderId]))?.shipTogether ?? [];
