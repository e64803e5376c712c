import {
  acceptOffer,
  buyersOrder,
  completeOrderPayment,
  listOffers,
  listOrders,
  listSales,
  payOrder,
  requestRefund,
  showSales,
} from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TOrderEndpoints = 'orders.list' | 'orders.get' | 'orders.pay' | 'orders.payComplete' | 'orders.refund' | 'sales.list' | 'shows.sales'
  | 'offers.list' | 'offers.accept';

/** A buyer's orders and offers, paying them; a seller's sales and refunds; a host's show sales. */
export const orderHandlers = (deps: TApiDeps): Pick<THandlers, TOrderEndpoints> => ({
  'orders.list': async ({ user }) => ({ orders: await listOrders(deps, user.id) }),
  'orders.get': ({ user, params }) => buyersOrder(deps.db, params.id, user.id),
  'orders.pay': ({ user, params, body }) => payOrder(deps, { orderId: params.id, buyerId: user.id, attemptId: body.attemptId }),
  'orders.payComplete': ({ user, params, body }) =>
    completeOrderPayment(deps, { orderId: params.id, buyerId: user.id, paymentIntentId: body.paymentIntentId }),
  'orders.refund': async ({ user, params, body }) => ({ refund: await requestRefund(deps, { orderId: params.id, sellerId: user.id, refund: body }) }),
  'sales.list': async ({ user }) => ({ sales: await listSales(deps, user.id) }),
  'shows.sales': ({ user, params }) => showSales(deps, { showId: params.id, hostId: user.id }),
  'offers.list': async ({ user }) => ({ offers: await listOffers(deps, user.id) }),
  'offers.accept': ({ user, params }) => acceptOffer(deps, { offerId: params.id, buyer: user }),
});
