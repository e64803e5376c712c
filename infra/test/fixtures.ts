import { randomUUID } from 'node:crypto';
import { type TQueryable } from '@showcart/common';
import { createSession, SESSION_COOKIE } from '@showcart/domain';

/**
 * Many signed-in buyers at once, for load tests and benchmarks: rows and sessions written
 * directly (hashing and logging in thousands of users one by one would take minutes).
 * Their saved cards are placeholders that are never charged; each has a shipping address.
 */
export const createBuyers = async (db: TQueryable, count: number, passwordHash: string) => {
  const prefix = randomUUID().slice(0, 8);
  const { rows } = await db.query<{ id: string; name: string }>(
    `insert into users (email, password_hash, display_name)
     select 'bulk-' || $1 || '-' || i || '@showcart.test', $2, 'Buyer ' || $1 || '-' || i
       from generate_series(1, $3::int) as i
     returning id, display_name as name`,
    [prefix, passwordHash, count],
  );
  await db.query(
    `insert into payment_profiles (user_id, stripe_customer_id, default_payment_method_id)
     select id, 'cus_bulk_' || replace(id::text, '-', ''), 'pm_card_visa' from unnest($1::uuid[]) as id`,
    [rows.map((r) => r.id)],
  );
  await db.query(
    `insert into addresses (user_id, name, line1, city, postal_code, country, is_default)
     select id, 'Bulk buyer', '1 Bench Road', 'Benchtown', '10001', 'US', true from unnest($1::uuid[]) as id`,
    [rows.map((r) => r.id)],
  );
  const buyers: { id: string; name: string; cookie: string }[] = [];
  for (const row of rows) {
    const { token } = await createSession(db, row.id, 3_600_000);
    buyers.push({ id: row.id, name: row.name, cookie: `${SESSION_COOKIE}=${token}` });
  }
  return buyers;
};

/**
 * A host with a scheduled show of one entry per quantity given, written directly; each
 * variant's closet has `spareUnits` more than its entry holds, for live raises.
 */
export const createShowDirect = async (db: TQueryable, quantities: number[], passwordHash: string, spareUnits = 0) => {
  const { rows: users } = await db.query<{ id: string }>(
    `insert into users (email, password_hash, display_name) values ($1, $2, 'Bench host') returning id`,
    [`host-${randomUUID()}@showcart.test`, passwordHash],
  );
  const hostId = users[0]!.id;
  const { rows: shows } = await db.query<{ id: string }>(
    `insert into shows (host_id, title) values ($1, 'Benchmark show') returning id`,
    [hostId],
  );
  const showId = shows[0]!.id;
  const entryIds: string[] = [];
  for (const [position, quantity] of quantities.entries()) {
    const { rows: listing } = await db.query<{ id: string }>(
      `insert into listings (seller_id, title, photo_url, price_minor, category, condition) values ($1, $2, '/demo/sneakers.svg', 1000, 'women', 'good') returning id`,
      [hostId, `Item ${position + 1}`],
    );
    const { rows: variant } = await db.query<{ id: string }>(
      `insert into listing_variants (listing_id, label, quantity) values ($1, 'M', $2) returning id`,
      [listing[0]!.id, quantity + spareUnits],
    );
    const { rows: entry } = await db.query<{ id: string }>(
      `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
       values ($1, $2, $3, $4, 1000, $5) returning id`,
      [showId, position, variant[0]!.id, hostId, quantity],
    );
    entryIds.push(entry[0]!.id);
  }
  const { token } = await createSession(db, hostId, 3_600_000);
  return { hostId, showId, entryIds, hostCookie: `${SESSION_COOKIE}=${token}` };
};
