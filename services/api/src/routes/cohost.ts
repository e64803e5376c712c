import { withTransaction, type TQueryable } from '@showcart/common';
import { createShowEngine, findShow, findShowEntry, listListings, lockFreeUnits } from '@showcart/domain';
import { AppError, ZCohostDecision, ZCohostProposal, type TCohostItem, type TSeller } from '@showcart/shared';
import { Router, type Request, type Response } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';
import { parseWith, ZIdParam } from '../http.ts';

const COHOST_ITEM = `select c.id, c.show_id as "showId", s.title as "showTitle", h.display_name as "hostName",
    u.display_name as "sellerName", l.title as "listingTitle", v.label as "variantLabel", l.photo_url as "photoUrl",
    l.price_minor as "priceMinor", l.currency, c.commission_bps as "commissionBps", c.status,
    case when s.host_id = $1 then 'host' else 'seller' end as role
  from cohost_items c
  join shows s on s.id = c.show_id join users h on h.id = s.host_id
  join users u on u.id = c.seller_id
  join listing_variants v on v.id = c.variant_id join listings l on l.id = v.listing_id`;

const findItem = async (db: TQueryable, id: string) =>
  (
    await db.query<{ id: string; showId: string; hostId: string; sellerId: string; variantId: string; status: string; commissionBps: number }>(
      `select c.id, c.show_id as "showId", s.host_id as "hostId", c.seller_id as "sellerId", c.variant_id as "variantId",
              c.status, c.commission_bps as "commissionBps"
         from cohost_items c join shows s on s.id = c.show_id where c.id = $1`,
      [id],
    )
  ).rows[0];

/**
 * Co-hosted items (invariant 6): another seller's item enters a show only once that seller
 * agreed, and the seller can take it back until it has been featured.
 */
export const cohostRoutes = ({ db, redis, config }: TApiDeps) => {
  const router = Router();
  const engine = createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs });

  router.get('/sellers', async (_req, res) => {
    const { rows } = await db.query<TSeller>(
      `select u.id, u.display_name as "displayName", count(l.id)::int as "listingCount"
         from users u join listings l on l.seller_id = u.id and l.deleted_at is null
        where u.id <> $1 group by u.id order by u.display_name limit 200`,
      [currentUser(res).id],
    );
    res.json({ sellers: rows });
  });

  router.get('/sellers/:id/listings', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    res.json({ listings: await listListings(db, id) });
  });

  /** A proposal for a show: the host asks for another seller's item, or a seller offers its own. */
  const propose = (as: 'host' | 'seller') => async (req: Request, res: Response) => {
    const user = currentUser(res);
    const { id } = parseWith(ZIdParam, req.params);
    const body = parseWith(ZCohostProposal, req.body);
    const show = await findShow(db, id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    if (show.status !== 'scheduled' && show.status !== 'live') throw new AppError('SHOW_ENDED');
    if (as === 'host' && show.hostId !== user.id) throw new AppError('FORBIDDEN', 'Only the host asks for items.');
    const { rows: variants } = await db.query<{ sellerId: string }>(
      `select l.seller_id as "sellerId" from listing_variants v join listings l on l.id = v.listing_id
        where v.id = $1 and l.deleted_at is null`,
      [body.variantId],
    );
    const sellerId = variants[0]?.sellerId;
    if (!sellerId) throw new AppError('NOT_FOUND', 'No such item.');
    if (sellerId === show.hostId) throw new AppError('INVALID_INPUT', 'That item is the host’s own; add it to the show directly.');
    if (as === 'seller' && sellerId !== user.id) throw new AppError('FORBIDDEN', 'You can offer only your own items.');
    const { rows } = await db.query<{ id: string }>(
      `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status)
       values ($1, $2, $3, $4, $5) on conflict (show_id, variant_id) do nothing returning id`,
      [show.id, body.variantId, sellerId, body.commissionBps, as === 'host' ? 'requested' : 'offered'],
    );
    if (!rows[0]) throw new AppError('CONFLICT', 'That item was already proposed for this show.');
    res.status(201).json((await db.query<TCohostItem>(`${COHOST_ITEM} where c.id = $2`, [user.id, rows[0].id])).rows[0]);
  };
  router.post('/shows/:id/cohost-requests', propose('host'));
  router.post('/shows/:id/cohost-offers', propose('seller'));

  router.get('/cohost-items', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<TCohostItem>(
      `${COHOST_ITEM} where (s.host_id = $1 or c.seller_id = $1) order by c.created_at desc limit 200`,
      [user.id],
    );
    res.json({ items: rows });
  });

  /** The other party decides: the seller on a host's request, the host on a seller's offer. */
  router.post('/cohost-items/:id/decision', async (req, res) => {
    const user = currentUser(res);
    const { id } = parseWith(ZIdParam, req.params);
    const { approve } = parseWith(ZCohostDecision, req.body);
    const item = await findItem(db, id);
    if (!item) throw new AppError('NOT_FOUND', 'No such co-host item.');
    const decider = item.status === 'requested' ? item.sellerId : item.status === 'offered' ? item.hostId : undefined;
    if (!decider) throw new AppError('CONFLICT', `This item is ${item.status} already.`);
    if (decider !== user.id) throw new AppError('FORBIDDEN');
    const entryId = await withTransaction(db, async (tx) => {
      const { rowCount } = await tx.query(
        `update cohost_items set status = $2, decided_at = now() where id = $1 and status = $3`,
        [id, approve ? 'approved' : 'declined', item.status],
      );
      if (!rowCount) throw new AppError('CONFLICT', 'This item was decided meanwhile.');
      if (!approve) return undefined;
      // The approved item holds every unit free in the seller's closet, for this show.
      const free = (await lockFreeUnits(tx, item.variantId)) ?? 0;
      if (free < 1) throw new AppError('NOT_ENOUGH_STOCK', 'That item has no units free in the seller’s closet now.');
      const { rows } = await tx.query<{ id: string }>(
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
         select $1, coalesce((select max(position) + 1 from show_entries where show_id = $1), 0), v.id, $3, l.price_minor,
                $6, $4, $5
           from listing_variants v join listings l on l.id = v.listing_id
          where v.id = $2 and l.deleted_at is null
         returning id`,
        [item.showId, item.variantId, item.sellerId, item.id, item.commissionBps, free],
      );
      if (!rows[0]) throw new AppError('CONFLICT', 'That item is no longer listed.');
      return rows[0].id;
    });
    if (entryId) {
      const entry = await findShowEntry(db, entryId);
      if (entry) await engine.addEntry(item.showId, entry);
    }
    res.json((await db.query<TCohostItem>(`${COHOST_ITEM} where c.id = $2`, [user.id, id])).rows[0]);
  });

  /** The seller takes its item back, until the item has been featured. */
  router.post('/cohost-items/:id/withdraw', async (req, res) => {
    const user = currentUser(res);
    const { id } = parseWith(ZIdParam, req.params);
    const item = await findItem(db, id);
    if (!item) throw new AppError('NOT_FOUND', 'No such co-host item.');
    if (item.sellerId !== user.id) throw new AppError('FORBIDDEN');
    if (item.status === 'declined' || item.status === 'withdrawn') throw new AppError('CONFLICT', `This item is ${item.status} already.`);
    if (item.status === 'approved') {
      const { rows } = await db.query<{ id: string }>('select id from show_entries where cohost_item_id = $1', [id]);
      const entryId = rows[0]?.id;
      if (entryId) {
        // Redis knows whether the item has been featured or claimed; it refuses then.
        await engine.withdrawEntry(item.showId, entryId).catch((error: unknown) => {
          throw error instanceof AppError && error.code === 'CONFLICT'
            ? new AppError('CONFLICT', 'The item has been featured already; it stays in the show.')
            : error;
        });
        await db.query('delete from show_entries where id = $1', [entryId]);
      }
    }
    await db.query(`update cohost_items set status = 'withdrawn', decided_at = now() where id = $1`, [id]);
    res.json((await db.query<TCohostItem>(`${COHOST_ITEM} where c.id = $2`, [user.id, id])).rows[0]);
  });

  return router;
};
