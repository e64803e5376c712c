-- Issue 17 point 7, the first-sale boost. A seller is new until an order of theirs is
-- first paid (`first_sale_at`, set in the transaction that marks it paid); the first order
-- made for a new seller has its shipping paid by the platform, up to a configured most.

-- Read per seller row (a badge), never searched by: no index.
alter table users add column first_sale_at timestamptz;
update users u set first_sale_at = f.at
  from (select seller_id, min(paid_at) as at from orders where paid_at is not null group by seller_id) f
 where f.seller_id = u.id;

-- The platform's part of the discount. The seller's share stays that of the order without
-- it, so the split now adds up to the charge plus what the platform pays (for the
-- platform, fee − boost is its net fee, and invariant 4 reads seller + commission + net
-- fee = charge − refunds). With no boost every order's check is the one of migration 003.
alter table orders
  add column boost_minor integer not null default 0 check (boost_minor >= 0),
  add constraint orders_boost_within_discount check (boost_minor <= discount_minor),
  add constraint orders_boost_within_shipping check (boost_minor <= shipping_minor);
alter table orders drop constraint orders_split_adds_up;
alter table orders add constraint orders_split_adds_up
  check (seller_share_minor + commission_minor + platform_fee_minor = total_minor + boost_minor - refunded_minor);

-- One boost per seller, taken by the order's own transaction: of two first orders made at
-- once the second waits on the key and goes without. A boosted order released unpaid gives
-- its row back (the seller still has no sale); a paid one keeps it for good.
create table first_sale_boosts (
  seller_id uuid primary key references users (id),
  order_id uuid not null unique references orders (id),
  created_at timestamptz not null default now()
);
