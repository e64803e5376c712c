-- Issue #17, point 5: direct messages between a buyer and a seller, blocks and reports,
-- and a seller's greeting, sent once to a visitor who never bought from it.

-- One thread per pair of people, stored with the smaller id first so a pair has one row.
create table conversations (
  id uuid primary key default gen_random_uuid(),
  low_id uuid not null references users (id) on delete cascade,
  high_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_message_at timestamptz not null default now(),
  check (low_id < high_id),
  unique (low_id, high_id)
);
create index conversations_low_idx on conversations (low_id, last_message_at desc);
create index conversations_high_idx on conversations (high_id, last_message_at desc);

create table messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  sender_id uuid not null references users (id) on delete cascade,
  body text not null check (length(body) between 1 and 2000 and body !~ '[\x01-\x09\x0b-\x1f\x7f]'),
  -- A listing shown as a card in the thread ("is this still available?").
  listing_id uuid references listings (id),
  -- The seller's greeting, sent by the platform on the seller's behalf.
  kind text not null default 'text' check (kind in ('text', 'greeting')),
  -- A retried send with the same client id is the same message.
  client_id uuid not null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  unique (sender_id, client_id)
);
create index messages_conversation_idx on messages (conversation_id, created_at desc, id desc);

-- Whom a person blocked: neither may message the other while the row stands.
create table blocks (
  blocker_id uuid not null references users (id) on delete cascade,
  blocked_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (blocker_id, blocked_id),
  check (blocker_id <> blocked_id)
);
create index blocks_blocked_idx on blocks (blocked_id);

create table reports (
  id uuid primary key default gen_random_uuid(),
  reporter_id uuid not null references users (id) on delete cascade,
  reported_id uuid not null references users (id) on delete cascade,
  message_id uuid references messages (id) on delete set null,
  reason text not null check (length(reason) between 1 and 500),
  created_at timestamptz not null default now(),
  check (reporter_id <> reported_id)
);

-- A closet's greeting: off (null) by default; sent once per visitor.
alter table users add column greeting text check (greeting is null or (length(greeting) between 1 and 500));
create table greetings_sent (
  seller_id uuid not null references users (id) on delete cascade,
  visitor_id uuid not null references users (id) on delete cascade,
  sent_at timestamptz not null default now(),
  primary key (seller_id, visitor_id)
);
