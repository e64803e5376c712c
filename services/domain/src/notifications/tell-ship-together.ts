import { queryRow } from '@showcart/common';
import { formatMoney, ZCurrency } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notify, notifyQuietly } from './notify.ts';

/** Where the buyer sees a box's suggestions: its orders page, at the order the box was packed for. */
const boxUrl = (firstOrderId: string) => `/orders#order-${firstOrderId}`;

/**
 * The seller suggested more for the box of the buyer's order. The event id is the first new
 * suggestion's: a retried suggestion tells nobody twice.
 */
export const tellShipTogether = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>,
  p: { firstOrderId: string; suggestionIds: string[] },
) => {
  const about = await queryRow(deps.db, z.object({ buyerId: z.string(), seller: z.string(), title: z.string() }),
    `select o.buyer_id as "buyerId", u.display_name as seller, l.title
       from orders o join users u on u.id = o.seller_id
       join ship_together_suggestions g on g.id = $2 join listings l on l.id = g.listing_id
      where o.id = $1`,
    [p.firstOrderId, p.suggestionIds[0]]);
  if (!about) return;
  const more = p.suggestionIds.length > 1 ? ` and ${p.suggestionIds.length - 1} more` : '';
  await notifyQuietly(deps, {
    eventId: `ship-together:${p.suggestionIds[0]}`,
    kind: 'ship_together',
    audience: { type: 'list', userIds: [about.buyerId] },
    payload: {
      title: `${about.seller} suggests ${about.title}${more} for your box`,
      body: 'Add it before your order ships: you pay the item price only, the shipping is paid already.',
      url: boxUrl(p.firstOrderId),
    },
  });
};

/** A card declined an item the buyer added to a box: it was not added, and nothing is charged. */
export const tellAddDeclined = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, orderId: string) => {
  const order = await queryRow(deps.db, z.object({ buyerId: z.string(), totalMinor: z.number(), currency: ZCurrency, firstOrderId: z.string() }),
    `select o.buyer_id as "buyerId", o.total_minor as "totalMinor", o.currency, sh.order_id as "firstOrderId"
       from orders o join shipments sh on sh.id = o.shipment_id where o.id = $1`,
    [orderId]);
  if (!order) return;
  await notify(deps, {
    eventId: `ship-together-declined:${orderId}`,
    kind: 'order_declined',
    audience: { type: 'list', userIds: [order.buyerId] },
    payload: {
      title: `Payment declined: ${formatMoney(order.totalMinor, order.currency)} not added to your box`,
      body: 'Nothing was charged and the item was not added. Try again with another card while your order has not shipped.',
      url: boxUrl(order.firstOrderId),
    },
  });
};
