-- Recordings of live shows and what their replays sell (issue #5).
create table recordings (
  id uuid primary key default gen_random_uuid(),
  show_id uuid not null unique references shows (id),
  backend text not null check (backend in ('builtin', 'egress')),
  -- recording → ready when the show has ended and the last segment is in; failed when a
  -- show ended with nothing recorded; deleted when the host deleted the replay.
  status text not null default 'recording' check (status in ('recording', 'ready', 'failed', 'deleted')),
  -- Server clock: when the first frame was recorded, and when the recording closed.
  started_at timestamptz not null,
  ended_at timestamptz,
  -- Egress: its id and where it writes its playlist.
  egress_id text unique,
  playlist_url text,
  listed boolean not null default true,
  created_at timestamptz not null default now(),
  check (status = 'recording' or ended_at is not null),
  check ((backend = 'egress') = (egress_id is not null))
);

-- The built-in recorder's HLS segments. A part is one run of the encoder: a recorder that
-- crashed and came back starts the next part, so a gap shows as a discontinuity.
create table recording_segments (
  recording_id uuid not null references recordings (id) on delete cascade,
  part integer not null check (part >= 0),
  seq integer not null check (seq >= 0),
  started_at timestamptz not null,
  duration_ms integer not null check (duration_ms > 0),
  bytes integer not null check (bytes > 0),
  path text not null,
  primary key (recording_id, part, seq)
);

-- Units held by replay purchases until they are paid for (or released): a replay sells
-- from the seller's closet, and never more than it has.
alter table listing_variants add column held integer not null default 0 check (held >= 0);
alter table listing_variants add constraint listing_variants_held_within check (held <= quantity);

-- Buyers waiting for a sold-out item seen in a replay, after the show's own waitlist.
create table replay_waitlist (
  entry_id uuid not null references show_entries (id),
  user_id uuid not null references users (id),
  joined_at timestamptz not null default now(),
  primary key (entry_id, user_id)
);
