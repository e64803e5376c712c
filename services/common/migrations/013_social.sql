-- Issue #17 point 1: people follow sellers and hosts and like listings. The notification
-- fan-out reads "followers of X" and "likers of L" in batches of thousands, keyset by id;
-- cards and profiles show the counts, so each count is a column the triggers below keep,
-- read with the row the page reads anyway, never counted per card.

create table follows (
  follower_id uuid not null references users (id) on delete cascade,
  followee_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (follower_id, followee_id),
  check (follower_id <> followee_id)
);
-- The fan-out's batches (keyset on follower_id), and a profile's followers newest first.
create index follows_followee_idx on follows (followee_id, follower_id);
create index follows_followee_recent_idx on follows (followee_id, created_at desc, follower_id desc);
-- Whom a person follows, newest first (the primary key leads with follower_id but orders by followee).
create index follows_follower_recent_idx on follows (follower_id, created_at desc, followee_id desc);

create table likes (
  user_id uuid not null references users (id) on delete cascade,
  listing_id uuid not null references listings (id),
  created_at timestamptz not null default now(),
  primary key (user_id, listing_id)
);
create index likes_listing_idx on likes (listing_id, user_id);
-- A person's Likes page, newest like first.
create index likes_user_recent_idx on likes (user_id, created_at desc, listing_id desc);

alter table users
  add column follower_count integer not null default 0 check (follower_count >= 0),
  add column following_count integer not null default 0 check (following_count >= 0);
alter table listings add column like_count integer not null default 0 check (like_count >= 0);

create function follows_count() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update users set follower_count = follower_count + 1 where id = new.followee_id;
    update users set following_count = following_count + 1 where id = new.follower_id;
    return new;
  end if;
  update users set follower_count = follower_count - 1 where id = old.followee_id;
  update users set following_count = following_count - 1 where id = old.follower_id;
  return old;
end $$;
create trigger follows_count after insert or delete on follows for each row execute function follows_count();

-- A like is of a listing someone can find: not deleted, not unlisted. The domain answers
-- LISTING_UNAVAILABLE first; this holds it against a race with unlisting. Taking the
-- listing's row lock here (the counter's update) orders the two.
create function likes_count() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update listings set like_count = like_count + 1 where id = new.listing_id and deleted_at is null and unlisted_at is null;
    if not found then
      raise exception 'listing % cannot be liked: deleted or unlisted', new.listing_id using errcode = 'check_violation', constraint = 'likes_listing_listed';
    end if;
    return new;
  end if;
  update listings set like_count = like_count - 1 where id = old.listing_id;
  return old;
end $$;
create trigger likes_count after insert or delete on likes for each row execute function likes_count();

-- The feed: what followed sellers listed, scheduled or went live with, newest first.
create index listings_seller_recent_idx on listings (seller_id, created_at desc) where deleted_at is null and unlisted_at is null;
create index shows_host_created_idx on shows (host_id, created_at desc) where status <> 'cancelled';
create index shows_host_started_idx on shows (host_id, started_at desc) where started_at is not null;
