-- Issue #17: notifications on three channels (in-app, Web Push, email), one pipeline.

-- One thing that happened, told to many: its id is derived from our own ids
-- ('order-paid:<orderId>'), so a trigger that runs twice makes one event. Who hears of it is
-- `audience`: a list (notification_recipients) or a named query (a host's followers).
create table notification_events (
  id text primary key,
  kind text not null,
  payload jsonb not null,
  audience jsonb not null,
  created_at timestamptz not null default now()
);

-- An event's recipients when they are a list, read in keyset batches by the fan-out.
create table notification_recipients (
  event_id text not null references notification_events (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  primary key (event_id, user_id)
);

-- The in-app feed. One row per (event, user): a fan-out batch run twice writes nothing twice,
-- and only the rows it did write go on to push and email.
create table notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  kind text not null,
  event_id text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  unique (event_id, user_id)
);
create index notifications_feed_idx on notifications (user_id, created_at desc, id desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;

-- Only a user's departures from the defaults (shared/src/notifications.ts) are stored.
create table notification_preferences (
  user_id uuid not null references users (id) on delete cascade,
  kind text not null,
  channel text not null check (channel in ('in_app', 'push', 'email')),
  enabled boolean not null,
  primary key (user_id, kind, channel)
);

-- Quiet hours: no push and no email between start and end (minutes after midnight in the
-- user's time zone; start > end spans midnight).
create table notification_quiet_hours (
  user_id uuid primary key references users (id) on delete cascade,
  start_minute int not null check (start_minute between 0 and 1439),
  end_minute int not null check (end_minute between 0 and 1439),
  time_zone text not null,
  check (start_minute <> end_minute)
);

-- One browser (device) that allowed notifications; a 404/410 from its push service deletes it.
create table push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  created_at timestamptz not null default now(),
  last_success_at timestamptz
);
create index push_subscriptions_user_idx on push_subscriptions (user_id);

-- An email's unsubscribe link turns off one kind's email for one user. Only a hash of the
-- token is stored (as account_tokens); a link keeps working, it changes nothing but what it names.
create table unsubscribe_tokens (
  token_hash bytea primary key,
  user_id uuid not null references users (id) on delete cascade,
  kind text not null,
  created_at timestamptz not null default now()
);
create index unsubscribe_tokens_user_idx on unsubscribe_tokens (user_id);
