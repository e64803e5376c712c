import { execute, queryRow, queryRows, withTransaction, type TQueryable } from '@showcart/common';
import { AppError, ZCohostItem, type TCohostItem, type TCohostProposal } from '@showcart/shared';
import { z } from 'zod';
import { lockFreeUnits } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { findShow, findShowEntry } from '../shows/repo.ts';

/**
 * Co-hosted items (invariant 6): another seller's item enters a show only once that seller
 * agreed, and the seller can take it back until it has been featured. Postgres backs it
 * (trigger show_entries_consent).
 */

const COHOST_ITEM = `select c.id, c.show_id as "showId", s.title as "showTitle", h.display_name as "hostName",
    u.display_name as "sellerName", l.title as "listingTitle", v.label as "variantLabel", l.photo_url as "photoUrl",
    l.price_minor as "priceMinor", l.currency, c.commission_bps as "commissionBps", c.status,
    case when s.host_id = $1 then 'host' else 'seller' end as role
  from cohost_items c
  join shows s on s.id = c.show_id join users h on h.id = s.host_id
  join users u on u.id = c.seller_id
  join listing_variants v on v.id = c.variant_id join listings l on l.id = v.listing_id`;

/** One item as `userId` sees it (its role decides who acts next). */
const itemAs = async (db: TQueryable, userId: string, itemId: string): Promise<TCohostItem> =>
  (await queryRow(db, ZCohostItem, `${COHOST_ITEM} where c.id = $2`, [userId, itemId]))!;

const ZItem = z.object({
  id: z.string(), showId: z.string(), hostId: z.string(), sellerId: z.string(), variantId: z.string(),
  status: z.string(), commissionBps: z.number(),
});
const findItem = async (db: TQueryable, id: string) =>
  queryRow(db, ZItem,
    `select c.id, c.show_id as "showId", s.host_id as "hostId", c.seller_id as "sellerId", c.variant_id as "variantId",
            c.status, c.commission_bps as "commissionBps"
       from cohost_items c join shows s on s.id = c.show_id where c.id = $1`,
    [id],
  );

/** The host asks for another seller's item, or a seller offers its own, for a scheduled or live show. */
export const proposeCohostItem = async (
  deps: Pick<TDomainDeps, 'db'>,
  p: { as: 'host' | 'seller'; userId: string; showId: string; proposal: TCohostProposal },
): Promise<TCohostItem> => {
  const show = await findShow(deps.db, p.showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.status !== 'scheduled' && show.status !== 'live') throw new AppError('SHOW_ENDED');
  if (p.as === 'host' && show.hostId !== p.userId) throw new AppError('FORBIDDEN', 'Only the host asks for items.');
  const variant = await queryRow(deps.db, z.object({ sellerId: z.string() }),
    `select l.seller_id as "sellerId" from listing_variants v join listings l on l.id = v.listing_id
      where v.id = $1 and l.deleted_at is null`,
    [p.proposal.variantId],
  );
  if (!variant) throw new AppError('NOT_FOUND', 'No such item.');
  if (variant.sellerId === show.hostId) throw new AppError('INVALID_INPUT', 'That item is the host’s own; add it to the show directly.');
  if (p.as === 'seller' && variant.sellerId !== p.userId) throw new AppError('FORBIDDEN', 'You can offer only your own items.');
  const made = await queryRow(deps.db, z.object({ id: z.string() }),
    `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status)
     values ($1, $2, $3, $4, $5) on conflict (show_id, variant_id) do nothing returning id`,
    [show.id, p.proposal.variantId, variant.sellerId, p.proposal.commissionBps, p.as === 'host' ? 'requested' : 'offered'],
  );
  if (!made) throw new AppError('CONFLICT', 'That item was already proposed for this show.');
  return itemAs(deps.db, p.userId, made.id);
};

/** The co-host items a user hosts or sells, newest first. */
export const listCohostItems = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TCohostItem[]> =>
  queryRows(deps.db, ZCohostItem, `${COHOST_ITEM} where (s.host_id = $1 or c.seller_id = $1) order by c.created_at desc limit 200`, [userId]);

/**
 * The other party decides: the seller on a host's request, the host on a seller's offer.
 * An approved item enters the show holding every unit free in the seller's closet.
 */
export const decideCohostItem = async (
  deps: Pick<TDomainDeps, 'db' | 'engine'>,
  p: { userId: string; itemId: string; approve: boolean },
): Promise<TCohostItem> => {
  const item = await findItem(deps.db, p.itemId);
  if (!item) throw new AppError('NOT_FOUND', 'No such co-host item.');
  const decider = item.status === 'requested' ? item.sellerId : item.status === 'offered' ? item.hostId : undefined;
  if (!decider) throw new AppError('CONFLICT', `This item is ${item.status} already.`);
  if (decider !== p.userId) throw new AppError('FORBIDDEN');
  const entryId = await withTransaction(deps.db, async (tx) => {
    // A share of the show's row lock: a cancel (which takes it whole) waits, or is waited for.
    const show = await queryRow(tx, z.object({ status: z.string() }), 'select status from shows where id = $1 for share', [item.showId]);
    if (p.approve && show?.status === 'cancelled') throw new AppError('SHOW_CANCELLED');
    if (p.approve && show && show.status !== 'scheduled' && show.status !== 'live') throw new AppError('SHOW_ENDED');
    const changed = await execute(tx, 'update cohost_items set status = $2, decided_at = now() where id = $1 and status = $3',
      [item.id, p.approve ? 'approved' : 'declined', item.status]);
    if (!changed) throw new AppError('CONFLICT', 'This item was decided meanwhile.');
    if (!p.approve) return undefined;
    const free = (await lockFreeUnits(tx, item.variantId)) ?? 0;
    if (free < 1) throw new AppError('NOT_ENOUGH_STOCK', 'That item has no units free in the seller’s closet now.');
    const entry = await queryRow(tx, z.object({ id: z.string() }),
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
       select $1, coalesce((select max(position) + 1 from show_entries where show_id = $1), 0), v.id, $3, l.price_minor,
              $6, $4, $5
         from listing_variants v join listings l on l.id = v.listing_id
        where v.id = $2 and l.deleted_at is null
       returning id`,
      [item.showId, item.variantId, item.sellerId, item.id, item.commissionBps, free],
    );
    if (!entry) throw new AppError('CONFLICT', 'That item is no longer listed.');
    return entry.id;
  });
  if (entryId) {
    const entry = await findShowEntry(deps.db, entryId);
    if (entry) await deps.engine.addEntry(item.showId, entry);
  }
  return itemAs(deps.db, p.userId, item.id);
};

/** The seller takes its item back, until the item has been featured; its units are free again. */
export const withdrawCohostItem = async (deps: Pick<TDomainDeps, 'db' | 'engine'>, p: { userId: string; itemId: string }): Promise<TCohostItem> => {
  const item = await findItem(deps.db, p.itemId);
  if (!item) throw new AppError('NOT_FOUND', 'No such co-host item.');
  if (item.sellerId !== p.userId) throw new AppError('FORBIDDEN');
  if (item.status === 'declined' || item.status === 'withdrawn') throw new AppError('CONFLICT', `This item is ${item.status} already.`);
  if (item.status === 'approved') {
    const entry = await queryRow(deps.db, z.object({ id: z.string() }), 'select id from show_entries where cohost_item_id = $1', [item.id]);
    if (entry) {
      // Redis knows whether the item has been featured or claimed; it refuses then.
      await deps.engine.withdrawEntry(item.showId, entry.id).catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'CONFLICT'
          ? new AppError('CONFLICT', 'The item has been featured already; it stays in the show.')
          : error;
      });
      await execute(deps.db, 'delete from show_entries where id = $1', [entry.id]);
    }
  }
  await execute(deps.db, `update cohost_items set status = 'withdrawn', decided_at = now() where id = $1`, [item.id]);
  return itemAs(deps.db, p.userId, item.id);
};
