-- Refunds of paid orders (issue #4): a seller gives back part or all of a charge. The
-- refund comes out of the seller's share first, then the host's commission, then the fee;
-- money already paid out is taken back with transfer reversals.
create table refunds (
  -- The client's attempt id: a retried request is the same refund.
  id uuid primary key,
  order_id uuid not null references orders (id),
  amount_minor integer not null check (amount_minor > 0),
  reason text not null check (length(reason) between 1 and 200),
  status text not null default 'pending' check (status in ('pending', 'succeeded')),
  stripe_refund_id text unique,
  created_by uuid not null references users (id),
  created_at timestamptz not null default now(),
  succeeded_at timestamptz,
  -- How much of the refund each party gives back.
  from_seller_minor integer check (from_seller_minor >= 0),
  from_commission_minor integer check (from_commission_minor >= 0),
  from_fee_minor integer check (from_fee_minor >= 0),
  check ((status = 'succeeded') = (stripe_refund_id is not null and succeeded_at is not null)),
  check (status = 'pending' or from_seller_minor + from_commission_minor + from_fee_minor = amount_minor)
);
create index refunds_order_idx on refunds (order_id);

-- Money taken back from a connected account after a refund, once per refund and transfer.
create table transfer_reversals (
  refund_id uuid not null references refunds (id),
  kind text not null check (kind in ('seller', 'commission')),
  amount_minor integer not null check (amount_minor > 0),
  stripe_reversal_id text not null unique,
  created_at timestamptz not null default now(),
  primary key (refund_id, kind)
);

alter table transfers add column reversed_minor integer not null default 0 check (reversed_minor >= 0);
alter table transfers add constraint transfers_reversal_within check (reversed_minor <= amount_minor);
