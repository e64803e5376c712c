-- Issue #16: anyone signs up. An account proves its email by a link mailed to it; a
-- forgotten password is reset by a link too. Accounts made before this (the demo's, the
-- operators') count as verified.
alter table users add column email_verified_at timestamptz;
update users set email_verified_at = created_at;

-- One-time links: only a hash of the token is stored (as for sessions), each for one
-- purpose, spent once (used_at) and dead after expires_at.
create table account_tokens (
  token_hash bytea primary key,
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('verify-email', 'reset-password')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  check (expires_at > created_at)
);
create index account_tokens_user_idx on account_tokens (user_id, purpose);
