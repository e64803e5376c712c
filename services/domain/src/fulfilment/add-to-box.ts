import { enqueue, execute, JOBS, jobIds, queryRow, withTransaction } from '@showcart/common';
import { AppError, splitOrder, type TOrder } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { holdAddUnit } from '../catalog/stock.ts';
import { buyersOrder } from '../orders/queries.ts';
import { chargeOrder } from '../payments/charge-order.ts';
import { assertBoxOpen, lockBoxOf } from './boxes.ts';

/**
 * The charge job queued behind each add's own charge, this long after it: it finds the add
 * decided and does nothing, unless the process that was charging it died first.
 */
const ADD_CHARGE_BACKSTOP_MS = 60_000;

const ZSuggestion = z.object({
  shipmentId: z.string(), buyerId: z.string(), variantId: z.string(), priceMinor: z.number(), currency: z.string(), listed: z.boolean(),
});

/**
 * The buyer adds a suggestion to its order's box: an order of its own (origin
 * 'ship_together') for one unit at the listing's price, with no shipping (the box's first
 * order paid it) and so no discount on it, charged at once on the saved card with the
 * order's own idempotency key. The unit is held, under the variant's row lock, before the
 * charge; a decline cancels the order and frees the unit (`orderUnpaid`) and answers
 * CARD_DECLINED. The attempt id is the add's id: a retry (a double tap) is the same add
 * and gets the same answer. Refused: a box that shipped (ORDER_SHIPPED) or whose order was
 * cancelled or refunded (ORDER_CLOSED), a suggestion of another box or buyer (NOT_FOUND),
 * one added already (CONFLICT), no unit free (SOLD_OUT).
 */
export const addToBox = async (
  deps: Pick<TDomainDeps, 'db' | 'stripe' | 'logger' | 'queue' | 'config'>,
  p: { orderId: string; suggestionId: string; attemptId: string; buyerId: string },
): Promise<{ order: TOrder }> => {
  const orderId = await withTransaction(deps.db, async (tx) => {
    // The box's lock first: a double tap's second request waits here, then finds the first's add.
    const box = await lockBoxOf(tx, p.orderId);
    const again = await queryRow(tx, z.object({ orderId: z.string(), suggestionId: z.string(), buyerId: z.string() }),
      `select a.order_id as "orderId", a.suggestion_id as "suggestionId", o.buyer_id as "buyerId"
         from ship_together_adds a join orders o on o.id = a.order_id where a.id = $1`,
      [p.attemptId],
    );
    if (again) {
      if (again.suggestionId !== p.suggestionId || again.buyerId !== p.buyerId) throw new AppError('CONFLICT', 'That attempt id was used for another add: use a new one.');
      return again.orderId;
    }
    const suggestion = await queryRow(tx, ZSuggestion,
      `select g.shipment_id as "shipmentId", g.buyer_id as "buyerId", g.variant_id as "variantId", l.price_minor as "priceMinor",
              l.currency, l.deleted_at is null and l.unlisted_at is null as listed
         from ship_together_suggestions g join listings l on l.id = g.listing_id where g.id = $1`,
      [p.suggestionId],
    );
    if (!box || !suggestion || box.buyerId !== p.buyerId || suggestion.buyerId !== p.buyerId || suggestion.shipmentId !== box.id) {
      throw new AppError('NOT_FOUND', 'No such suggestion for this order.');
    }
    assertBoxOpen(box);
    const taken = await queryRow(tx, z.object({ one: z.number() }),
      'select 1 as one from ship_together_adds where suggestion_id = $1 and released_at is null', [p.suggestionId]);
    if (taken) throw new AppError('CONFLICT', 'This item is in your box already.');
    if (!suggestion.listed) throw new AppError('LISTING_UNAVAILABLE', 'The seller has taken this listing down: nothing was added or charged.');
    const card = await queryRow(tx, z.object({ one: z.number() }),
      'select 1 as one from payment_profiles where user_id = $1 and default_payment_method_id is not null', [p.buyerId]);
    if (!card) throw new AppError('NO_PAYMENT_METHOD', 'Add a card first: nothing was added.');

    const split = splitOrder({ lines: [{ priceMinor: suggestion.priceMinor, commissionBps: 0 }], shippingMinor: 0, platformFeeBps: deps.config.platformFeeBps });
    const order = await queryRow(tx, z.object({ id: z.string() }),
      `insert into orders (show_id, buyer_id, seller_id, host_id, currency, origin, items_minor, shipping_minor, total_minor,
                           commission_minor, platform_fee_minor, seller_share_minor, shipping_address, shipment_id)
       select f.show_id, f.buyer_id, f.seller_id, null, f.currency, 'ship_together', $2, 0, $3, 0, $4, $5, f.shipping_address, $6
         from orders f where f.id = $1
       returning id`,
      [box.firstOrderId, split.itemsMinor, split.totalMinor, split.platformFeeMinor, split.sellerShareMinor, box.id],
    );
    await execute(tx,
      `insert into ship_together_adds (id, suggestion_id, shipment_id, variant_id, order_id, price_minor) values ($1, $2, $3, $4, $5, $6)`,
      [p.attemptId, p.suggestionId, box.id, suggestion.variantId, order!.id, suggestion.priceMinor],
    );
    await holdAddUnit(tx, { addId: p.attemptId, variantId: suggestion.variantId });
    return order!.id;
  });

  await enqueue(deps.queue, JOBS.chargeOrder.name, { orderId }, jobIds.chargeOrder(orderId), { delay: ADD_CHARGE_BACKSTOP_MS });
  await chargeOrder(deps, orderId);
  const order = await buyersOrder(deps.db, orderId, p.buyerId);
  if (order.status === 'canceled') throw new AppError('CARD_DECLINED', 'Your card was declined: nothing was added to your box or charged. Try another card.');
  return { order };
};
