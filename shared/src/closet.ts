import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor } from './money.ts';
import { ZPlainText } from './http.ts';

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
export const ZCondition = z.enum(Object.keys(CONDITIONS) as [keyof typeof CONDITIONS, ...(keyof typeof CONDITIONS)[]]);
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

export const ZListingState = z.enum(['listed', 'unlisted']);
export const ZListingStateBody = z.strictObject({ state: ZListingState });

/** A closet's own terms: the flat shipping fee per bundle and the business days to ship. */
export const ZClosetSettings = z.strictObject({
  shippingFeeMinor: ZAmountMinor.max(100_00),
  handlingDays: z.number().int().min(1).max(10),
});
export type TClosetSettings = z.infer<typeof ZClosetSettings>;

export const ZAddressBody = z.strictObject({
  name: ZPlainText(1, 80),
  line1: ZPlainText(1, 120),
  line2: ZPlainText(0, 120),
  city: ZPlainText(1, 80),
  region: ZPlainText(0, 80),
  postalCode: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, 'not a postal code'),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'a two-letter country code'),
});
export type TAddressBody = z.infer<typeof ZAddressBody>;
export const ZAddress = ZAddressBody.extend({ id: ZId, isDefault: z.boolean() });
export type TAddress = z.infer<typeof ZAddress>;
/** What an order keeps of the address it ships to. */
export const ZShippingAddress = ZAddressBody;
export type TShippingAddress = z.infer<typeof ZShippingAddress>;

/** One line for people: "Maya Lee, 12 Rue X, 75001 Paris, FR". */
export const formatAddress = (a: TShippingAddress): string =>
  [a.name, a.line1, a.line2, [a.postalCode, a.city].join(' '), a.region, a.country].filter((part) => part.trim() !== '').join(', ');
