import { AppError } from '@showcart/shared';
import { execute, queryRow, withTransaction, type TDb, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import type { TShowEngine } from '../shows/engine/show-engine.ts';

/**
 * One stock across channels (invariant 1). A variant's closet quantity is the single
 * truth; a show's entry, a claim not yet paid for and a waitlist offer each hold units of
 * it (`stock_holds`, migration 006), and Postgres keeps the sum of a variant's holds within
 * its quantity. Units join a show when its entry is inserted or its quantity raised (the
 * entry's trigger holds them); the show engine in Redis never sells more of an entry than
 * the entry holds, so claims, which never wait for Postgres, cannot oversell either.
 * These functions move units between holders, each inside the caller's transaction.
 */

/**
 * Units of a variant that no channel holds, with the variant's row locked until the
 * caller's transaction ends, so that what is decided on them stays true. Undefined when
 * the variant does not exist.
 */
export const lockFreeUnits = async (tx: TQueryable, variantId: string): Promise<number | undefined> =>
  (await queryRow(tx, z.object({ free: z.number() }), 'select quantity - reserved as free from listing_variants where id = $1 for update', [variantId]))?.free;

/** NOT_ENOUGH_STOCK saying how many are free; `where` names the field (`entries.2: `). */
export const notEnoughStock = (free: number, where = '') => {
  const units = `${free} ${free === 1 ? 'unit is' : 'units are'} free in the seller’s closet.`;
  return new AppError('NOT_ENOUGH_STOCK', where ? `${where}only ${units}` : `Only ${units}`);
};

/**
 * The units a new show entry will hold: as many as asked, or every free unit when the
 * caller names none; NOT_ENOUGH_STOCK when the closet has fewer free. Locks the variant.
 */
export const unitsForNewEntry = async (tx: TQueryable, p: { variantId: string; quantity?: number; where?: string }) => {
  const free = (await lockFreeUnits(tx, p.variantId)) ?? 0;
  const quantity = p.quantity ?? free;
  if (quantity < 1 || quantity > free) throw notEnoughStock(free, p.where);
  return quantity;
};

/**
 * The units a show's entry may sell, raised first to `quantity` if its host asks for more
 * than it holds: the extra units are taken from the free stock of the closet, or
 * NOT_ENOUGH_STOCK. An entry holds at least what the show engine sells of it, since a raise
 * is committed here before the engine hears of it, and the entry's hold only grows while
 * its show runs (a lowered quantity or a removed entry gives its units back when the show
 * settles). Nothing changes for a caller who is not the host, or a show that has ended:
 * the engine refuses them. Undefined when the entry is not in the show.
 */
export const raiseEntryUnits = async (
  db: TDb,
  p: { showId: string; entryId: string; actorId: string; quantity: number },
): Promise<number | undefined> =>
  withTransaction(db, async (tx) => {
    const entry = await queryRow(tx, z.object({ quantity: z.number(), variantId: z.string(), hostId: z.string(), status: z.string() }),
      `select e.quantity, e.variant_id as "variantId", s.host_id as "hostId", s.status
         from show_entries e join shows s on s.id = e.show_id
        where e.id = $1 and e.show_id = $2
        for update of e`,
      [p.entryId, p.showId],
    );
    if (!entry) return undefined;
    const runs = entry.status === 'scheduled' || entry.status === 'live';
    if (entry.hostId !== p.actorId || !runs || p.quantity <= entry.quantity) return entry.quantity;
    const free = (await lockFreeUnits(tx, entry.variantId)) ?? 0;
    if (p.quantity - entry.quantity > free) {
      const more = free === 0 ? 'No more units are' : `Only ${free} more ${free === 1 ? 'unit is' : 'units are'}`;
      throw new AppError('NOT_ENOUGH_STOCK', `${more} free in the seller’s closet: this item can have at most ${entry.quantity + free}.`);
    }
    await execute(tx, 'update show_entries set quantity = $2 where id = $1', [p.entryId, p.quantity]);
    return p.quantity;
  });

/**
 * When a show settles: its entries stop holding units, and each won claim in an order not
 * yet paid holds its own unit instead. Units the show did not sell are free again.
 * Idempotent: a settlement run again finds no entry holds and every claim held.
 */
export const releaseShowStock = async (tx: TQueryable, showId: string) => {
  await execute(tx, 'delete from stock_holds h using show_entries e where h.entry_id = e.id and e.show_id = $1', [showId]);
  await execute(tx,
    `insert into stock_holds (variant_id, claim_id, units)
     select e.variant_id, c.id, 1
       from claims c join show_entries e on e.id = c.entry_id
       join order_items oi on oi.claim_id = c.id join orders o on o.id = oi.order_id
      where c.show_id = $1 and c.status = 'won' and o.origin = 'show'
        and o.status in ('pending', 'payment_failed', 'action_required') and o.released_at is null
     on conflict (claim_id) do nothing`,
    [showId],
  );
};

/** A claim made outside a live show (a replay or closet purchase, an accepted offer) holds its unit; NOT_ENOUGH_STOCK when none is free. */
export const holdClaimUnit = async (tx: TQueryable, claimId: string) => {
  const variantId = (await queryRow(tx, z.object({ variantId: z.string() }),
    'select variant_id as "variantId" from claims where id = $1',
    [claimId],
  ))?.variantId;
  if (!variantId) throw new AppError('NOT_FOUND', 'No such claim.');
  const free = (await lockFreeUnits(tx, variantId)) ?? 0;
  if (free < 1) throw notEnoughStock(free);
  await execute(tx, 'insert into stock_holds (variant_id, claim_id, units) values ($1, $2, 1) on conflict (claim_id) do nothing', [variantId, claimId]);
};

/** Claims released unpaid stop holding their units. */
export const releaseClaimUnits = async (tx: TQueryable, claimIds: string[]) => {
  await execute(tx, 'delete from stock_holds where claim_id = any($1::uuid[])', [claimIds]);
};

/** A waitlist offer after a show holds the unit it offers (moved from the released claim that freed it). */
export const holdOfferUnit = async (tx: TQueryable, offerId: string) => {
  await execute(tx,
    `insert into stock_holds (variant_id, offer_id, units)
     select e.variant_id, w.id, 1 from waitlist_offers w join show_entries e on e.id = w.entry_id where w.id = $1
     on conflict (offer_id) do nothing`,
    [offerId],
  );
};

/** An offer that ended (taken up, or expired) stops holding its unit. */
export const releaseOfferUnit = async (tx: TQueryable, offerId: string) => {
  await execute(tx, 'delete from stock_holds where offer_id = $1', [offerId]);
};

/**
 * A paid order's units leave the closet: their holds end and the quantity drops by as
 * many. A unit sold without a hold would take the quantity below what is held, which
 * Postgres refuses; so nothing is sold that the closet did not hold, and nothing clamps.
 */
export const sellOrderUnits = async (tx: TQueryable, orderId: string) => {
  await execute(tx, 'delete from stock_holds h using order_items oi where oi.order_id = $1 and h.claim_id = oi.claim_id', [orderId]);
  await execute(tx,
    `update listing_variants v set quantity = v.quantity - sold.n
       from (select c.variant_id, count(*)::int as n
               from order_items oi join claims c on c.id = oi.claim_id
              where oi.order_id = $1 group by c.variant_id) sold
      where v.id = sold.variant_id`,
    [orderId],
  );
  // An item added to a box (ship together) is its order's one unit, held by its add.
  // (Its hold ends first: the quantity never drops below what is still held.)
  const added = await queryRow(tx, z.object({ variantId: z.string() }),
    `delete from stock_holds h using ship_together_adds a where a.order_id = $1 and h.add_id = a.id returning h.variant_id as "variantId"`,
    [orderId],
  );
  if (added) await execute(tx, 'update listing_variants set quantity = quantity - 1 where id = $1', [added.variantId]);
};

/** An item added to a box (ship together) holds its unit until its order is paid; SOLD_OUT when none is free. Locks the variant. */
export const holdAddUnit = async (tx: TQueryable, p: { addId: string; variantId: string }) => {
  const free = (await lockFreeUnits(tx, p.variantId)) ?? 0;
  if (free < 1) throw new AppError('SOLD_OUT', 'Sold out since it was suggested: nothing was added or charged.');
  await execute(tx, 'insert into stock_holds (variant_id, add_id, units) values ($1, $2, 1) on conflict (add_id) do nothing', [p.variantId, p.addId]);
};

/** An add whose charge was declined stops holding its unit. */
export const releaseAddUnit = async (tx: TQueryable, addId: string) => {
  await execute(tx, 'delete from stock_holds where add_id = $1', [addId]);
};

/**
 * The host's change of an entry's quantity or per-buyer limit in a show: a raise takes the
 * extra units from the closet first (NOT_ENOUGH_STOCK when they are not free), then the
 * engine applies the change. Every transport that changes an entry calls this.
 */
export const updateShowEntry = async (
  deps: { db: TDb; engine: TShowEngine },
  p: { showId: string; actorId: string; clientOpId: string; entryId: string; quantity?: number; perBuyerLimit?: number },
) => {
  const base = { showId: p.showId, actorId: p.actorId, clientOpId: p.clientOpId, entryId: p.entryId, perBuyerLimit: p.perBuyerLimit };
  if (p.quantity === undefined) return deps.engine.updateEntry(base);
  // A retried operation gets its first reply from the engine, before any check: the
  // closet is not asked again, so an op id reused for another change holds nothing.
  if (await deps.engine.isDecided(p, 'update')) return deps.engine.updateEntry({ ...base, quantity: p.quantity, heldUnits: 0 });
  const heldUnits = await raiseEntryUnits(deps.db, { ...p, quantity: p.quantity });
  // An entry Postgres does not have holds nothing: the engine answers for it (NOT_FOUND).
  return deps.engine.updateEntry({ ...base, quantity: p.quantity, heldUnits: heldUnits ?? 0 });
};
