import { z } from 'zod';
import { ZCategory, ZCondition } from './closet.ts';
import { ZListing, ZPlainText, ZShowSummary } from './http.ts';
import { ZId } from './ids.ts';

/**
 * Discovery: the home page (live now, starting soon, replays, categories) and search over
 * listings, shows and sellers. Query strings arrive as text: each value is parsed here,
 * and a value that is not one we take is INVALID_INPUT, never an empty result.
 */

/** A search's words: enough for any real query, short enough that matching stays cheap. */
export const SEARCH_QUERY_MAX_CHARS = 200;
/** Listings in a page of results (two columns on a phone, four on a desktop: a multiple of both). */
export const SEARCH_PAGE_SIZE = 24;
export const SEARCH_PAGE_MAX = 48;

/** A price bound in whole minor units, as the query string writes it ("2500"). */
const ZMinorParam = z.string().regex(/^\d{1,9}$/, 'a whole number of minor units, 0 or more').transform(Number);

export const ZSearchQuery = z.strictObject({
  /** Words, as typed: an empty box is no words (newest first). */
  q: z.string().trim().max(SEARCH_QUERY_MAX_CHARS).regex(/^[^\p{Cc}]*$/u, 'may not contain control characters')
    .transform((q) => (q === '' ? undefined : q)).optional(),
  /** A top category takes in its sub-categories. */
  category: ZCategory.optional(),
  /** A size label ("M", "38"), whatever its case: listings with a unit of it free. */
  size: ZPlainText(1, 40).optional(),
  minPriceMinor: ZMinorParam.optional(),
  maxPriceMinor: ZMinorParam.optional(),
  condition: ZCondition.optional(),
  /** The `nextCursor` of the page before, as it was given (it carries how the words matched: a few hundred characters). */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,4000}$/, 'not a cursor of ours').optional(),
  limit: z.string().regex(/^\d{1,2}$/, 'a whole number').transform(Number)
    .pipe(z.number().min(1).max(SEARCH_PAGE_MAX)).optional(),
}).refine((s) => s.minPriceMinor === undefined || s.maxPriceMinor === undefined || s.minPriceMinor <= s.maxPriceMinor, {
  path: ['maxPriceMinor'], message: 'must not be below the lowest price',
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;
/** The query as a client writes it (every value text, as in the page's own address). */
export type TSearchQueryInput = z.input<typeof ZSearchQuery>;

/** A listing as a grid of results shows it: its card, whether any size is left, and the live show selling it now. */
export const ZListingCard = ZListing.extend({
  /** No variant has a unit free (a show may still hold some). */
  soldOut: z.boolean(),
  /** A show that is live now and has this listing in its queue. */
  liveShowId: ZId.nullable(),
});
export type TListingCard = z.infer<typeof ZListingCard>;

/** A show as the home page and search show it. */
export const ZShowCard = ZShowSummary.pick({
  id: true, title: true, status: true, hostName: true, hostHandle: true, category: true, scheduledAt: true, startedAt: true, entryCount: true,
}).extend({
  /** The cover photo, card-sized; else the first item's photo; else none. */
  photoUrl: z.string().nullable(),
  /** People watching now (live shows only). */
  viewers: z.number().int().nonnegative().nullable(),
});
export type TShowCard = z.infer<typeof ZShowCard>;

export const ZSellerCard = z.object({
  id: ZId,
  handle: z.string(),
  displayName: z.string(),
  /** Listed listings in the closet. */
  listingCount: z.number().int().nonnegative(),
});
export type TSellerCard = z.infer<typeof ZSellerCard>;

export const ZSearchResult = z.object({
  listings: z.array(ZListingCard),
  /** The next page's cursor; null on the last page. */
  nextCursor: z.string().nullable(),
  /** Shows and sellers whose names match the words: on the first page only, empty without words. */
  shows: z.array(ZShowCard),
  sellers: z.array(ZSellerCard),
});
export type TSearchResult = z.infer<typeof ZSearchResult>;

const ZCategoryCount = z.object({ slug: z.string(), name: z.string(), listingCount: z.number().int().nonnegative() });
export const ZHome = z.object({
  /** Live shows, most watched first. */
  live: z.array(ZShowCard),
  /** Scheduled shows, the next to start first (those past their time without starting after them). */
  soon: z.array(ZShowCard),
  /** Listed replays that play, newest first. */
  replays: z.array(ZShowCard),
  /** The category tree in its order, each with its listed listings (a top one's count takes in its children). */
  categories: z.array(ZCategoryCount.extend({ children: z.array(ZCategoryCount) })),
});
export type THome = z.infer<typeof ZHome>;
