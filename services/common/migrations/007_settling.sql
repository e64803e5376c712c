-- Issue #18: "settled" said so right after a show's orders were made, before any charge.
-- A show now reads settling while its orders are charged, and settled once every order
-- is final (paid, or failed with its deadline set). Shows marked settled before this
-- migration keep the word: their charges ran long ago.
do $$
declare
  c record;
begin
  for c in
    select conname from pg_constraint
     where conrelid = 'shows'::regclass and contype = 'c'
       and (pg_get_constraintdef(oid) like '%''settled''%')
  loop
    execute format('alter table shows drop constraint %I', c.conname);
  end loop;
end $$;

alter table shows
  add constraint shows_status_check check (status in ('scheduled', 'live', 'ended', 'settling', 'settled')),
  add constraint shows_ended_at_check check (status not in ('ended', 'settling', 'settled') or ended_at is not null);
