-- Issue 17 point 6, ship together. After an order is paid and until it ships, its seller
-- may suggest more of its listings to the buyer; one the buyer adds is an order of its own
-- (origin 'ship_together': its own PaymentIntent, split, transfers and refunds) that pays
-- the item price only and goes in the same box. A box is a shipment: the order it was
-- packed for pays its shipping fee, once, and the orders that join it pay none.

-- A box of one seller for one buyer. `order_id` is the order it was packed for.
create table shipments (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null unique references orders (id),
  seller_id uuid not null references users (id),
  buyer_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  shipped_at timestamptz,
  unique (id, seller_id, buyer_id)
);

alter table orders drop constraint orders_origin_check;
-- 'closet' is migration 017's closet checkout, listed here so that either order of the two works.
alter table orders add constraint orders_origin_check check (origin in ('show', 'waitlist', 'replay', 'closet', 'ship_together'));
-- An order that joins a box shares its show, or its lack of one (a closet order's box).
alter table orders drop constraint if exists orders_show_of_origin;
alter table orders add constraint orders_show_of_origin check (origin = 'ship_together' or (show_id is null) = (origin = 'closet'));

alter table orders
  add column shipment_id uuid,
  add column shipped_at timestamptz,
  add constraint orders_id_shipment_key unique (id, shipment_id),
  -- Every order in a box is the box's seller's, to the box's buyer.
  add constraint orders_shipment_same_people foreign key (shipment_id, seller_id, buyer_id) references shipments (id, seller_id, buyer_id),
  -- An order that joins a box pays no shipping, so takes no discount on it (no first-sale boost, no offer's shipping discount).
  add constraint orders_ship_together_in_box
    check (origin <> 'ship_together' or (shipment_id is not null and shipping_minor = 0 and discount_minor = 0 and boost_minor = 0)),
  add constraint orders_shipped_is_paid check (shipped_at is null or (status = 'paid' and shipment_id is not null));
-- One shipping fee per box: only the order it was packed for may have one.
create unique index orders_shipment_one_fee on orders (shipment_id) where origin <> 'ship_together';

-- Nothing joins a box that has shipped, whatever path inserts the order.
create function orders_join_open_box() returns trigger language plpgsql as $$
begin
  if new.shipment_id is not null and new.shipment_id is distinct from (case when tg_op = 'UPDATE' then old.shipment_id end)
     and exists (select 1 from shipments where id = new.shipment_id and shipped_at is not null) then
    raise exception 'shipment % has shipped', new.shipment_id using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger orders_join_open_box before insert or update of shipment_id on orders
  for each row execute function orders_join_open_box();

-- A suggestion names a size of one of the box's seller's own listings.
alter table listings add constraint listings_id_seller_key unique (id, seller_id);
alter table listing_variants add constraint listing_variants_id_listing_key unique (id, listing_id);
create table ship_together_suggestions (
  id uuid primary key default gen_random_uuid(),
  shipment_id uuid not null,
  seller_id uuid not null,
  buyer_id uuid not null,
  listing_id uuid not null,
  variant_id uuid not null,
  created_at timestamptz not null default now(),
  foreign key (shipment_id, seller_id, buyer_id) references shipments (id, seller_id, buyer_id),
  foreign key (listing_id, seller_id) references listings (id, seller_id),
  foreign key (variant_id, listing_id) references listing_variants (id, listing_id),
  unique (shipment_id, variant_id),
  unique (id, shipment_id, variant_id)
);

-- A buyer's add of a suggestion: its id is the buyer's attempt id (a retry is the same
-- add), its order is the one that pays for the unit, in the suggestion's box. A declined
-- add is released (its order cancelled, its unit free): the suggestion may be added again.
create table ship_together_adds (
  id uuid primary key,
  suggestion_id uuid not null,
  shipment_id uuid not null,
  variant_id uuid not null,
  order_id uuid not null unique,
  price_minor integer not null check (price_minor > 0),
  created_at timestamptz not null default now(),
  released_at timestamptz,
  foreign key (suggestion_id, shipment_id, variant_id) references ship_together_suggestions (id, shipment_id, variant_id),
  foreign key (order_id, shipment_id) references orders (id, shipment_id)
);
create unique index ship_together_adds_once on ship_together_adds (suggestion_id) where released_at is null;

-- An add holds its unit until its order is paid (the unit leaves the closet) or released.
alter table stock_holds add column add_id uuid unique references ship_together_adds (id);
alter table stock_holds drop constraint stock_holds_check;
alter table stock_holds add constraint stock_holds_check check (num_nonnulls(entry_id, claim_id, offer_id, add_id) = 1);
