-- Issue #16: discovery. Listings are found by their words, full-text and weighted (title,
-- then brand, then category names and description); a word the catalogue does not have is
-- taken for a typo and replaced by the catalogue's words nearest to it (trigrams, or the
-- same letters in another order). Shows are found by their title, sellers by handle and
-- name (trigrams). Pages are read in keyset order: every order a search uses has an index
-- that ends in the listing's id. The home page reads its category counts from one small
-- table that statements on listings keep.
-- pg_trgm ships with PostgreSQL (Debian's postgresql-<version> package) and is a trusted
-- extension: the database's owner creates it without being a superuser.
create extension if not exists pg_trgm;

-- A listing's words for full-text search. A trigger keeps them rather than a generated
-- column: the category's names ("Women", "Jackets & coats") are rows of categories, which
-- a generated column cannot read. English: "jackets" finds "jacket".
create function listing_search_document(title text, brand text, category text, description text) returns tsvector
  language sql stable as $$
  select setweight(to_tsvector('english', title), 'A')
      || setweight(to_tsvector('english', brand), 'B')
      || setweight(to_tsvector('english', coalesce(
           (select string_agg(c.name, ' ' order by c.slug) from categories c where c.slug in (category, split_part(category, '/', 1))), '')), 'C')
      || setweight(to_tsvector('english', description), 'C')
$$;

alter table listings add column search_document tsvector;
update listings set search_document = listing_search_document(title, brand, category, description);
alter table listings alter column search_document set not null;

create function listings_search_document() returns trigger language plpgsql as $$
begin
  new.search_document := listing_search_document(new.title, new.brand, new.category, new.description);
  return new;
end $$;
create trigger listings_search_document before insert or update of title, brand, category, description on listings
  for each row execute function listings_search_document();

-- Only listed listings are ever searched: every index below is partial on the same
-- predicate, which each search repeats word for word.
create index listings_search_idx on listings using gin (search_document) where deleted_at is null and unlisted_at is null;
-- Newest first (no words), alone or within a category or a condition.
create index listings_newest_idx on listings (created_at desc, id desc) where deleted_at is null and unlisted_at is null;
create index listings_category_newest_idx on listings (category, created_at desc, id desc) where deleted_at is null and unlisted_at is null;
-- Migration 010's (category) index is the start of the one above.
drop index listings_category_idx;
create index listings_condition_newest_idx on listings (condition, created_at desc, id desc) where deleted_at is null and unlisted_at is null;
create index listings_price_idx on listings (price_minor) where deleted_at is null and unlisted_at is null;
-- A size filter asks for variants with that label (whatever its case) and units free.
create index listing_variants_free_label_idx on listing_variants (lower(label), listing_id) where quantity > reserved;
-- How many variants of a size have units free, from their joint frequencies: estimated
-- from each alone the planner took a common size ("m") for a rare one, and read every
-- listing of that size (65 ms over 100,000 listings) instead of the newest until a page
-- was full (4 ms).
create statistics listing_variants_free_label_stats (mcv) on lower(label), (quantity > reserved) from listing_variants;

-- The catalogue's vocabulary: every word of a title or brand ever listed (lowercased as the
-- 'simple' parser splits them), and the category names, with the word's letters sorted.
-- A typo is corrected against it: the words sharing enough trigrams ("jaket" is 0.44 of
-- "jacket"), or with the same letters ("whtie" is "white" with two swapped, which leaves
-- too few trigrams in common). A few thousand rows where matching the typo against every
-- title would compare it with tens of thousands ("vinage" is like a fifth of all titles).
-- Words are never removed: one whose listings are gone only corrects to nothing found.
create function search_letters(word text) returns text language sql immutable parallel safe as $$
  select string_agg(c, '' order by c collate "C") from regexp_split_to_table(word, '') c
$$;
create table search_words (
  word text primary key check (word <> '' and length(word) <= 120),
  letters text not null generated always as (search_letters(word)) stored
);
create index search_words_trgm_idx on search_words using gin (word gin_trgm_ops);
create index search_words_letters_idx on search_words (letters);

create function search_words_of(text) returns setof text language sql immutable parallel safe as $$
  select lexeme from unnest(to_tsvector('simple', $1)) where length(lexeme) <= 120
$$;
insert into search_words (word)
  select search_words_of(title || ' ' || brand) from listings union select search_words_of(name) from categories
  on conflict do nothing;

-- Per statement, over its transition table: a bulk insert learns its words in one go.
create function search_words_learn() returns trigger language plpgsql as $$
begin
  insert into search_words (word) select distinct search_words_of(title || ' ' || brand) from learnt on conflict do nothing;
  return null;
end $$;
create trigger listings_search_words_insert after insert on listings
  referencing new table as learnt for each statement execute function search_words_learn();
create trigger listings_search_words_update after update on listings
  referencing new table as learnt for each statement execute function search_words_learn();

-- Listed listings per category, for the home page, kept per statement: counting 100,000
-- listings took 30-40 ms a page. A statement that lists, unlists, deletes or moves
-- listings changes the counts of their categories by the difference it made.
create table category_counts (
  category text primary key references categories (slug),
  listed integer not null check (listed >= 0)
);
insert into category_counts (category, listed)
  select c.slug, (select count(*) from listings l where l.category = c.slug and l.deleted_at is null and l.unlisted_at is null)
    from categories c;

-- One function for the three events: each branch reads the transition tables its event has.
create function category_counts_apply() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update category_counts c set listed = c.listed + d.n
      from (select category, count(*)::int as n from added where deleted_at is null and unlisted_at is null group by category) d
     where c.category = d.category;
  elsif tg_op = 'DELETE' then
    update category_counts c set listed = c.listed - d.n
      from (select category, count(*)::int as n from removed where deleted_at is null and unlisted_at is null group by category) d
     where c.category = d.category;
  else
    update category_counts c set listed = c.listed + d.n
      from (select category, sum(n)::int as n from (
              select category, 1 as n from added where deleted_at is null and unlisted_at is null
              union all
              select category, -1 from removed where deleted_at is null and unlisted_at is null) x
            group by category having sum(n) <> 0) d
     where c.category = d.category;
  end if;
  return null;
end $$;
create trigger listings_category_counts_insert after insert on listings
  referencing new table as added for each statement execute function category_counts_apply();
create trigger listings_category_counts_update after update on listings
  referencing old table as removed new table as added for each statement execute function category_counts_apply();
create trigger listings_category_counts_delete after delete on listings
  referencing old table as removed for each statement execute function category_counts_apply();

-- Names of shows and people, matched by trigrams (search's "Shows" and "Sellers" rows).
create index users_handle_trgm_idx on users using gin (handle gin_trgm_ops);
create index users_display_name_trgm_idx on users using gin (display_name gin_trgm_ops);
create index shows_title_trgm_idx on shows using gin (title gin_trgm_ops) where status <> 'cancelled';
-- The home page's replays: ready and listed, newest first.
create index recordings_listed_idx on recordings (started_at desc) where status = 'ready' and listed;
