-- Issue #16: strangers list their own closets, schedule their own shows and ship to an
-- address. Every rule the pages and the api check is held here too.

-- The category tree: fixed, two levels (`women`, `women/dresses`). shared/src/categories.ts
-- holds the same tree for the pages; a test checks that the two agree.
create table categories (
  slug text primary key check (slug ~ '^[a-z0-9-]+(/[a-z0-9-]+)?$'),
  parent text references categories (slug),
  name text not null,
  position integer not null,
  check ((parent is null) = (position('/' in slug) = 0)),
  check (parent is null or slug like parent || '/%')
);
insert into categories (slug, parent, name, position) values
  ('women', null, 'Women', 0), ('men', null, 'Men', 1), ('kids', null, 'Kids', 2), ('home', null, 'Home', 3),
  ('beauty', null, 'Beauty', 4), ('collectibles', null, 'Collectibles', 5), ('electronics', null, 'Electronics', 6);
insert into categories (slug, parent, name, position) values
  ('women/tops', 'women', 'Tops', 0), ('women/dresses', 'women', 'Dresses', 1), ('women/jeans', 'women', 'Jeans', 2),
  ('women/jackets', 'women', 'Jackets & coats', 3), ('women/shoes', 'women', 'Shoes', 4), ('women/bags', 'women', 'Bags', 5),
  ('women/accessories', 'women', 'Accessories', 6), ('women/jewelry', 'women', 'Jewelry', 7),
  ('men/shirts', 'men', 'Shirts', 0), ('men/pants', 'men', 'Pants', 1), ('men/jackets', 'men', 'Jackets & coats', 2),
  ('men/shoes', 'men', 'Shoes', 3), ('men/accessories', 'men', 'Accessories', 4),
  ('kids/girls', 'kids', 'Girls', 0), ('kids/boys', 'kids', 'Boys', 1), ('kids/baby', 'kids', 'Baby', 2), ('kids/toys', 'kids', 'Toys', 3),
  ('home/decor', 'home', 'Decor', 0), ('home/kitchen', 'home', 'Kitchen', 1), ('home/bedding', 'home', 'Bedding', 2),
  ('beauty/makeup', 'beauty', 'Makeup', 0), ('beauty/skincare', 'beauty', 'Skincare', 1), ('beauty/fragrance', 'beauty', 'Fragrance', 2),
  ('collectibles/cards', 'collectibles', 'Trading cards', 0), ('collectibles/vintage', 'collectibles', 'Vintage', 1),
  ('collectibles/art', 'collectibles', 'Art', 2),
  ('electronics/phones', 'electronics', 'Phones', 0), ('electronics/audio', 'electronics', 'Audio', 1),
  ('electronics/games', 'electronics', 'Games', 2);

-- An uploaded photo, processed into WebP sizes stored under `photos/<id>/<size>.webp`
-- (the recordings' directory or bucket). It belongs to the account that uploaded it, and is
-- used by at most one thing: a listing, an avatar, a show's cover.
create table photos (
  id uuid primary key,
  owner_id uuid not null references users (id),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  -- What the stored sizes take together: the cost of a photo.
  bytes integer not null check (bytes > 0),
  created_at timestamptz not null default now()
);
create index photos_owner_idx on photos (owner_id, created_at);

-- What a closet's listing says besides its title and price.
alter table listings
  add column brand text not null default '' check (length(brand) <= 60 and brand !~ '[[:cntrl:]<>]'),
  add column category text references categories (slug),
  add column condition text check (condition in ('new_with_tags', 'new', 'like_new', 'good', 'fair')),
  add column original_price_minor integer check (original_price_minor > 0),
  -- An unlisted listing is kept (and its variants' stock), but no one finds or buys it.
  add column unlisted_at timestamptz,
  add column updated_at timestamptz not null default now(),
  add constraint listings_title_plain check (title !~ '[[:cntrl:]<>]' and title = btrim(title)),
  add constraint listings_description_length check (length(description) <= 2000),
  add constraint listings_original_above check (original_price_minor is null or original_price_minor >= price_minor);
-- Listings made before this are filed under the top of the tree until their sellers say better.
update listings set category = 'women', condition = 'good' where category is null;
alter table listings alter column category set not null, alter column condition set not null;
create index listings_category_idx on listings (category) where deleted_at is null and unlisted_at is null;

-- A listing's photos in order: the first is its cover (listings.photo_url says where
-- its card-sized copy is served, so every card reads one column).
create table listing_photos (
  listing_id uuid not null references listings (id),
  photo_id uuid not null unique references photos (id),
  position integer not null check (position between 0 and 7),
  primary key (listing_id, position)
);

-- A closet's own terms: its flat shipping fee per bundle (users.shipping_fee_minor) and the
-- business days it takes to ship. And a face for the profile.
alter table users
  add column handling_days integer not null default 2 check (handling_days between 1 and 10),
  add column avatar_photo_id uuid unique references photos (id);

-- Where a buyer's orders go. A buyer keeps several; one is the default, which a claim or a
-- purchase copies into its order (orders.shipping_address), so a later change or removal
-- leaves every past order as it was shipped.
create table addresses (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 80),
  line1 text not null check (length(line1) between 1 and 120),
  line2 text not null default '' check (length(line2) <= 120),
  city text not null check (length(city) between 1 and 80),
  region text not null default '' check (length(region) <= 80),
  postal_code text not null check (postal_code ~ '^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$'),
  country text not null check (country ~ '^[A-Z]{2}$'),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  check (not (is_default and deleted_at is not null)),
  check (concat(name, line1, line2, city, region) !~ '[[:cntrl:]<>]')
);
create unique index addresses_one_default on addresses (user_id) where is_default;
create index addresses_user_idx on addresses (user_id) where deleted_at is null;

alter table orders add column shipping_address jsonb
  check (shipping_address is null or jsonb_typeof(shipping_address) = 'object');
-- Every order made from now on ships somewhere; orders made before addresses existed keep none.
alter table orders add constraint orders_ship_to check (shipping_address is not null) not valid;

-- A scheduled show says what it is about before it starts, and can be called off.
alter table shows
  add column description text not null default '' check (length(description) <= 2000),
  add column category text references categories (slug),
  add column cover_photo_id uuid unique references photos (id),
  add column cancelled_at timestamptz;
alter table shows drop constraint shows_status_check;
alter table shows add constraint shows_status_check
  check (status in ('scheduled', 'live', 'ended', 'settling', 'settled', 'cancelled'));
alter table shows add constraint shows_cancelled_at_check check ((status = 'cancelled') = (cancelled_at is not null));
alter table shows add constraint shows_cancelled_before_start check (status <> 'cancelled' or started_at is null);
