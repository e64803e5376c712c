-- Accounts. Anyone can buy; a user with listings is a seller; a user with shows is a host.
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  password_hash text not null,
  display_name text not null check (length(display_name) between 1 and 60),
  -- The flat shipping fee this user charges per bundle when selling.
  shipping_fee_minor integer check (shipping_fee_minor >= 0),
  created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

-- Only a hash of the session token is stored: a leaked table opens no session.
create table sessions (
  token_hash bytea primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

create table payment_profiles (
  user_id uuid primary key references users (id) on delete cascade,
  stripe_customer_id text not null unique,
  default_payment_method_id text,
  updated_at timestamptz not null default now()
);

create table listings (
  id uuid primary key default gen_random_uuid(),
  seller_id uuid not null references users (id),
  title text not null check (length(title) between 1 and 120),
  description text not null default '',
  photo_url text not null,
  price_minor integer not null check (price_minor > 0),
  currency text not null default 'usd' check (currency in ('usd', 'eur', 'gbp', 'cad', 'aud')),
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index listings_seller_idx on listings (seller_id);

create table listing_variants (
  id uuid primary key default gen_random_uuid(),
  listing_id uuid not null references listings (id),
  label text not null check (length(label) between 1 and 40),
  quantity integer not null check (quantity >= 0),
  unique (listing_id, label)
);

create table shows (
  id uuid primary key default gen_random_uuid(),
  host_id uuid not null references users (id),
  title text not null check (length(title) between 3 and 120),
  status text not null default 'scheduled'
    check (status in ('scheduled', 'live', 'ended', 'settled')),
  scheduled_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  check (status = 'scheduled' or started_at is not null),
  check (status not in ('ended', 'settled') or ended_at is not null)
);
create index shows_status_idx on shows (status, scheduled_at);

-- A seller's consent to have one of its variants featured in another host's show.
create table cohost_items (
  id uuid primary key default gen_random_uuid(),
  show_id uuid not null references shows (id),
  variant_id uuid not null references listing_variants (id),
  seller_id uuid not null references users (id),
  commission_bps integer not null check (commission_bps between 0 and 10000),
  status text not null check (status in ('requested', 'approved', 'declined', 'withdrawn')),
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (show_id, variant_id)
);

create table show_entries (
  id uuid primary key default gen_random_uuid(),
  show_id uuid not null references shows (id),
  position integer not null check (position >= 0),
  variant_id uuid not null references listing_variants (id),
  seller_id uuid not null references users (id),
  price_minor integer not null check (price_minor > 0),
  quantity integer not null check (quantity > 0),
  -- Set exactly when the item is another seller's (see the consent trigger below).
  cohost_item_id uuid references cohost_items (id),
  commission_bps integer not null default 0 check (commission_bps between 0 and 10000),
  unique (show_id, position),
  unique (show_id, variant_id)
);

-- Invariant 6 (consent): another seller's item enters a show only through an approved
-- co-host item of that same show, variant and seller; the host's own carry none.
create function show_entries_consent() returns trigger language plpgsql as $$
declare
  host uuid;
  ok boolean;
begin
  select host_id into host from shows where id = new.show_id;
  if new.seller_id = host then
    if new.cohost_item_id is not null or new.commission_bps <> 0 then
      raise exception 'a host''s own item carries no co-host consent or commission'
        using errcode = 'check_violation';
    end if;
    return new;
  end if;
  select true into ok from cohost_items c
   where c.id = new.cohost_item_id and c.show_id = new.show_id and c.variant_id = new.variant_id
     and c.seller_id = new.seller_id and c.status = 'approved'
     and c.commission_bps = new.commission_bps;
  if ok is null then
    raise exception 'seller % has not agreed to feature this item in show %', new.seller_id, new.show_id
      using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger show_entries_consent before insert or update on show_entries
  for each row execute function show_entries_consent();

-- The show's event log, persisted from Redis; (show_id, seq) is the one order of events.
create table show_events (
  show_id uuid not null references shows (id),
  seq bigint not null check (seq > 0),
  type text not null,
  at timestamptz not null,
  payload jsonb not null,
  primary key (show_id, seq)
);

create table claims (
  id uuid primary key,
  show_id uuid not null references shows (id),
  entry_id uuid not null references show_entries (id),
  buyer_id uuid not null references users (id),
  seq bigint not null,
  position integer not null check (position > 0),
  price_minor integer not null check (price_minor > 0),
  status text not null default 'won' check (status in ('won', 'voided', 'released')),
  claimed_at timestamptz not null,
  unique (show_id, seq),
  unique (entry_id, position)
);
create index claims_buyer_idx on claims (buyer_id);

create table orders (
  id uuid primary key default gen_random_uuid(),
  show_id uuid not null references shows (id),
  buyer_id uuid not null references users (id),
  seller_id uuid not null references users (id),
  currency text not null,
  items_minor integer not null check (items_minor > 0),
  shipping_minor integer not null check (shipping_minor >= 0),
  discount_minor integer not null default 0 check (discount_minor >= 0),
  total_minor integer not null,
  status text not null default 'pending'
    check (status in ('pending', 'paid', 'payment_failed', 'action_required', 'canceled')),
  stripe_payment_intent_id text unique,
  failure_code text,
  created_at timestamptz not null default now(),
  paid_at timestamptz,
  -- Invariant 4: charge = items + shipping - discounts.
  check (total_minor = items_minor + shipping_minor - discount_minor),
  check (total_minor > 0),
  check ((status = 'paid') = (paid_at is not null)),
  -- One bundle per buyer and seller in a show: settling twice cannot make a second order.
  unique (show_id, buyer_id, seller_id)
);
create index orders_buyer_idx on orders (buyer_id, created_at desc);

create table order_items (
  order_id uuid not null references orders (id),
  claim_id uuid not null unique references claims (id),
  price_minor integer not null check (price_minor > 0),
  primary key (order_id, claim_id)
);

-- Every verified webhook, once: a redelivered event id is recognised and ignored.
create table webhook_events (
  provider text not null check (provider in ('livekit', 'stripe')),
  event_id text not null,
  type text not null,
  received_at timestamptz not null default now(),
  payload jsonb not null,
  primary key (provider, event_id)
);
