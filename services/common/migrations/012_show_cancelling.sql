-- Issue #16: a scheduled show its host calls off is cancelled, never having started. The
-- check of migration 001 that only a scheduled show may lack a start time would refuse it
-- (migration 010 says a cancelled show has none), so a cancelled one may lack it too.
do $$
declare
  c record;
begin
  for c in
    select conname from pg_constraint
     where conrelid = 'shows'::regclass and contype = 'c'
       and pg_get_constraintdef(oid) like '%started_at IS NOT NULL%'
       and pg_get_constraintdef(oid) not like '%cancelled%'
  loop
    execute format('alter table shows drop constraint %I', c.conname);
  end loop;
end $$;

alter table shows add constraint shows_started_at_check check (status in ('scheduled', 'cancelled') or started_at is not null);
