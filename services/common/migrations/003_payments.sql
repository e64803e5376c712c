-- Settlement and payouts (issue #4): saved cards, Connect accounts, the split of every
-- order, transfers, a double-entry ledger, and what happens to unpaid items.

-- What the buyer sees of its saved card; the card itself stays with Stripe.
alter table payment_profiles
  add column card_brand text,
  add column card_last4 text check (card_last4 ~ '^[0-9]{4}$'),
  add column card_exp text;

-- Operators: bull-board and other admin pages.
alter table users add column is_admin boolean not null default false;

-- A seller's (or host's) Stripe Connect Express account. Transfers to it wait until
-- Stripe reports transfers active; Stripe's events can arrive in any order, so the
-- newest event applied is kept and an older one changes nothing.
create table connect_accounts (
  user_id uuid primary key references users (id) on delete cascade,
  stripe_account_id text not null unique,
  details_submitted boolean not null default false,
  payouts_enabled boolean not null default false,
  transfers_active boolean not null default false,
  stripe_event_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Orders of a show's settlement are one per (buyer, seller); orders made after the show
-- (a waitlist offer taken up, a purchase from the replay) are one per claim instead.
alter table orders add column origin text not null default 'show' check (origin in ('show', 'waitlist', 'replay'));
alter table orders drop constraint orders_show_id_buyer_id_seller_id_key;
create unique index orders_show_bundle_key on orders (show_id, buyer_id, seller_id) where origin = 'show';

-- The split (invariant 4): seller share + host commission + platform fee = total - refunds.
alter table orders
  add column host_id uuid references users (id),
  add column commission_minor integer not null default 0 check (commission_minor >= 0),
  add column platform_fee_minor integer not null default 0 check (platform_fee_minor >= 0),
  add column refunded_minor integer not null default 0 check (refunded_minor >= 0),
  add column seller_share_minor integer check (seller_share_minor >= 0),
  add column stripe_charge_id text unique,
  -- An unpaid order's deadline; at it the items are released.
  add column pay_by timestamptz,
  add column released_at timestamptz;
update orders set seller_share_minor = total_minor;
alter table orders alter column seller_share_minor set not null;
alter table orders add constraint orders_split_adds_up
  check (seller_share_minor + commission_minor + platform_fee_minor = total_minor - refunded_minor);
alter table orders add constraint orders_refund_within_charge check (refunded_minor <= total_minor);
alter table orders add constraint orders_paid_has_charge
  check (status <> 'paid' or stripe_payment_intent_id is not null);
alter table orders add constraint orders_released_is_canceled
  check (released_at is null or status = 'canceled');

-- Claims made after the show have no place in the live log.
alter table claims alter column seq drop not null;
alter table claims drop constraint claims_status_check;
alter table claims add constraint claims_status_check check (status in ('won', 'voided', 'released'));

-- Money out of the platform's balance to a connected account, once per order and kind.
create table transfers (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id),
  kind text not null check (kind in ('seller', 'commission')),
  destination_user_id uuid not null references users (id),
  amount_minor integer not null check (amount_minor > 0),
  currency text not null,
  status text not null default 'waiting' check (status in ('waiting', 'sent')),
  stripe_transfer_id text unique,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (order_id, kind),
  check ((status = 'sent') = (stripe_transfer_id is not null and sent_at is not null))
);
create index transfers_waiting_idx on transfers (destination_user_id) where status = 'waiting';

-- Double-entry ledger: each journal (one movement of money, named from our ids) is a set
-- of lines that sums to zero, and is written once.
create table ledger_entries (
  id bigserial primary key,
  journal text not null,
  account text not null,
  order_id uuid references orders (id),
  amount_minor bigint not null check (amount_minor <> 0),
  currency text not null,
  created_at timestamptz not null default now(),
  unique (journal, account)
);
create index ledger_entries_order_idx on ledger_entries (order_id);

create function ledger_journal_balanced() returns trigger language plpgsql as $$
begin
  if (select sum(amount_minor) from ledger_entries where journal = new.journal) <> 0 then
    raise exception 'ledger journal % does not balance', new.journal using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger ledger_journal_balanced after insert or update on ledger_entries
  deferrable initially deferred for each row execute function ledger_journal_balanced();

-- After a show, a unit released by an unpaid order goes to the next buyer who was waiting
-- for it: an offer until a deadline. Each buyer is offered an entry at most once.
create table waitlist_offers (
  id uuid primary key default gen_random_uuid(),
  show_id uuid not null references shows (id),
  entry_id uuid not null references show_entries (id),
  user_id uuid not null references users (id),
  released_claim_id uuid not null references claims (id),
  price_minor integer not null check (price_minor > 0),
  status text not null default 'open' check (status in ('open', 'accepted', 'expired')),
  expires_at timestamptz not null,
  claim_id uuid unique references claims (id),
  created_at timestamptz not null default now(),
  unique (entry_id, user_id),
  check ((status = 'accepted') = (claim_id is not null))
);
-- One open offer per released unit.
create unique index waitlist_offers_unit_key on waitlist_offers (released_claim_id) where status <> 'expired';
