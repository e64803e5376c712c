import { queryRows, withTransaction, type TDb, type TQueryable } from '@showcart/common';
import {
  AppError,
  CATEGORIES,
  SEARCH_PAGE_SIZE,
  ZListingCard,
  ZSellerCard,
  type TListingCard,
  type TSearchQuery,
  type TSearchResult,
  type TSellerCard,
  type TShowCard,
} from '@showcart/shared';
import { z } from 'zod';
import { LISTING_CARD_COLUMNS } from '../catalog/listings.ts';
import { markLikedByMe } from '../social/liked-by-me.ts';
import type { TDomainDeps } from '../deps.ts';
import { listShowCards } from './show-cards.ts';

/**
 * Search: listings by their words (full-text; a word the catalogue lacks is corrected to
 * its nearest words, by trigrams), and shows and sellers by their names (trigrams).
 * Indexes and the vocabulary: migration 011.
 */

/**
 * How close a show's title or a person's name must come to the words, at its nearest run
 * of letters, to be shown (pg_trgm's word_similarity, 0 to 1): "denm" is 0.6 of "denim",
 * "jaket" 0.44 of "jacket"; pg_trgm's default, 0.6, would miss the second.
 */
const NAME_SIMILARITY = 0.4;
/** Words of a query that count; a query has at most 200 characters, so this is rarely short. */
const MAX_WORDS = 8;
/** A typo stands for up to this many of the catalogue's words, the nearest first. */
const CORRECTIONS = 3;
/** Shows and sellers above the listings: a row of each. */
const NAMES_SHOWN = 6;

/** Every search reads listed listings only, with this predicate word for word: the partial indexes' own. */
const LISTED = 'l.deleted_at is null and l.unlisted_at is null';

/** A word of the catalogue's vocabulary as a cursor carries it back. */
const ZWord = z.string().min(1).max(120).regex(/^[^\p{Cc}]+$/u);
/**
 * How a search's words were matched: the known ones as they are (the typed one as a
 * prefix), each typo as any of its corrections.
 */
const ZWordMatch = z.object({ known: z.array(ZWord).max(MAX_WORDS), typed: ZWord.nullable(), fixes: z.array(z.array(ZWord).min(1).max(CORRECTIONS)).max(MAX_WORDS) });
type TWordMatch = z.infer<typeof ZWordMatch>;
/**
 * Where a page ended: its last row's sort key and id. `r`: ranked by words, with how they
 * were matched, so that every page of a search matches alike whatever the catalogue learnt
 * meanwhile; `n`: newest first.
 */
const ZCursor = z.union([
  z.tuple([z.literal('r'), z.number(), z.uuid(), ZWordMatch]),
  z.tuple([z.literal('n'), z.iso.datetime(), z.uuid()]),
]);
type TCursor = z.infer<typeof ZCursor>;

const encodeCursor = (cursor: TCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const decodeCursor = (text: string): TCursor => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString());
  } catch {
    parsed = undefined;
  }
  const cursor = ZCursor.safeParse(parsed);
  if (!cursor.success) throw new AppError('INVALID_INPUT', 'cursor: not a cursor of ours; start from the first page.');
  return cursor.data;
};

/** The last word, when the query ends on it: it may be half typed ("denim jack"), so it matches as a prefix. */
const typedWordOf = (q: string) => q.match(/(?:^|\s)([\p{L}\p{N}]+)$/u)?.[1];

/** Numbered parameters of a query built in parts. */
const parameters = () => {
  const values: unknown[] = [];
  return { values, add: (value: unknown) => `$${values.push(value)}` };
};

/** What a category filter takes in: the category, and a top one's children. */
const categoriesUnder = (slug: string) => CATEGORIES.filter((c) => c.slug === slug || c.parent === slug).map((c) => c.slug);

/** A word as a quoted term of to_tsquery's syntax. */
const term = (word: string, prefix = false) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${prefix ? ':*' : ''}`;

/**
 * How each of the query's words matches, in one round trip: known (a word of the
 * vocabulary, or else found full-text, the typed word as a prefix: a common word's
 * postings cost more to read than the vocabulary's one row), a stop word ("the":
 * neither), or a typo,
 * replaced by the vocabulary's nearest words (migration 011's search_words: trigram
 * similarity of at least pg_trgm's 0.3, or the same letters in another order with a
 * trigram in common). Known words never go through trigrams, and typos are compared with
 * the vocabulary, not with every title: a typo of a common word ("vinage") would be
 * like a fifth of all titles, each costing a comparison. Null when a typo has no
 * correction: nothing can match.
 */
const matchWords = async (db: TQueryable, q: string, typed: string | undefined): Promise<TWordMatch | null> => {
  const rows = await queryRows(db, z.object({ word: z.string(), kind: z.enum(['known', 'typo', 'stop']), corrections: z.array(z.string()) }),
    `select w.word, w.kind, case when w.kind = 'typo' then array(
              select s.word from search_words s
               where s.word % w.word or (s.letters = search_letters(w.word) and similarity(s.word, w.word) > 0)
               order by similarity(s.word, w.word) desc, s.word limit ${CORRECTIONS})
            else '{}' end as corrections
       from (select word, case
                when numnode(to_tsquery('english', lexeme)) = 0 then 'stop'
                when exists (select 1 from search_words s where s.word = words.word) then 'known'
                when exists (select 1 from listings l where ${LISTED} and l.search_document @@ to_tsquery('english', lexeme)) then 'known'
                else 'typo' end as kind
               from (select word, '''' || replace(replace(word, '\\', '\\\\'), '''', '''''') || '''' || case when word = $2 then ':*' else '' end as lexeme
                       from search_words_of($1) word limit ${MAX_WORDS}) words) w`,
    [q, typed ?? null],
  );
  const typos = rows.filter((r) => r.kind === 'typo');
  if (typos.some((r) => r.corrections.length === 0)) return null;
  const known = rows.filter((r) => r.kind === 'known').map((r) => r.word);
  return { known, typed: typed !== undefined && known.includes(typed) ? typed : null, fixes: typos.map((r) => r.corrections) };
};

const ZListingRow = ZListingCard.extend({ sortKey: z.union([z.number(), z.string()]) });

/**
 * Listed listings of every seller that match the words and filters, a page at a time.
 * With words: full-text over title (weight A), brand (B), category names and description
 * (C), the last word also as a prefix, a typo as the catalogue's words nearest to it;
 * ranked by ts_rank. Without words: newest first. Either way the order ends in the id, so
 * a page ends where the next begins even among equal keys.
 */
export const searchListings = async (db: TQueryable, p: TSearchQuery): Promise<{ listings: TListingCard[]; nextCursor: string | null }> => {
  const limit = p.limit ?? SEARCH_PAGE_SIZE;
  const cursor = p.cursor === undefined ? undefined : decodeCursor(p.cursor);
  if (cursor && (cursor[0] === 'r') !== (p.q !== undefined)) {
    throw new AppError('INVALID_INPUT', 'cursor: it belongs to another search; start from the first page.');
  }
  const { values, add } = parameters();
  const where = [LISTED];
  if (p.category) where.push(`l.category = any(${add(categoriesUnder(p.category))}::text[])`);
  if (p.condition) where.push(`l.condition = ${add(p.condition)}`);
  if (p.minPriceMinor !== undefined) where.push(`l.price_minor >= ${add(p.minPriceMinor)}`);
  if (p.maxPriceMinor !== undefined) where.push(`l.price_minor <= ${add(p.maxPriceMinor)}`);
  if (p.size) {
    where.push(`exists (select 1 from listing_variants v where v.listing_id = l.id and lower(v.label) = lower(${add(p.size)}) and v.quantity > v.reserved)`);
  }

  const page = async (key: { sql: string; out: string }, words?: TWordMatch) => {
    if (cursor) where.push(`(${key.sql}, l.id) < (${add(cursor[1])}, ${add(cursor[2])}::uuid)`);
    const rows = await queryRows(db, ZListingRow,
      `with live as materialized (
         select distinct on (v.listing_id) v.listing_id, s.id as show_id
           from shows s join show_entries e on e.show_id = s.id join listing_variants v on v.id = e.variant_id
          where s.status = 'live' order by v.listing_id, s.started_at
       ), found as (
         select l.id, ${key.sql} as key from listings l where ${where.join(' and ')} order by key desc, l.id desc limit ${add(limit + 1)}
       )
       select ${LISTING_CARD_COLUMNS},
              not exists (select 1 from listing_variants v where v.listing_id = l.id and v.quantity > v.reserved) as "soldOut",
              (select show_id from live where live.listing_id = l.id) as "liveShowId",
              ${key.out} as "sortKey"
         from found f join listings l on l.id = f.id join users u on u.id = l.seller_id
        order by f.key desc, f.id desc`,
      values,
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const next: TCursor | undefined = !last ? undefined
      : typeof last.sortKey === 'number' && words ? ['r', last.sortKey, last.id, words] : ['n', String(last.sortKey), last.id];
    return { listings: rows.slice(0, limit).map(({ sortKey: _key, ...card }) => card), nextCursor: next ? encodeCursor(next) : null };
  };

  if (p.q === undefined) return page({ sql: 'l.created_at', out: `to_char(f.key at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` });
  const q = p.q;
  const typedRaw = typedWordOf(q);
  const typed = typedRaw?.toLowerCase();
  const words = cursor?.[0] === 'r' ? cursor[3] : await matchWords(db, q, typed);
  if (!words || (words.known.length === 0 && words.fixes.length === 0)) return { listings: [], nextCursor: null };
  // Every word known: the web's syntax as typed ("quoted phrases", -not, or), the typed word
  // also as a prefix. Else the known words and, for each typo, any of its corrections.
  const tsquery = words.fixes.length === 0
    ? typedRaw === undefined ? `websearch_to_tsquery('english', ${add(q)})`
      : `(websearch_to_tsquery('english', ${add(q)}) || (websearch_to_tsquery('english', ${add(q.slice(0, q.length - typedRaw.length))})`
        + ` && to_tsquery('english', ${add(term(typed!, true))})))`
    : `to_tsquery('english', ${add([...words.known.map((w) => term(w, w === words.typed)), ...words.fixes.map((fix) => `(${fix.map((w) => term(w)).join(' | ')})`)].join(' & '))})`;
  where.push(`l.search_document @@ ${tsquery}`);
  return page({ sql: `ts_rank(l.search_document, ${tsquery})::float8`, out: 'f.key' }, words);
};

/** Reads in a transaction whose trigram operators (`%>`) take a name at NAME_SIMILARITY. */
const withNameThreshold = <T>(db: TDb, work: (tx: TQueryable) => Promise<T>) =>
  withTransaction(db, async (tx) => {
    await tx.query(`select set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(NAME_SIMILARITY)]);
    return work(tx);
  });

/** Shows worth opening whose title is like the words: live, to come, or with a listed replay; live ones first. */
const searchShows = (deps: { db: TQueryable } & Pick<TDomainDeps, 'redis'>, q: string): Promise<TShowCard[]> =>
  listShowCards(deps, {
    joins: `left join recordings r on r.show_id = s.id and r.status = 'ready' and r.listed`,
    where: `s.status <> 'cancelled' and s.title %> $1 and (s.status in ('live', 'scheduled') or r.id is not null)`,
    order: `s.status = 'live' desc, word_similarity($1, s.title) desc, s.id`,
    limit: NAMES_SHOWN,
  }, [q]);

/** People who sell (a listing listed, or a show not called off) whose handle or name is like the words. */
const searchSellers = (db: TQueryable, q: string): Promise<TSellerCard[]> => {
  const handle = q.toLowerCase().replace(/^@/, '');
  return queryRows(db, ZSellerCard,
    `select u.id, u.handle, u.display_name as "displayName",
            (select count(*)::int from listings l where l.seller_id = u.id and ${LISTED}) as "listingCount"
       from users u
      where (u.handle %> $1 or u.display_name %> $2) and u.deleted_at is null
        and (exists (select 1 from listings l where l.seller_id = u.id and ${LISTED})
             or exists (select 1 from shows s where s.host_id = u.id and s.status <> 'cancelled'))
      order by greatest(word_similarity($1, u.handle), word_similarity($2, u.display_name)) desc, u.id
      limit ${NAMES_SHOWN}`,
    [handle, q],
  );
};

/** The search page: a page of listings, and on the first page the shows and sellers named like the words. */
export const search = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, query: TSearchQuery, viewerId?: string): Promise<TSearchResult> => {
  const q = query.cursor === undefined ? query.q : undefined;
  // Side by side, on connections of their own: the page waits for the slower of the two.
  const [{ listings, nextCursor }, names] = await Promise.all([
    searchListings(deps.db, query),
    q === undefined ? { shows: [], sellers: [] }
      : withNameThreshold(deps.db, async (tx) => ({ shows: await searchShows({ db: tx, redis: deps.redis }, q), sellers: await searchSellers(tx, q) })),
  ]);
  return { listings: await markLikedByMe(deps.db, viewerId, listings), nextCursor, ...names };
};
