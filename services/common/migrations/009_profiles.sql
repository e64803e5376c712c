-- Issue #16: a public profile per account, at /@handle. A handle is unique whatever its
-- case (it is stored lowercased), letters, digits and _ only. An account made without one
-- (every account before this, and those made by code that does not name one) gets one
-- from its name and the start of its id, which the person may change.
alter table users add column handle text, add column bio text not null default '' check (length(bio) <= 300);

create function users_default_handle() returns trigger language plpgsql as $$
begin
  if new.handle is null then
    new.handle := left(coalesce(nullif(regexp_replace(lower(new.display_name), '[^a-z0-9]+', '', 'g'), ''), 'seller'), 20)
      || '_' || substr(replace(new.id::text, '-', ''), 1, 6);
  end if;
  return new;
end $$;
create trigger users_default_handle before insert on users for each row execute function users_default_handle();

update users set handle = left(coalesce(nullif(regexp_replace(lower(display_name), '[^a-z0-9]+', '', 'g'), ''), 'seller'), 20)
  || '_' || substr(replace(id::text, '-', ''), 1, 6);

alter table users alter column handle set not null,
  add constraint users_handle_format check (handle ~ '^[a-z0-9_]{3,30}$');
create unique index users_handle_key on users (handle);
