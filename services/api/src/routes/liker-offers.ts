import { buyFromCloset, listingOffers, sendLikerOffer } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TLikerOfferEndpoints = 'listings.buy' | 'listings.offers' | 'listings.sendOffer';

/** Buy now from a listing's page, and its seller's offers to its likers. */
export const likerOfferHandlers = (deps: TApiDeps): Pick<THandlers, TLikerOfferEndpoints> => ({
  'listings.buy': ({ user, params, body }) =>
    buyFromCloset(deps, { listingId: params.id, variantId: body.variantId, attemptId: body.attemptId, offerId: body.offerId, buyer: user }),
  'listings.offers': ({ user, params }) => listingOffers(deps, { listingId: params.id, viewerId: user.id }),
  'listings.sendOffer': ({ user, params, body }) => sendLikerOffer(deps, { ...body, listingId: params.id, sellerId: user.id }),
});
