/**
 * Benchmark of discovery (issue #16, point 5): search over 100,000 generated listings, and
 * the home page, through the domain functions the api calls, on a throwaway database.
 *
 * The catalogue: 5,000 sellers and 100,000 listings written by one `insert … select
 * generate_series` each (listings, then their 1–3 sizes): every category of the tree, a
 * title of brand, style, colour, material (clothes) and a noun of the category's own,
 * a description, one of the five conditions, a price from $3 to $400 (some with an
 * original price), a creation time in the past year. Words are drawn with a skew (the
 * first of each list most often), as a real catalogue has a few common words and many rare
 * ones. Some shows: live, scheduled, and ended with a listed replay.
 *
 *   kinds          text            two words of a random listing's title ("levi's jeans")
 *                  typo: …         the same with a letter dropped, or two swapped, in its longest word
 *                  text + filters  two words with the listing's top category and a price ceiling
 *                  filters only    a category, a price range, and a size or a condition
 *                  no words        newest first, the first page
 *                  next page       the page after a text search's first (its cursor)
 *                  home            GET /api/home's work: live, soon, replays, category counts
 *   floor          a primary-key lookup of a listing through the same pool, taken in turn
 *                  with the searches: one round trip to Postgres and an index probe, what
 *                  any request costs at the least
 *   ×floor         the kind's p50 (p95) over the floor's p50 (p95)
 *
 * Rounds: each round runs the floor and then every kind once, in a shuffled order, so a
 * busy spell of the machine falls on all of them alike. Also printed: EXPLAIN (ANALYZE)'s
 * plan of one query of each kind, to see which indexes it used.
 *
 * Run: npm run bench:search   (BENCH_SEARCH_LISTINGS=100000, BENCH_SEARCH_SELLERS=5000,
 *                              BENCH_SEARCH_ROUNDS=300)
 */
import path from 'node:path';
import type { TQueryable } from '@showcart/common';
import { getHome, search, searchListings } from '@showcart/domain';
import { CATEGORIES, ZSearchQuery, type TSearchQueryInput } from '@showcart/shared';
import { REPO_ROOT } from '../infra/local/components.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { writeResults } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

const LISTINGS = Number(process.env.BENCH_SEARCH_LISTINGS ?? 100_000);
const SELLERS = Number(process.env.BENCH_SEARCH_SELLERS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 300);

/** Nouns of each category: what a title names. */
const NOUNS: Record<string, string[]> = {
  'women/tops': ['top', 'blouse', 'tank', 'camisole', 'tee', 'bodysuit', 'tunic'],
  'women/dresses': ['dress', 'maxi dress', 'midi dress', 'slip dress', 'sundress', 'wrap dress'],
  'women/jeans': ['jeans', 'mom jeans', 'flare jeans', 'skinny jeans', 'wide leg jeans'],
  'women/jackets': ['jacket', 'coat', 'trench coat', 'puffer', 'blazer', 'parka', 'denim jacket'],
  'women/shoes': ['boots', 'heels', 'sneakers', 'loafers', 'sandals', 'mules', 'ankle boots'],
  'women/bags': ['bag', 'tote', 'crossbody bag', 'clutch', 'backpack', 'shoulder bag'],
  'women/accessories': ['scarf', 'belt', 'hat', 'sunglasses', 'gloves', 'beanie'],
  'women/jewelry': ['necklace', 'earrings', 'ring', 'bracelet', 'pendant', 'anklet'],
  'men/shirts': ['shirt', 'oxford shirt', 'flannel', 'polo', 'tee', 'henley'],
  'men/pants': ['chinos', 'trousers', 'cargo pants', 'joggers', 'jeans'],
  'men/jackets': ['jacket', 'bomber jacket', 'parka', 'overcoat', 'denim jacket', 'windbreaker'],
  'men/shoes': ['sneakers', 'boots', 'loafers', 'derby shoes', 'chelsea boots'],
  'men/accessories': ['watch', 'wallet', 'tie', 'cap', 'belt'],
  'kids/girls': ['dress', 'leggings', 'tutu', 'cardigan'],
  'kids/boys': ['hoodie', 'shorts', 'tee', 'rain jacket'],
  'kids/baby': ['onesie', 'romper', 'sleepsuit', 'bib set'],
  'kids/toys': ['lego set', 'puzzle', 'doll', 'plush', 'train set'],
  'home/decor': ['vase', 'lamp', 'mirror', 'candle holder', 'rug', 'planter'],
  'home/kitchen': ['dutch oven', 'teapot', 'mug set', 'skillet', 'knife set'],
  'home/bedding': ['duvet cover', 'quilt', 'pillowcase', 'throw blanket'],
  'beauty/makeup': ['eyeshadow palette', 'lipstick', 'mascara', 'foundation', 'blush'],
  'beauty/skincare': ['serum', 'moisturizer', 'cleanser', 'sunscreen'],
  'beauty/fragrance': ['perfume', 'eau de parfum', 'cologne', 'body mist'],
  'collectibles/cards': ['pokemon card', 'baseball card', 'booster box', 'holo card'],
  'collectibles/vintage': ['vinyl record', 'cassette', 'postcard', 'camera'],
  'collectibles/art': ['print', 'poster', 'painting', 'sketch'],
  'electronics/phones': ['iphone', 'pixel phone', 'galaxy phone', 'phone case'],
  'electronics/audio': ['headphones', 'earbuds', 'speaker', 'turntable'],
  'electronics/games': ['console', 'controller', 'game cartridge', 'handheld'],
};
const BRANDS = ["Levi's", 'Zara', 'Nike', 'Patagonia', 'Adidas', 'Madewell', 'Uniqlo', 'Carhartt', 'Mango', 'Arket', 'COS', 'Sézane',
  'Everlane', 'Reformation', 'Ganni', 'Acne Studios', 'Dr. Martens', 'Birkenstock', 'New Balance', 'Vans', 'Converse', 'Ralph Lauren',
  'Tommy Hilfiger', 'Barbour', 'Fjällräven', 'Arc\'teryx', 'The North Face', 'Columbia', 'Free People', 'Anthropologie', 'Aritzia',
  'Lululemon', 'Gap', 'J.Crew', 'Banana Republic', 'Coach', 'Kate Spade', 'Longchamp', 'Le Creuset', 'Lego', 'Sony', 'Apple',
  'Samsung', 'Nintendo', 'Bose', 'Glossier', 'Fenty', 'Chanel', 'Dior', 'Pokémon'];
const STYLES = ['vintage', 'classic', 'oversized', 'cropped', 'slim', 'relaxed', 'retro', 'minimal', 'cozy', 'striped', 'floral',
  'quilted', 'handmade', 'boho', 'preppy', 'chunky', 'high rise', 'distressed', 'embroidered', 'pleated', 'ribbed', 'tailored',
  'rare', 'limited edition', 'y2k', 'western', 'utility', 'sleek', 'sculpted', 'faded'];
const COLOURS = ['black', 'white', 'blue', 'navy', 'grey', 'beige', 'brown', 'red', 'green', 'pink', 'cream', 'olive', 'burgundy',
  'camel', 'lavender', 'mustard', 'teal', 'rust', 'ivory', 'charcoal'];
const MATERIALS = ['denim', 'cotton', 'wool', 'leather', 'linen', 'silk', 'suede', 'cashmere', 'corduroy', 'fleece', 'velvet',
  'satin', 'knit', 'tweed', 'nylon', 'canvas', 'mohair', 'merino', 'chiffon', 'jersey'];
const PHRASES = ['Barely worn', 'From a smoke-free home', 'With its original box', 'A little faded, priced for it', 'Kept with care',
  'Perfect for autumn', 'Runs a size small', 'Bought last season, never fit', 'Tags still on', 'Ships in two days'];
const FIRST = ['Maya', 'Sam', 'Priya', 'Lee', 'Noor', 'Jonas', 'Ana', 'Kofi', 'Mei', 'Luca', 'Ines', 'Omar', 'Zoe', 'Ravi', 'Elena',
  'Tom', 'Aiko', 'Sofia', 'Mateo', 'Hana', 'Yusuf', 'Clara', 'Dev', 'Lina', 'Oscar', 'Freya', 'Kai', 'Amara', 'Theo', 'Nadia'];
const LAST = ['Lee', 'Garcia', 'Okafor', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Berg', 'Rossi', 'Kim', 'Dubois', 'Nguyen', 'Patel',
  'Müller', 'Costa', 'Ivanova', 'Mensah', 'Larsen', 'Moreau', 'Ali'];
const CLOTHES = ['women/tops', 'women/dresses', 'women/jeans', 'women/jackets', 'men/shirts', 'men/pants', 'men/jackets', 'kids/girls', 'kids/boys', 'kids/baby'];
const SHOES = ['women/shoes', 'men/shoes'];

const platform = await startBenchPlatform({ realtimeNodes: 0, dataDir: 'bench-search' });
const { db, redis } = platform;
const deps = { db, redis };

/** SQL text of an array of strings. */
const textArray = (values: string[]) => `array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]::text[]`;
/** One of the array, the first ones most often (the square of a uniform draw). */
const skewed = (array: string) => `(${array})[1 + floor(power(random(), 2) * cardinality(${array}))::int]`;

const generate = async () => {
  const started = performance.now();
  await db.query(`select setseed(0.16)`);
  await db.query(
    `insert into users (email, password_hash, display_name)
     select 'bench-seller-' || i || '@showcart.test', $1,
            ${skewed(textArray(FIRST))} || ' ' || ${skewed(textArray(LAST))}
       from generate_series(1, $2::int) i`,
    [platform.passwordHash, SELLERS],
  );
  await db.query(`create table bench_sellers as select id, row_number() over (order by id) as n from users where email like 'bench-seller-%'`);
  await db.query(
    `create table bench_categories as
     select row_number() over (order by slug) as n, slug, nouns from (values ${Object.entries(NOUNS).map(([slug, nouns]) => `('${slug}', ${textArray(nouns)})`).join(', ')}) c(slug, nouns)`,
  );
  // Each row draws its own words; the joins pick its seller and category by number.
  await db.query(
    `insert into listings (seller_id, title, description, brand, category, condition, photo_url, price_minor, original_price_minor, created_at)
     select s.id,
            left(initcap(t.style || ' ' || t.colour || ' ' || case when c.slug = any(${textArray([...CLOTHES, ...SHOES])}) then t.material || ' ' else '' end
              || c.nouns[1 + floor(power(t.r, 2) * cardinality(c.nouns))::int]) || case when t.brand = '' then '' else ' by ' || t.brand end, 120),
            t.phrase || '. ' || initcap(t.style) || ', in ' || t.colour || '; measurements on request.',
            t.brand, c.slug,
            (array['new_with_tags', 'new', 'like_new', 'good', 'fair'])[1 + floor(random() * 5)::int],
            '/demo/sneakers.svg', t.price, case when random() < 0.3 then t.price * 2 end, t.created_at
       from (select 1 + floor(random() * $1::int)::int as seller_n, 1 + floor(random() * ${Object.keys(NOUNS).length})::int as category_n,
                    ${skewed(textArray(STYLES))} as style, ${skewed(textArray(COLOURS))} as colour, ${skewed(textArray(MATERIALS))} as material,
                    case when random() < 0.8 then ${skewed(textArray(BRANDS))} else '' end as brand,
                    ${skewed(textArray(PHRASES))} as phrase, random() as r,
                    (300 + floor(power(random(), 3) * 40000))::int as price, now() - random() * interval '365 days' as created_at
               from generate_series(1, $2::int)) t
       join bench_sellers s on s.n = t.seller_n
       join bench_categories c on c.n = t.category_n`,
    [SELLERS, LISTINGS],
  );
  // 1 to 3 sizes of the category's kind, consecutive from a random one so that they differ.
  await db.query(
    `insert into listing_variants (listing_id, label, quantity)
     select l.id, z.sizes[1 + (z.first + g) % cardinality(z.sizes)], floor(random() * 4)::int
       from listings l
       cross join lateral (select case when l.category = any(${textArray(CLOTHES)}) then array['XS', 'S', 'M', 'L', 'XL']
                                       when l.category = any(${textArray(SHOES)}) then array['6', '7', '8', '9', '10', '11']
                                       else array['One size'] end as sizes,
                                  floor(random() * 6 + 0 * l.price_minor)::int as first,
                                  1 + floor(random() * 3 + 0 * l.price_minor)::int as count) z
       cross join lateral generate_series(0, least(z.count, cardinality(z.sizes)) - 1) g
      where l.seller_id in (select id from bench_sellers)`,
  );
  // Shows for the home page and search's "Shows": live, to come, ended with a listed replay.
  await db.query(
    `insert into shows (host_id, title, status, scheduled_at, started_at, ended_at, category)
     select s.id, initcap(${skewed(textArray(STYLES))} || ' ' || ${skewed(textArray(MATERIALS))} || ' night #' || i),
            case when i <= 20 then 'live' when i <= 120 then 'scheduled' else 'ended' end,
            now() + (i - 60) * interval '1 hour',
            case when i <= 20 then now() - interval '10 minutes' when i > 120 then now() - (i - 100) * interval '1 day' end,
            case when i > 120 then now() - (i - 100) * interval '1 day' + interval '1 hour' end,
            (select slug from bench_categories where n = 1 + i % ${Object.keys(NOUNS).length})
       from generate_series(1, 200) i join bench_sellers s on s.n = i`,
  );
  await db.query(
    `insert into recordings (show_id, backend, status, started_at, ended_at)
     select id, 'builtin', 'ready', started_at, ended_at from shows where status = 'ended'`,
  );
  await db.query('drop table bench_sellers');
  await db.query('drop table bench_categories');
  await db.query('vacuum analyze');
  return (performance.now() - started) / 1_000;
};

/** A few thousand titles to make queries of, and the ids the floor looks up. */
const sample = async () => {
  const { rows } = await db.query<{ id: string; title: string; category: string; price_minor: number }>(
    `select id, title, category, price_minor from listings tablesample bernoulli (3) repeatable (7) limit 3000`,
  );
  return rows;
};

const random = <T>(array: readonly T[]): T => array[Math.floor(Math.random() * array.length)]!;
const wordsOf = (title: string) => title.toLowerCase().replace(/ by /, ' ').split(/\s+/).filter((w) => w.length > 2);
const twoWords = (title: string) => {
  const words = wordsOf(title);
  const i = Math.floor(Math.random() * Math.max(1, words.length - 1));
  return words.slice(i, i + 2).join(' ');
};
/** A typo in the longest word, after its first letter: a letter dropped, or two next to each other swapped. */
const withTypo = (text: string, kind: 'dropped' | 'swapped') => {
  const words = text.split(' ');
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const at = 1 + Math.floor(Math.random() * (longest.length - 2));
  const typo = kind === 'dropped' ? longest.slice(0, at) + longest.slice(at + 1)
    : longest.slice(0, at) + longest[at + 1] + longest[at] + longest.slice(at + 2);
  return words.map((w) => (w === longest ? typo : w)).join(' ');
};

type TKind = { name: string; query: () => TSearchQueryInput | 'home' };

try {
  const generatedIn = await generate();
  const counts = (await db.query<{ listings: number; variants: number; sellers: number }>(
    `select (select count(*)::int from listings) as listings, (select count(*)::int from listing_variants) as variants,
            (select count(*)::int from users where email like 'bench-seller-%') as sellers`,
  )).rows[0]!;
  console.log(`catalogue: ${counts.listings} listings, ${counts.variants} sizes, ${counts.sellers} sellers, generated in ${round(generatedIn, 1)} s`);
  const titles = await sample();
  const allSlugs = CATEGORIES.map((c) => c.slug);
  const textQuery = () => ({ q: twoWords(random(titles).title) });
  let lastCursor: { q: string; cursor: string } | undefined;
  const kinds: TKind[] = [
    { name: 'text', query: textQuery },
    { name: 'typo: a letter dropped', query: () => ({ q: withTypo(twoWords(random(titles).title), 'dropped') }) },
    { name: 'typo: two swapped', query: () => ({ q: withTypo(twoWords(random(titles).title), 'swapped') }) },
    {
      name: 'text + filters', query: () => {
        const t = random(titles);
        return { q: twoWords(t.title), category: t.category.split('/')[0], maxPriceMinor: String(t.price_minor + 5_000) };
      },
    },
    {
      name: 'filters only', query: () => {
        const low = Math.floor(Math.random() * 10_000);
        const category = random(allSlugs);
        const sized = /^(women|men)\/(shoes)$/.test(category) ? { size: random(['7', '8', '9']) } : category.startsWith('kids') || category === 'women' || category === 'men'
          ? { size: random(['s', 'M', 'l']) } : { condition: random(['new', 'like_new', 'good']) };
        return { category, minPriceMinor: String(low), maxPriceMinor: String(low + 5_000), ...sized };
      },
    },
    { name: 'no words', query: () => ({}) },
    { name: 'next page', query: () => lastCursor ?? textQuery() },
    { name: 'home', query: () => 'home' },
  ];

  const floorIds = titles.map((t) => t.id);
  const floor = async () => {
    const started = performance.now();
    await db.query('select id, title, price_minor from listings where id = $1', [random(floorIds)]);
    return performance.now() - started;
  };
  const runKind = async (kind: TKind) => {
    const query = kind.query();
    const started = performance.now();
    if (query === 'home') {
      await getHome(deps);
      return { ms: performance.now() - started, results: 0 };
    }
    const result = await search(deps, ZSearchQuery.parse(query));
    const ms = performance.now() - started;
    if (kind.name === 'text' && result.nextCursor && 'q' in query && query.q) lastCursor = { q: query.q, cursor: result.nextCursor };
    return { ms, results: result.listings.length };
  };

  // Warm up: every kind a few times, so that the first plans and cold pages are not measured.
  for (let i = 0; i < 10; i++) for (const kind of kinds) await runKind(kind);
  const samples = new Map<string, { ms: number[]; results: number[] }>();
  for (const name of ['floor', ...kinds.map((k) => k.name)]) samples.set(name, { ms: [], results: [] });
  for (let r = 0; r < ROUNDS; r++) {
    samples.get('floor')!.ms.push(await floor());
    for (const kind of [...kinds].sort(() => Math.random() - 0.5)) {
      const { ms, results } = await runKind(kind);
      samples.get(kind.name)!.ms.push(ms);
      samples.get(kind.name)!.results.push(results);
    }
  }
  const floorStats = summarize(samples.get('floor')!.ms);
  const rows = [...samples.entries()].map(([name, s]) => {
    const stats = summarize(s.ms);
    const empty = s.results.filter((n) => n === 0).length;
    return {
      kind: name,
      'p50 ms': stats.p50,
      'p95 ms': stats.p95,
      'p50 ×floor': round(stats.p50 / floorStats.p50, 1),
      'p95 ×floor': round(stats.p95 / floorStats.p95, 1),
      'max ms': stats.max,
      ...(name === 'floor' || name === 'home' ? {} : { 'empty pages': empty }),
      count: stats.count,
    };
  });
  console.log(`\nSearch over ${counts.listings} listings, ${ROUNDS} rounds (each kind once per round, with the floor)`);
  console.table(rows);

  // What each kind's plan uses, from one query of each.
  const plans: Record<string, string[]> = {};
  for (const kind of kinds) {
    const query = kind.query();
    if (query === 'home') continue;
    const client = await db.connect();
    const used = new Set<string>();
    try {
      // The domain's own statements, as it sends them: each explained on its way.
      const explaining = {
        query: async (text: string, values?: unknown[]) => {
          if (/^\s*(select|with)\b/i.test(text)) {
            const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, format text) ${text}`, values);
            for (const line of plan) for (const m of line['QUERY PLAN'].matchAll(/Index (?:Only )?Scan(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)|Seq Scan on (\w+)/g)) used.add(m[1] ?? m[2] ?? `seq scan of ${m[3]}`);
          }
          return client.query(text, values);
        },
      };
      await searchListings(explaining as TQueryable, ZSearchQuery.parse(query));
    } finally {
      client.release();
    }
    plans[kind.name] = [...used].sort();
  }
  console.log('\nWhat the plans read (one query of each kind, EXPLAIN ANALYZE)');
  console.table(Object.entries(plans).map(([kind, used]) => ({ kind, reads: used.join(', ') })));

  const file = await writeResults('search', {
    listings: counts.listings, variants: counts.variants, sellers: counts.sellers, rounds: ROUNDS, generatedSeconds: round(generatedIn, 1),
    floor: floorStats, kinds: rows, plans,
  });
  console.log(`\nWritten to ${path.relative(REPO_ROOT, file)}`);
} finally {
  await platform.stop();
}
