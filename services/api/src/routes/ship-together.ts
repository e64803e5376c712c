import { addToBox, shipBox, suggestShipTogether } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TShipTogetherEndpoints = 'sales.shipTogether' | 'sales.ship' | 'orders.addToBox';

/** Boxes: a seller's suggestions for a paid order's box and marking it shipped; a buyer adding a suggestion to it. */
export const shipTogetherHandlers = (deps: TApiDeps): Pick<THandlers, TShipTogetherEndpoints> => ({
  'sales.shipTogether': async ({ user, params, body }) =>
    ({ suggestions: await suggestShipTogether(deps, { orderId: params.id, sellerId: user.id, variantIds: body.variantIds }) }),
  'sales.ship': ({ user, params }) => shipBox(deps, { orderId: params.id, sellerId: user.id }),
  'orders.addToBox': ({ user, params, body }) =>
    addToBox(deps, { orderId: params.id, suggestionId: params.suggestionId, attemptId: body.attemptId, buyerId: user.id }),
});
