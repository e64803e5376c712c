import { queryRow } from '@showcart/common';
import { formatMoney, ZCurrency } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notify } from './notify.ts';

/**
 * The notifications the money and the waitlist give rise to, each with an event id of our
 * own ids: a charge job, webhook or retry that tells it again tells nobody twice.
 */

const ZOrderNotice = z.object({ buyerId: z.string(), totalMinor: z.number(), currency: ZCurrency, seller: z.string() });
const orderNotice = (deps: Pick<TDomainDeps, 'db'>, orderId: string) =>
  queryRow(deps.db, ZOrderNotice,
    `select o.buyer_id as "buyerId", o.total_minor as "totalMinor", o.currency, u.display_name as seller
       from orders o join users u on u.id = o.seller_id where o.id = $1`,
    [orderId]);

/** The buyer's order is paid. */
export const tellOrderPaid = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, orderId: string) => {
  const order = await orderNotice(deps, orderId);
  if (!order) return;
  await notify(deps, {
    eventId: `order-paid:${orderId}`,
    kind: 'order_paid',
    audience: { type: 'list', userIds: [order.buyerId] },
    payload: {
      title: `Paid: ${formatMoney(order.totalMinor, order.currency)} to ${order.seller}`,
      body: `Your order from ${order.seller} is paid; they will ship it soon.`,
      url: '/orders',
    },
  });
};

/** The buyer's card was declined (or asks to confirm): the order waits for it to pay by hand. */
export const tellOrderDeclined = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, orderId: string, payBy: Date) => {
  const order = await orderNotice(deps, orderId);
  if (!order) return;
  await notify(deps, {
    eventId: `order-declined:${orderId}`,
    kind: 'order_declined',
    audience: { type: 'list', userIds: [order.buyerId] },
    payload: {
      title: `Payment declined: ${formatMoney(order.totalMinor, order.currency)} to ${order.seller}`,
      body: `Pay by ${payBy.toUTCString()} to keep your items; after that they go to the next buyer.`,
      url: `/orders/${orderId}/pay`,
    },
  });
};

const ZOfferNotice = z.object({ userId: z.string(), title: z.string(), priceMinor: z.number(), currency: ZCurrency, expiresAt: z.date() });

/** A unit someone did not pay for is offered to the next buyer who waited for it. */
export const tellWaitlistOffer = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, offerId: string) => {
  const offer = await queryRow(deps.db, ZOfferNotice,
    `select w.user_id as "userId", l.title, w.price_minor as "priceMinor", l.currency, w.expires_at as "expiresAt"
       from waitlist_offers w join show_entries e on e.id = w.entry_id
       join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
      where w.id = $1`,
    [offerId]);
  if (!offer) return;
  await notify(deps, {
    eventId: `waitlist-offer:${offerId}`,
    kind: 'waitlist_offer',
    audience: { type: 'list', userIds: [offer.userId] },
    payload: {
      title: `Yours if you want it: ${offer.title}`,
      body: `${formatMoney(offer.priceMinor, offer.currency)}, offered until ${offer.expiresAt.toUTCString()}.`,
      url: '/orders',
    },
  });
};
