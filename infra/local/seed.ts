import { hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { withTransaction, type Stripe, type TDb, type TPhotoStore } from '@showcart/common';
import { photoKey, processPhoto } from '@showcart/domain';
import { photoUrl, type TCondition, type TPhotoSize } from '@showcart/shared';
import sharp from 'sharp';
import { REPO_ROOT } from './components.ts';

export const DEMO_PASSWORD = 'showcart-demo';

export const DEMO_LOGINS = [
  { email: 'host@showcart.test', role: 'host of the demo show, with a closet of its own' },
  { email: 'viewer1@showcart.test', role: 'viewer with a saved test card and a shipping address' },
  { email: 'viewer2@showcart.test', role: 'viewer with a saved test card and a shipping address' },
  { email: 'viewer3@showcart.test', role: 'viewer whose saved test card is declined (pays on-session after the show)' },
  { email: 'admin@showcart.test', role: 'operator: the job dashboard at /admin/queues' },
  { email: 'vintage@showcart.test', role: 'seller whose items are co-hosted in the demo show' },
] as const;

type TSeedListing = {
  title: string; photo: string; priceMinor: number; sizes: [string, number][];
  brand: string; category: string; condition: TCondition; originalPriceMinor?: number; description: string;
};

const CLOSETS: { email: string; name: string; shippingMinor: number; listings: TSeedListing[] }[] = [
  {
    email: 'host@showcart.test', name: 'Maya Reyes', shippingMinor: 699,
    listings: [
      { title: 'Vintage denim jacket', photo: 'denim-jacket', priceMinor: 4800, sizes: [['S', 1], ['M', 2], ['L', 1]], brand: 'Levi’s',
        category: 'women/jackets', condition: 'good', originalPriceMinor: 9800, description: '90s trucker cut, soft from wear. No rips.' },
      { title: 'Hand-rolled silk scarf', photo: 'silk-scarf', priceMinor: 2200, sizes: [['One size', 3]], brand: '',
        category: 'women/accessories', condition: 'new_with_tags', description: '90 × 90 cm, hand-rolled edges.' },
      { title: 'Washed linen shirt', photo: 'linen-shirt', priceMinor: 3500, sizes: [['M', 1], ['L', 2]], brand: 'Everlane',
        category: 'men/shirts', condition: 'like_new', originalPriceMinor: 7800, description: 'Stone-washed linen, relaxed fit.' },
    ],
  },
  {
    email: 'vintage@showcart.test', name: 'Vintage Vault', shippingMinor: 899,
    listings: [
      { title: 'Leather satchel', photo: 'leather-bag', priceMinor: 9500, sizes: [['One size', 1]], brand: 'Coach',
        category: 'women/bags', condition: 'good', originalPriceMinor: 29500, description: 'Full-grain leather, brass buckles, 1980s.' },
      { title: 'Retro court sneakers', photo: 'sneakers', priceMinor: 6400, sizes: [['EU 39', 1], ['EU 42', 1]], brand: 'Adidas',
        category: 'men/shoes', condition: 'like_new', description: 'Worn a handful of times, box included.' },
    ],
  },
  {
    email: 'knits@showcart.test', name: 'North Knits', shippingMinor: 499,
    listings: [
      { title: 'Merino rib beanie', photo: 'wool-beanie', priceMinor: 2800, sizes: [['One size', 6]], brand: 'North Knits',
        category: 'women/accessories', condition: 'new', description: 'Hand-knit in undyed merino.' },
      { title: 'Wrap midi dress', photo: 'midi-dress', priceMinor: 5600, sizes: [['XS', 1], ['S', 2], ['M', 2]], brand: 'Reformation',
        category: 'women/dresses', condition: 'new_with_tags', originalPriceMinor: 21800, description: 'Viscose crepe, ties at the waist.' },
    ],
  },
  {
    email: 'studio@showcart.test', name: 'Studio Nine', shippingMinor: 599,
    listings: [
      { title: 'Corduroy trousers', photo: 'cord-trousers', priceMinor: 4200, sizes: [['30', 2], ['32', 2]], brand: 'Studio Nine',
        category: 'men/pants', condition: 'new', description: 'Wide-wale cord, straight leg.' },
      { title: 'Acetate sunglasses', photo: 'sunglasses', priceMinor: 3900, sizes: [['One size', 4]], brand: '',
        category: 'men/accessories', condition: 'new_with_tags', description: 'Tortoiseshell acetate, UV400 lenses.' },
    ],
  },
];

const VIEWERS = [
  { email: 'viewer1@showcart.test', name: 'Sam Lee', card: 'pm_card_visa', address: ['12 Elm Street', 'Springfield', 'IL', '62701', 'US'] },
  { email: 'viewer2@showcart.test', name: 'Priya Shah', card: 'pm_card_visa', address: ['4 Canal Row', 'London', '', 'E2 8DD', 'GB'] },
  { email: 'viewer3@showcart.test', name: 'Alex Kim', card: 'pm_card_chargeDeclined', address: ['88 Queen St W', 'Toronto', 'ON', 'M5H 2M9', 'CA'] },
];

/** Commission the host earns on the co-hosted items of the demo show, in basis points. */
const DEMO_COMMISSION_BPS = 1_000;

/**
 * A demo photo, made from one of the drawings in web/public/demo as a seller's upload would
 * be: processed into the WebP sizes by the upload's own code and stored where photos are.
 */
const seedPhoto = async (db: TDb, photos: TPhotoStore, p: { ownerId: string; drawing: string }) => {
  const png = await sharp(path.join(REPO_ROOT, 'web/public/demo', `${p.drawing}.svg`), { density: 300 }).resize(1200).png().toBuffer();
  const processed = await processPhoto(png);
  const id = randomUUID();
  const sizes = Object.entries(processed.sizes) as [TPhotoSize, Buffer][];
  for (const [size, bytes] of sizes) await photos.put(photoKey(id, size), bytes, 'image/webp');
  await db.query('insert into photos (id, owner_id, width, height, bytes) values ($1, $2, $3, $4, $5)',
    [id, p.ownerId, processed.width, processed.height, sizes.reduce((sum, [, bytes]) => sum + bytes.length, 0)]);
  return id;
};

const upsertUser = async (db: TDb, email: string, name: string, passwordHash: string, shippingMinor: number | null) => {
  const { rows } = await db.query<{ id: string }>(
    // The demo's accounts have proven their emails (they are the README's to try).
    // Their handles are their emails' names: /@host, /@vintage.
    `insert into users (email, password_hash, display_name, shipping_fee_minor, email_verified_at, handle) values ($1, $2, $3, $4, now(), $5)
     on conflict (lower(email)) do update set display_name = excluded.display_name
     returning id`,
    [email, passwordHash, name, shippingMinor, email.split('@')[0]!.toLowerCase()],
  );
  return rows[0]!.id;
};

/**
 * Demo data for `npm start`: sellers with closets (two with Connect accounts for payouts),
 * a host, three viewers with saved test cards (one that declines) and shipping addresses, an operator, all
 * through Stripe, so stripe-mock or test mode holds them, and a scheduled show whose queue
 * has the host's items and two co-hosted with the seller's consent.
 * Runs once: a database that has the host already is left as it is.
 */
export const seedDemo = async (db: TDb, stripe: Stripe, photos: TPhotoStore): Promise<boolean> => {
  const existing = await db.query(`select 1 from users where lower(email) = 'host@showcart.test'`);
  if (existing.rowCount) return false;
  const passwordHash = await hash(DEMO_PASSWORD);
  const variantsBy = new Map<string, { variantId: string; sellerId: string; priceMinor: number; quantity: number }>();
  const userIds = new Map<string, string>();

  for (const closet of CLOSETS) {
    const sellerId = await upsertUser(db, closet.email, closet.name, passwordHash, closet.shippingMinor);
    userIds.set(closet.email, sellerId);
    for (const listing of closet.listings) {
      const { rows } = await db.query<{ id: string }>(
        `insert into listings (seller_id, title, photo_url, price_minor, brand, category, condition, original_price_minor, description)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [sellerId, listing.title, `/demo/${listing.photo}.svg`, listing.priceMinor, listing.brand, listing.category, listing.condition,
          listing.originalPriceMinor ?? null, listing.description],
      );
      const photoId = await seedPhoto(db, photos, { ownerId: sellerId, drawing: listing.photo });
      await db.query('insert into listing_photos (listing_id, photo_id, position) values ($1, $2, 0)', [rows[0]!.id, photoId]);
      await db.query('update listings set photo_url = $2 where id = $1', [rows[0]!.id, photoUrl(photoId, 'card')]);
      for (const [label, quantity] of listing.sizes) {
        const { rows: v } = await db.query<{ id: string }>(
          'insert into listing_variants (listing_id, label, quantity) values ($1, $2, $3) returning id',
          [rows[0]!.id, label, quantity],
        );
        variantsBy.set(`${listing.photo}/${label}`, { variantId: v[0]!.id, sellerId, priceMinor: listing.priceMinor, quantity });
      }
    }
  }

  for (const viewer of VIEWERS) {
    const userId = await upsertUser(db, viewer.email, viewer.name, passwordHash, null);
    userIds.set(viewer.email, userId);
    const [line1, city, region, postalCode, country] = viewer.address;
    await db.query(
      `insert into addresses (user_id, name, line1, city, region, postal_code, country, is_default) values ($1, $2, $3, $4, $5, $6, $7, true)`,
      [userId, viewer.name, line1, city, region, postalCode, country],
    );
    const customer = await stripe.customers.create(
      { email: viewer.email, name: viewer.name, metadata: { userId } },
      { idempotencyKey: `seed-customer-${userId}` },
    );
    // One of Stripe's test cards; attaching returns the customer's own copy.
    const method = await stripe.paymentMethods.attach(viewer.card, { customer: customer.id });
    await db.query(
      `insert into payment_profiles (user_id, stripe_customer_id, default_payment_method_id, card_brand, card_last4, card_exp)
       values ($1, $2, $3, $4, $5, $6)`,
      [userId, customer.id, method.id, method.card?.brand ?? 'visa', method.card?.last4 ?? '4242',
        method.card ? `${String(method.card.exp_month).padStart(2, '0')}/${String(method.card.exp_year).slice(-2)}` : null],
    );
  }
  const adminId = await upsertUser(db, 'admin@showcart.test', 'Ops', passwordHash, null);
  await db.query('update users set is_admin = true where id = $1', [adminId]);
  // The host and the co-hosting seller have Connect accounts for their payouts; the other
  // sellers have not set theirs up, so their payouts wait (as a new seller's would).
  for (const email of ['host@showcart.test', 'vintage@showcart.test']) {
    const userId = userIds.get(email)!;
    const account = await stripe.accounts.create(
      { type: 'express', email, capabilities: { transfers: { requested: true } }, metadata: { userId } },
      { idempotencyKey: `seed-connect-${userId}` },
    );
    await db.query(
      `insert into connect_accounts (user_id, stripe_account_id, details_submitted, payouts_enabled, transfers_active)
       values ($1, $2, true, true, $3)`,
      [userId, account.id, account.capabilities?.transfers === 'active'],
    );
  }

  const hostId = userIds.get('host@showcart.test')!;
  const cover = await seedPhoto(db, photos, { ownerId: hostId, drawing: 'denim-jacket' });
  await withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `insert into shows (host_id, title, description, category, cover_photo_id, scheduled_at)
       values ($1, $2, $3, 'women', $4, now() + interval '1 hour') returning id`,
      [hostId, 'Sunday Closet Drop: denim, silk and vintage finds',
        'Thirty minutes of my favourite pieces, plus two finds from Vintage Vault. Claim with one tap; one shipping fee per seller.', cover],
    );
    const showId = rows[0]!.id;
    const own = ['denim-jacket/M', 'silk-scarf/One size', 'linen-shirt/L'];
    const cohosted = ['leather-bag/One size', 'sneakers/EU 42'];
    let position = 0;
    for (const key of own) {
      const v = variantsBy.get(key)!;
      await tx.query(
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
         values ($1, $2, $3, $4, $5, $6)`,
        [showId, position++, v.variantId, v.sellerId, v.priceMinor, v.quantity],
      );
    }
    for (const key of cohosted) {
      const v = variantsBy.get(key)!;
      const { rows: consent } = await tx.query<{ id: string }>(
        `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status, decided_at)
         values ($1, $2, $3, $4, 'approved', now()) returning id`,
        [showId, v.variantId, v.sellerId, DEMO_COMMISSION_BPS],
      );
      await tx.query(
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [showId, position++, v.variantId, v.sellerId, v.priceMinor, v.quantity, consent[0]!.id, DEMO_COMMISSION_BPS],
      );
    }
  });

  // A second show to come, from another closet: the home page's "Starting soon" has two.
  const knitsId = userIds.get('knits@showcart.test')!;
  const knitsCover = await seedPhoto(db, photos, { ownerId: knitsId, drawing: 'wool-beanie' });
  await withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `insert into shows (host_id, title, description, category, cover_photo_id, scheduled_at)
       values ($1, 'Knitwear Friday: hand-knits and dresses', 'New beanies off the needles and the last wrap dresses of the season.',
               'women/accessories', $2, now() + interval '2 days') returning id`,
      [knitsId, knitsCover],
    );
    for (const [position, key] of ['wool-beanie/One size', 'midi-dress/S'].entries()) {
      const v = variantsBy.get(key)!;
      await tx.query(
        'insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity) values ($1, $2, $3, $4, $5, $6)',
        [rows[0]!.id, position, v.variantId, v.sellerId, v.priceMinor, v.quantity],
      );
    }
  });

  // viewer1 follows two closets and likes two items already: its Feed and Likes have something in them.
  const viewer1 = userIds.get('viewer1@showcart.test')!;
  for (const email of ['host@showcart.test', 'knits@showcart.test']) {
    await db.query('insert into follows (follower_id, followee_id) values ($1, $2)', [viewer1, userIds.get(email)!]);
  }
  for (const key of ['leather-bag/One size', 'wool-beanie/One size']) {
    await db.query('insert into likes (user_id, listing_id) select $1, listing_id from listing_variants where id = $2', [viewer1, variantsBy.get(key)!.variantId]);
  }
  return true;
};
