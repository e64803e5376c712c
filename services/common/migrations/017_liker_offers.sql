-- Issue 17 point 4: a seller offers the likers of a listing a private price for a while,
-- honoured at the closet checkout and in a live claim; and the closet checkout itself, an
-- order of one unit bought from a listing's page, with no show.

-- A closet order has no show; every other origin has one.
alter table orders drop constraint orders_origin_check;
alter table orders add constraint orders_origin_check check (origin in ('show', 'waitlist', 'replay', 'closet'));
alter table orders alter column show_id drop not null;
alter table orders add constraint orders_show_of_origin check ((show_id is null) = (origin = 'closet'));

-- A claim names the variant it sold. A claim in a show (live, from its replay, an accepted
-- waitlist offer) takes its entry's, always (an entry keeps its variant: show_entries_hold);
-- a closet purchase's claim has no show, no entry and no place in any order of claims.
alter table claims
  alter column show_id drop not null,
  alter column entry_id drop not null,
  add column variant_id uuid references listing_variants (id);
update claims c set variant_id = e.variant_id from show_entries e where e.id = c.entry_id;
alter table claims alter column variant_id set not null;
alter table claims add constraint claims_show_and_entry check ((show_id is null) = (entry_id is null));
create index claims_variant_idx on claims (variant_id);

create function claims_variant_of_entry() returns trigger language plpgsql as $$
begin
  if new.entry_id is not null then
    select variant_id into new.variant_id from show_entries where id = new.entry_id;
  end if;
  return new;
end $$;
create trigger claims_variant_of_entry before insert or update of entry_id, variant_id on claims
  for each row execute function claims_variant_of_entry();

-- What a seller took off its own shipping fee (an offer's shipping discount), counted in
-- discount_minor with the platform's boost. It is the seller's: its share is computed
-- without it, so orders_split_adds_up (seller + commission + fee = total + boost − refunds)
-- holds as it is. Together with the boost it is at most the shipping fee.
alter table orders
  add column shipping_discount_minor integer not null default 0 check (shipping_discount_minor >= 0),
  add constraint orders_discounts_within_discount check (boost_minor + shipping_discount_minor <= discount_minor),
  add constraint orders_discounts_within_shipping check (boost_minor + shipping_discount_minor <= shipping_minor);

-- One send of an offer: its price (below the listing's price when sent), its shipping
-- discount (at most the closet's fee), its window. A listing has at most one send active
-- at a time: two overlapping windows of one listing cannot both exist.
create extension if not exists btree_gist;
create table liker_offer_sends (
  id uuid primary key,
  listing_id uuid not null references listings (id),
  seller_id uuid not null references users (id),
  currency text not null,
  price_minor integer not null check (price_minor > 0),
  shipping_discount_minor integer not null default 0 check (shipping_discount_minor >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  recipients integer not null check (recipients > 0),
  check (expires_at > created_at),
  constraint liker_offer_sends_one_active exclude using gist (listing_id with =, tstzrange(created_at, expires_at) with &&)
);

-- Each liker at the time of sending gets the offer once.
create table liker_offers (
  id uuid primary key default gen_random_uuid(),
  send_id uuid not null references liker_offer_sends (id),
  listing_id uuid not null references listings (id),
  user_id uuid not null references users (id) on delete cascade,
  unique (send_id, user_id)
);
-- A buyer's offers of a listing (its page, the checkout, a settlement's claims).
create index liker_offers_user_listing_idx on liker_offers (user_id, listing_id);

-- An offer used: by the order that took it, in that order's transaction. The key makes a
-- second use impossible, whatever the channel (closet checkout, a live claim). An order
-- released unpaid gives its use back.
create table liker_offer_uses (
  offer_id uuid primary key references liker_offers (id),
  order_id uuid not null references orders (id),
  claim_id uuid not null unique references claims (id),
  used_at timestamptz not null default now()
);
create index liker_offer_uses_order_idx on liker_offer_uses (order_id);
