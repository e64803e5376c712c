-- Issue #17 point 8: a person deletes its account. The row stays as a tombstone, because
-- orders, claims, payouts, refunds and the ledger name it and are kept for the other party's
-- and the law's records; everything that says who the person was is erased from it. The
-- email and the handle are free again: the same email can sign up as a new person.
alter table users add column deleted_at timestamptz;
alter table users alter column email drop not null, alter column password_hash drop not null;

-- A live account has an email and a password and a handle of its own; a deleted one has
-- none of what it was, and a handle `deleted__<its id>` that no live account can take (a
-- default handle has one underscore, so no name makes one of these).
alter table users add constraint users_deleted_erased check (
  (deleted_at is null and email is not null and password_hash is not null and handle not like 'deleted\_\_%')
  or (deleted_at is not null and email is null and password_hash is null and email_verified_at is null
      and display_name = 'Deleted user' and bio = '' and avatar_photo_id is null and greeting is null
      and not is_admin and handle like 'deleted\_\_%'));
