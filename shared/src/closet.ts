import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor } from './money.ts';
import { ZListing, ZPlainText, ZShowSummary } from './http.ts';

/**
 * The category tree, two levels, the same rows as migration 010 (a test holds them equal).
 * A listing or a show files under a leaf or a top category.
 */
export const CATEGORY_TREE = [
  { slug: 'women', name: 'Women', children: [['tops', 'Tops'], ['dresses', 'Dresses'], ['jeans', 'Jeans'], ['jackets', 'Jackets & coats'],
    ['shoes', 'Shoes'], ['bags', 'Bags'], ['accessories', 'Accessories'], ['jewelry', 'Jewelry']] },
  { slug: 'men', name: 'Men', children: [['shirts', 'Shirts'], ['pants', 'Pants'], ['jackets', 'Jackets & coats'], ['shoes', 'Shoes'],
    ['accessories', 'Accessories']] },
  { slug: 'kids', name: 'Kids', children: [['girls', 'Girls'], ['boys', 'Boys'], ['baby', 'Baby'], ['toys', 'Toys']] },
  { slug: 'home', name: 'Home', children: [['decor', 'Decor'], ['kitchen', 'Kitchen'], ['bedding', 'Bedding']] },
  { slug: 'beauty', name: 'Beauty', children: [['makeup', 'Makeup'], ['skincare', 'Skincare'], ['fragrance', 'Fragrance']] },
  { slug: 'collectibles', name: 'Collectibles', children: [['cards', 'Trading cards'], ['vintage', 'Vintage'], ['art', 'Art']] },
  { slug: 'electronics', name: 'Electronics', children: [['phones', 'Phones'], ['audio', 'Audio'], ['games', 'Games']] },
] as const;

/** Every category, top ones first, as `{ slug, name, parent }`, in the tree's order. */
export const CATEGORIES: readonly { slug: string; name: string; parent: string | null }[] = CATEGORY_TREE.flatMap((top) => [
  { slug: top.slug, name: top.name, parent: null },
  ...top.children.map(([slug, name]) => ({ slug: `${top.slug}/${slug}`, name, parent: top.slug })),
]);
const CATEGORY_SLUGS = new Set(CATEGORIES.map((c) => c.slug));

export const ZCategory = z.string().refine((slug) => CATEGORY_SLUGS.has(slug), 'no such category');

/** "Women › Dresses" for a slug. */
export const categoryLabel = (slug: string): string => {
  const category = CATEGORIES.find((c) => c.slug === slug);
  if (!category) return slug;
  const parent = category.parent && CATEGORIES.find((c) => c.slug === category.parent);
  return parent ? `${parent.name} › ${category.name}` : category.name;
};

export const CONDITIONS = {
  new_with_tags: 'New with tags',
  new: 'New without tags',
  like_new: 'Like new',
  good: 'Good',
  fair: 'Fair',
} as const;
export const ZCondition = ZListing.shape.condition;
export type TCondition = z.infer<typeof ZCondition>;

/** A listing holds at most this many photos (the first is its cover). */
export const MAX_LISTING_PHOTOS = 8;

const ZPrice = ZAmountMinor.positive('must be more than 0');

/** What a seller writes of a listing: every field on create, any of them on edit. */
export const ZListingBody = z.strictObject({
  title: ZPlainText(1, 120),
  description: z.string().trim().max(2000).regex(/^[^\u0000-\u0009\u000b-\u001f\u007f]*$/, 'may not contain control characters'),
  brand: ZPlainText(0, 60),
  category: ZCategory,
  condition: ZCondition,
  priceMinor: ZPrice,
  originalPriceMinor: ZPrice.nullable(),
  variants: z.array(z.strictObject({
    /** An existing variant's id keeps its stock holds; a new one has none. */
    id: ZId.optional(),
    label: ZPlainText(1, 40),
    quantity: z.number().int().min(0).max(10_000),
  })).min(1).max(30),
  /** Uploaded photos (POST /api/photos), in order; the first is the cover. */
  photoIds: z.array(ZId).min(1, 'a listing needs a photo').max(MAX_LISTING_PHOTOS),
}).refine((b) => b.originalPriceMinor === null || b.originalPriceMinor >= b.priceMinor, {
  path: ['originalPriceMinor'], message: 'the original price cannot be below the price',
}).refine((b) => new Set(b.variants.map((v) => v.label.toLowerCase())).size === b.variants.length, {
  path: ['variants'], message: 'each size once',
}).refine((b) => new Set(b.photoIds).size === b.photoIds.length, { path: ['photoIds'], message: 'each photo once' });
export type TListingBody = z.infer<typeof ZListingBody>;

export const ZListingState = ZListing.shape.state;
export const ZListingStateBody = z.strictObject({ state: ZListingState });

/** A closet's own terms: the flat shipping fee per bundle and the business days to ship. */
export const ZClosetSettings = z.strictObject({
  shippingFeeMinor: ZAmountMinor.max(100_00),
  handlingDays: z.number().int().min(1).max(10),
});
export type TClosetSettings = z.infer<typeof ZClosetSettings>;

/** A listing's page: everything of the card, its photos in order, and the closet's terms. */
export const ZListingDetail = ZListing.extend({
  description: z.string(),
  photos: z.array(z.object({ id: ZId, thumbUrl: z.string(), cardUrl: z.string(), fullUrl: z.string() })),
  /** The shipping fee of a bundle from this closet, and the business days it takes to ship. */
  shippingFeeMinor: ZAmountMinor,
  handlingDays: z.number().int(),
  /** Shows, live or to come, that feature it. */
  shows: z.array(ZShowSummary.pick({ id: true, title: true, status: true, scheduledAt: true })),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TListingDetail = z.infer<typeof ZListingDetail>;

/** What deleting did: a listing that sold, or was in a show, is archived (kept for its orders), any other removed. */
export const ZListingDeleted = z.object({ outcome: z.enum(['removed', 'archived']) });
