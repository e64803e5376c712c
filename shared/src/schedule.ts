import { z } from 'zod';
import { ZCategory, ZListingBody } from './closet.ts';
import { ZPlainText } from './http.ts';
import { ZId } from './ids.ts';
import { ZAmountMinor } from './money.ts';

/**
 * What a host says of a show before it starts, when creating it and when editing it until
 * it goes live. (Its own file: closet.ts, which has the categories, builds on http.ts.)
 */

/** A start time further ahead than this is refused: buyers plan days ahead, not seasons. */
export const MAX_SCHEDULE_DAYS = 90;

const showDetails = {
  title: ZPlainText(3, 120),
  /** Lines of plain text, with the rules of a listing's description. */
  description: ZListingBody.shape.description,
  /** An uploaded photo of the host's (POST /api/photos), not used by anything else. */
  coverPhotoId: ZId,
  category: ZCategory,
  /** When the host means to go live; the domain refuses a time past or too far ahead. */
  scheduledAt: z.iso.datetime({ offset: true }),
};

export const ZShowEntryBody = z.strictObject({
  variantId: ZId,
  /** The live price; defaults to the listing's price. */
  priceMinor: ZAmountMinor.positive().optional(),
  quantity: z.number().int().positive().max(10_000).optional(),
});

/** A new show: its details (only the title is required: without a time, it goes live when the host is ready) and its entries. */
export const ZCreateShowBody = z.strictObject({
  title: showDetails.title,
  description: showDetails.description.optional(),
  coverPhotoId: showDetails.coverPhotoId.optional(),
  category: showDetails.category.optional(),
  scheduledAt: showDetails.scheduledAt.optional(),
  entries: z.array(ZShowEntryBody).min(1).max(200),
});
export type TCreateShowBody = z.infer<typeof ZCreateShowBody>;

/** The host adds one of its own variants to a scheduled or live show. */
export const ZAddEntryBody = ZShowEntryBody;
export type TAddEntryBody = z.infer<typeof ZAddEntryBody>;

/** An edit of a scheduled show: any of its details; null takes a cover, category or time away. */
export const ZUpdateShowBody = z.strictObject({
  title: showDetails.title.optional(),
  description: showDetails.description.optional(),
  coverPhotoId: showDetails.coverPhotoId.nullable().optional(),
  category: showDetails.category.nullable().optional(),
  scheduledAt: showDetails.scheduledAt.nullable().optional(),
}).refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type TUpdateShowBody = z.infer<typeof ZUpdateShowBody>;
