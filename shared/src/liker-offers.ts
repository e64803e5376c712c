import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor, ZCurrency } from './money.ts';

/** How long an offer to likers lasts: an hour at least (time to see it), a week at most (a price, not a standing discount). */
export const LIKER_OFFER_MIN_HOURS = 1;
export const LIKER_OFFER_MAX_HOURS = 7 * 24;

const ZInstant = z.iso.datetime({ offset: true });

/**
 * A seller offers everyone who likes its listing, at the time of sending, a private price
 * below the current one and optionally a discount on its shipping fee, for `durationHours`.
 * The attempt id is the send's id: a retried send is the same send.
 */
export const ZLikerOfferBody = z.strictObject({
  attemptId: ZId,
  priceMinor: ZAmountMinor.positive(),
  shippingDiscountMinor: ZAmountMinor.default(0),
  durationHours: z.number().int().min(LIKER_OFFER_MIN_HOURS).max(LIKER_OFFER_MAX_HOURS),
});
export type TLikerOfferBody = z.infer<typeof ZLikerOfferBody>;

/** What an offer gives, and until when: the same for its send and for each liker's copy. */
const ZOfferTerms = z.object({
  id: ZId,
  listingId: ZId,
  currency: ZCurrency,
  priceMinor: ZAmountMinor,
  shippingDiscountMinor: ZAmountMinor,
  expiresAt: ZInstant,
});

/** One send, as its seller sees it: how many likers it reached and until when. */
export const ZLikerOfferSend = ZOfferTerms.extend({
  createdAt: ZInstant,
  recipients: z.number().int().nonnegative(),
  /** Likers who bought with it so far. */
  used: z.number().int().nonnegative(),
});
export type TLikerOfferSend = z.infer<typeof ZLikerOfferSend>;

/** A liker's own offer of a listing, while it lasts or once used. */
export const ZLikerOffer = ZOfferTerms.extend({
  usedAt: ZInstant.nullable(),
});
export type TLikerOffer = z.infer<typeof ZLikerOffer>;

/**
 * What a listing's page shows of offers to the person looking: a liker its offer (one not
 * expired, used or not); its seller how many likers a send would reach and the send active now.
 */
export const ZListingOffers = z.object({
  mine: ZLikerOffer.nullable(),
  seller: z.object({ likers: z.number().int().nonnegative(), active: ZLikerOfferSend.nullable() }).nullable(),
});
export type TListingOffers = z.infer<typeof ZListingOffers>;

/** Buy now from the closet: one unit of the variant; `offerId` to use one's offer to likers. */
export const ZClosetBuyBody = z.strictObject({ attemptId: ZId, variantId: ZId, offerId: ZId.optional() });
export type TClosetBuyBody = z.infer<typeof ZClosetBuyBody>;
