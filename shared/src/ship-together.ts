import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor } from './money.ts';

/**
 * Ship together ("complete the look"): after an order is paid and until it ships, its
 * seller suggests more of its own listings to the buyer; an item the buyer adds is charged
 * its price only and goes in the same box, whose shipping fee the first order paid.
 */

/** The most suggestions one box takes: a short list the buyer reads at a glance, not a second closet. */
export const SHIP_TOGETHER_MAX_SUGGESTIONS = 6;

/** The seller's suggestions for a paid order: sizes (variants) of its own listed listings with a unit free. */
export const ZShipTogetherSuggestBody = z.strictObject({
  variantIds: z.array(ZId).min(1).max(SHIP_TOGETHER_MAX_SUGGESTIONS)
    .refine((ids) => new Set(ids).size === ids.length, 'each size once'),
});
export type TShipTogetherSuggestBody = z.infer<typeof ZShipTogetherSuggestBody>;

/** The buyer adds a suggestion to its box; the attempt id makes a retry (a double tap) the same add. */
export const ZShipTogetherAddBody = z.strictObject({ attemptId: ZId });
export type TShipTogetherAddBody = z.infer<typeof ZShipTogetherAddBody>;

export const ZShipTogetherParams = z.strictObject({ id: ZId, suggestionId: ZId });

/** One suggestion as the buyer sees it on its order. */
export const ZShipTogetherSuggestion = z.object({
  id: ZId,
  listingId: ZId,
  title: z.string(),
  variantLabel: z.string(),
  /** The cover photo, card-sized. */
  photoUrl: z.string(),
  /** What adding it charges: the listing's price now, and no shipping. */
  priceMinor: ZAmountMinor,
  /** A unit is free and the listing is listed: it can be added. */
  available: z.boolean(),
  /** The order that paid for (or is paying for) it, once added. */
  addedOrderId: ZId.nullable(),
});
export type TShipTogetherSuggestion = z.infer<typeof ZShipTogetherSuggestion>;

/** A suggestion as its seller sees it on the sale. */
export const ZSaleSuggestion = z.object({ title: z.string(), variantLabel: z.string(), added: z.boolean() });

/** A box marked shipped: every order in it is shipped. */
export const ZShipment = z.object({ id: ZId, shippedAt: z.iso.datetime({ offset: true }), orderIds: z.array(ZId) });
export type TShipment = z.infer<typeof ZShipment>;
