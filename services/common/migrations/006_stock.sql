-- One stock across channels (issue #13). A variant's closet quantity is the single truth;
-- whatever sells it first holds units of it, one row per holder:
--   an entry of a show that has not settled: the units put in the show (at creation, by a
--     live raise, by an approved co-hosted item), sold or not, until the show settles;
--   a claim in an order not yet paid (after a show, from a replay, from a waitlist offer);
--   an open waitlist offer after a show.
-- `listing_variants.reserved` is the sum of a variant's holds, kept by the trigger below,
-- and never above its quantity (listing_variants_reserved_within): every hold takes the
-- variant's row lock, so channels selling at once are serialised there. A paid order's
-- units leave the closet (quantity) with their holds, so no unit is sold that the closet
-- did not hold, and nothing is ever clamped.
alter table listing_variants rename column held to reserved;
alter table listing_variants rename constraint listing_variants_held_within to listing_variants_reserved_within;
alter table listing_variants rename constraint listing_variants_held_check to listing_variants_reserved_check;

create table stock_holds (
  id bigint generated always as identity primary key,
  variant_id uuid not null references listing_variants (id),
  entry_id uuid unique references show_entries (id) on delete cascade,
  claim_id uuid unique references claims (id),
  offer_id uuid unique references waitlist_offers (id),
  units integer not null check (units > 0),
  created_at timestamptz not null default now(),
  check (num_nonnulls(entry_id, claim_id, offer_id) = 1)
);
create index stock_holds_variant_idx on stock_holds (variant_id);

create function stock_holds_count() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update listing_variants set reserved = reserved - old.units where id = old.variant_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update listing_variants set reserved = reserved + new.units where id = new.variant_id;
  end if;
  return null;
end $$;
create trigger stock_holds_count after insert or update or delete on stock_holds
  for each row execute function stock_holds_count();

-- Putting units in a show holds them, whatever path inserts the entry; a changed quantity
-- changes the hold while the show holds stock (until it settles).
create function show_entries_hold() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into stock_holds (variant_id, entry_id, units) values (new.variant_id, new.id, new.quantity);
  elsif new.variant_id <> old.variant_id then
    raise exception 'a show entry keeps its variant' using errcode = 'check_violation';
  elsif new.quantity <> old.quantity then
    update stock_holds set units = new.quantity where entry_id = new.id;
  end if;
  return null;
end $$;
create trigger show_entries_hold after insert or update on show_entries
  for each row execute function show_entries_hold();

-- What is held today, computed once from the rows: the old `held` counted replay orders
-- only. Orders and offers first (buyers are owed them), then entries of unsettled shows,
-- each cut to what is still free: earlier code let shows promise more than the closet had.
update listing_variants set reserved = 0;
do $$
declare
  r record;
  free integer;
begin
  for r in
    select 1 as rank, e.variant_id, c.id as claim_id, null::uuid as offer_id, null::uuid as entry_id, 1 as units, o.created_at as at
      from orders o join order_items oi on oi.order_id = o.id join claims c on c.id = oi.claim_id
      join show_entries e on e.id = c.entry_id
     where o.status in ('pending', 'payment_failed', 'action_required') and o.released_at is null and c.status = 'won'
    union all
    select 2, e.variant_id, null, w.id, null, 1, w.created_at
      from waitlist_offers w join show_entries e on e.id = w.entry_id where w.status = 'open'
    union all
    select 3, e.variant_id, null, null, e.id, e.quantity, s.created_at
      from show_entries e join shows s on s.id = e.show_id where s.status <> 'settled'
    order by rank, at
  loop
    select quantity - reserved into free from listing_variants where id = r.variant_id for update;
    if least(r.units, free) > 0 then
      insert into stock_holds (variant_id, claim_id, offer_id, entry_id, units)
      values (r.variant_id, r.claim_id, r.offer_id, r.entry_id, least(r.units, free));
    end if;
  end loop;
end $$;
