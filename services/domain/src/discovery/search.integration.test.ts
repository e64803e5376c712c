import { randomInt } from 'node:crypto';
import { showKeys } from '@showcart/common';
import { CATEGORIES, type THome, type TSearchResult } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../../infra/test/harness.ts';

/**
 * Discovery over HTTP, signed out as a visitor from a link: search's ranking, typos,
 * filters and cursor on a catalogue of this file's own (every title starts with a word
 * made up for this run, which no other test's rows have), the home page's rows, and the
 * query values the api refuses.
 */
let stack: TStack;
let sellerId: string;
/** A word of this run alone: letters only, so that it is one word to Postgres' parser. */
const TOKEN = `zq${Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;

beforeAll(async () => {
  stack = await startStack();
  sellerId = (await stack.createUser({ name: `${TOKEN} Closet` })).id;
}, 120_000);
afterAll(async () => stack?.close());

type TListingSpec = {
  title: string; description?: string; brand?: string; category?: string; condition?: string; priceMinor?: number;
  sizes?: [string, number][]; createdAt?: Date; unlisted?: boolean; deleted?: boolean;
};
/** A listing written as the closet's code would leave it: its title starts with TOKEN. */
const listing = async (p: TListingSpec) => {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into listings (seller_id, title, description, brand, category, condition, photo_url, price_minor, created_at, unlisted_at, deleted_at)
     values ($1, $2, $3, $4, $5, $6, '/demo/sneakers.svg', $7, coalesce($8, now()), case when $9 then now() end, case when $10 then now() end)
     returning id`,
    [sellerId, `${TOKEN} ${p.title}`, p.description ?? '', p.brand ?? '', p.category ?? 'women/tops', p.condition ?? 'good', p.priceMinor ?? 2_500,
      p.createdAt ?? null, p.unlisted ?? false, p.deleted ?? false],
  );
  for (const [label, quantity] of p.sizes ?? [['M', 1]]) {
    await stack.db.query('insert into listing_variants (listing_id, label, quantity) values ($1, $2, $3)', [rows[0]!.id, label, quantity]);
  }
  return rows[0]!.id;
};

const get = async <T>(path: string, query: Record<string, string> = {}) => {
  const res = await stack.http('GET', `${path}?${new URLSearchParams(query)}`);
  return res as { status: number; body: T & { error?: { code: string; message: string } } };
};
const search = async (query: Record<string, string>) => {
  const res = await get<TSearchResult>('/api/search', query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const titlesOf = (result: TSearchResult) => result.listings.map((l) => l.title.slice(TOKEN.length + 1));

describe('search', () => {
  it('ranks a word of the title above the same word in a description only, and finds typos in long titles', async () => {
    await listing({ title: 'Blue scarf', description: 'Soft wool blend, barely worn.' });
    await listing({ title: 'Wool coat' });
    await listing({ title: 'Vintage denim jacket', category: 'women/jackets' });
    await listing({ title: 'Oversized faded blue trucker jacket with four pockets and a corduroy collar', category: 'men/jackets' });
    await listing({ title: 'White tee' });

    expect(titlesOf(await search({ q: `${TOKEN} wool` }))).toEqual(['Wool coat', 'Blue scarf']);
    // Two typos, a letter dropped from each word.
    expect(titlesOf(await search({ q: `${TOKEN} denm jaket` }))).toEqual(['Vintage denim jacket']);
    // One misspelt word among fourteen.
    expect(titlesOf(await search({ q: `${TOKEN} truckr` }))).toEqual(['Oversized faded blue trucker jacket with four pockets and a corduroy collar']);
    // Two letters swapped: few trigrams in common, the same letters.
    expect(titlesOf(await search({ q: `${TOKEN} whtie` }))).toEqual(['White tee']);
    // The last word as typed so far, and the web's syntax.
    expect(titlesOf(await search({ q: `${TOKEN} corduro` }))).toEqual(['Oversized faded blue trucker jacket with four pockets and a corduroy collar']);
    expect(titlesOf(await search({ q: `${TOKEN} jacket -denim` }))).toEqual(['Oversized faded blue trucker jacket with four pockets and a corduroy collar']);
    // The brand and the category's names count too.
    await listing({ title: 'Straight leg', brand: "Levi's", category: 'women/jeans' });
    expect(titlesOf(await search({ q: `${TOKEN} levis` }))).toEqual(['Straight leg']);
    // "Jackets & coats" is the name of both jackets' category; "coats" is "coat" of the title too.
    expect(titlesOf(await search({ q: `${TOKEN} coats` })).sort())
      .toEqual(['Oversized faded blue trucker jacket with four pockets and a corduroy collar', 'Vintage denim jacket', 'Wool coat']);
    // A word that is nothing like anything: nothing, rather than whatever is near.
    expect((await search({ q: `${TOKEN} qxjvkw` })).listings).toEqual([]);
  });

  it('filters by category (a top one takes in its children), size with units free, price range and condition', async () => {
    const tag = `${TOKEN}f`;
    const made = {
      dress: await listing({ title: `${tag} dress`, category: 'women/dresses', condition: 'like_new', priceMinor: 4_000, sizes: [['S', 0], ['m', 2]] }),
      boots: await listing({ title: `${tag} boots`, category: 'women/shoes', condition: 'new_with_tags', priceMinor: 12_000, sizes: [['38', 1]] }),
      shirt: await listing({ title: `${tag} shirt`, category: 'men/shirts', condition: 'good', priceMinor: 1_500, sizes: [['M', 1], ['L', 1]] }),
      women: await listing({ title: `${tag} top`, category: 'women', condition: 'fair', priceMinor: 900, sizes: [['S', 3]] }),
    };
    const ids = async (filters: Record<string, string>) => (await search({ q: tag, ...filters })).listings.map((l) => l.id).sort();
    const of = (...names: (keyof typeof made)[]) => names.map((n) => made[n]).sort();

    expect(await ids({})).toEqual(of('dress', 'boots', 'shirt', 'women'));
    expect(await ids({ category: 'women' })).toEqual(of('dress', 'boots', 'women'));
    expect(await ids({ category: 'women/dresses' })).toEqual(of('dress'));
    expect(await ids({ category: 'men' })).toEqual(of('shirt'));
    // "m" whatever its case; S of the dress has no unit free.
    expect(await ids({ size: 'M' })).toEqual(of('dress', 'shirt'));
    expect(await ids({ size: 's' })).toEqual(of('women'));
    expect(await ids({ minPriceMinor: '1500', maxPriceMinor: '4000' })).toEqual(of('dress', 'shirt'));
    expect(await ids({ minPriceMinor: '4001' })).toEqual(of('boots'));
    expect(await ids({ maxPriceMinor: '900' })).toEqual(of('women'));
    expect(await ids({ condition: 'new_with_tags' })).toEqual(of('boots'));
    expect(await ids({ category: 'women', size: 'm', maxPriceMinor: '5000', condition: 'like_new' })).toEqual(of('dress'));

    // A card says what is left of each size and where it is live.
    const card = (await search({ q: tag, size: 'm' })).listings.find((l) => l.id === made.dress)!;
    expect(card).toMatchObject({ category: 'women/dresses', condition: 'like_new', priceMinor: 4_000, soldOut: false, liveShowId: null, sellerId });
    expect(card.variants.map((v) => [v.label, v.free]).sort()).toEqual([['S', 0], ['m', 2]]);
  });

  it('never shows a listing that is unlisted or deleted, and does again once it is listed', async () => {
    const tag = `${TOKEN}u`;
    const shown = await listing({ title: `${tag} shown` });
    const unlisted = await listing({ title: `${tag} unlisted`, unlisted: true });
    await listing({ title: `${tag} deleted`, deleted: true });
    expect((await search({ q: tag })).listings.map((l) => l.id)).toEqual([shown]);
    const newest = await search({ minPriceMinor: '2500', maxPriceMinor: '2500', limit: '48' });
    expect(newest.listings.every((l) => !l.title.startsWith(`${TOKEN} ${tag} un`) && !l.title.startsWith(`${TOKEN} ${tag} de`))).toBe(true);
    await stack.db.query('update listings set unlisted_at = null where id = $1', [unlisted]);
    expect((await search({ q: tag })).listings.map((l) => l.id).sort()).toEqual([shown, unlisted].sort());
  });

  it('pages by cursor through equal ranks and equal times: every listing once, none twice', async () => {
    const tag = `${TOKEN}p`;
    const same = new Date(Date.now() - 60_000);
    const made = new Set<string>();
    // An unusual price sets them apart from every other test's listings when there are no words.
    for (let i = 0; i < 23; i++) made.add(await listing({ title: `${tag} identical tee`, createdAt: same, priceMinor: 98_765 }));
    const walk = async (query: Record<string, string>) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await search({ ...query, limit: '5', ...(cursor ? { cursor } : {}) });
        seen.push(...page.listings.map((l) => l.id));
        if (!page.nextCursor) return { seen, pages: pages + 1 };
        cursor = page.nextCursor;
      }
      throw new Error('more pages than listings');
    };
    for (const query of [{ q: tag }, { minPriceMinor: '98765', maxPriceMinor: '98765' }] as Record<string, string>[]) {
      const { seen, pages } = await walk(query);
      expect(seen.length).toBe(23);
      expect(new Set(seen)).toEqual(made);
      expect(pages).toBe(5);
    }
    // A cursor belongs to its kind of search.
    const ranked = await search({ q: tag, limit: '5' });
    const refused = await get('/api/search', { limit: '5', cursor: ranked.nextCursor! });
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
  });

  it('finds shows by title and sellers by name or handle, and says which listings are live now', async () => {
    const handle = (await stack.db.query<{ handle: string }>('select handle from users where id = $1', [sellerId])).rows[0]!.handle;
    const live = await listing({ title: 'Live cardigan', sizes: [['M', 2]] });
    const { rows: [show] } = await stack.db.query<{ id: string }>(
      `insert into shows (host_id, title, status, started_at) values ($1, $2, 'live', now()) returning id`, [sellerId, `${TOKEN} Friday knits`]);
    const { rows: [variant] } = await stack.db.query<{ id: string }>('select id from listing_variants where listing_id = $1', [live]);
    await stack.db.query(`insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity) values ($1, 0, $2, $3, 2500, 2)`,
      [show!.id, variant!.id, sellerId]);
    await stack.db.query(`insert into shows (host_id, title, status, started_at, cancelled_at) values ($1, $2, 'cancelled', null, now())`, [sellerId, `${TOKEN} Cancelled knits`]);

    const found = await search({ q: TOKEN });
    expect(found.shows.map((s) => s.title)).toEqual([`${TOKEN} Friday knits`]);
    expect(found.shows[0]).toMatchObject({ status: 'live', hostHandle: handle, entryCount: 1, photoUrl: '/demo/sneakers.svg' });
    expect(found.sellers.map((s) => s.id)).toContain(sellerId);
    expect((await search({ q: `@${handle}` })).sellers.map((s) => s.id)).toContain(sellerId);
    // The show holds both units: none is free, but it sells them live.
    expect((await search({ q: `${TOKEN} cardigan` })).listings).toMatchObject([{ id: live, liveShowId: show!.id, soldOut: true }]);
    // Later pages are listings only.
    const next = await search({ q: TOKEN, limit: '2' });
    expect((await search({ q: TOKEN, limit: '2', cursor: next.nextCursor! })).shows).toEqual([]);
  });

  it('refuses query values it does not take with INVALID_INPUT', async () => {
    const bad: Record<string, string>[] = [
      { minPriceMinor: '-1' }, { minPriceMinor: '1.5' }, { maxPriceMinor: 'ten' }, { minPriceMinor: '' }, { minPriceMinor: '500', maxPriceMinor: '100' },
      { category: 'women/capes' }, { category: 'WOMEN' }, { condition: 'mint' }, { q: 'x'.repeat(201) }, { q: 'a\u0007b' },
      { limit: '0' }, { limit: '49' }, { limit: '1e1' }, { cursor: 'not a cursor' }, { cursor: Buffer.from('["r",1]').toString('base64url') },
      { cursor: Buffer.from('["n","yesterday","00000000-0000-4000-8000-000000000000"]').toString('base64url') },
      { size: '<b>' }, { sort: 'price' },
    ];
    for (const query of bad) {
      const res = await get('/api/search', query);
      expect([res.status, res.body.error?.code], JSON.stringify(query)).toEqual([400, 'INVALID_INPUT']);
    }
    // A parameter given twice, and one written as an object.
    for (const raw of ['q=a&q=b', 'category[a]=women']) {
      const res = await stack.http('GET', `/api/search?${raw}`);
      expect([res.status, res.body.error?.code], raw).toEqual([400, 'INVALID_INPUT']);
    }
    // 200 characters is still a search.
    expect((await get('/api/search', { q: `${TOKEN} ${'y'.repeat(200 - TOKEN.length - 1)}` })).status).toBe(200);
  });
});

describe('the home page', () => {
  it('lists live shows most watched first, scheduled ones soonest first, listed replays, and the category counts', async () => {
    const show = async (title: string, status: string, scheduledAt: Date | null, startedAt: Date | null) =>
      (await stack.db.query<{ id: string }>(
        `insert into shows (host_id, title, status, scheduled_at, started_at, ended_at) values ($1, $2, $3, $4, $5, case when $3 = 'ended' then now() end) returning id`,
        [sellerId, `${TOKEN} ${title}`, status, scheduledAt, startedAt],
      )).rows[0]!.id;
    const quiet = await show('quiet live', 'live', null, new Date());
    const busy = await show('busy live', 'live', null, new Date(Date.now() - 60_000));
    // Two realtime nodes' counts for the busy one, one of them stale (its node is gone).
    await stack.redis.hset(showKeys(busy).presence, 'node-a', `40:${Date.now()}`, 'node-b', `10:${Date.now()}`, 'node-gone', `500:${Date.now() - 60_000}`);
    await stack.redis.hset(showKeys(quiet).presence, 'node-a', `3:${Date.now()}`);
    const soon = await show('soon', 'scheduled', new Date(Date.now() + 60_000), null);
    const listed = await show('listed replay', 'ended', null, new Date(Date.now() - 1_000));
    const unlisted = await show('unlisted replay', 'ended', null, new Date(Date.now() - 1_000));
    for (const [id, isListed] of [[listed, true], [unlisted, false]] as const) {
      await stack.db.query(`insert into recordings (show_id, backend, status, started_at, ended_at, listed) values ($1, 'builtin', 'ready', now(), now(), $2)`, [id, isListed]);
    }

    const res = await get<THome>('/api/home');
    expect(res.status).toBe(200);
    const home = res.body;
    const liveIds = home.live.map((s) => s.id);
    expect(liveIds.indexOf(busy)).toBeGreaterThanOrEqual(0);
    expect(liveIds.indexOf(busy)).toBeLessThan(liveIds.indexOf(quiet));
    expect(home.live.find((s) => s.id === busy)?.viewers).toBe(50);
    expect(home.live.map((s) => s.viewers ?? 0)).toEqual(home.live.map((s) => s.viewers ?? 0).sort((a, b) => b - a));
    expect(home.soon.map((s) => s.id)).toContain(soon);
    // Those to come first, soonest first; then those past their time.
    const times = home.soon.map((s) => (s.scheduledAt ? Date.parse(s.scheduledAt) : Infinity));
    const firstPast = times.findIndex((t) => t < Date.now() - 5_000);
    const toCome = firstPast === -1 ? times : times.slice(0, firstPast);
    expect(toCome).toEqual([...toCome].sort((a, b) => a - b));
    expect(home.replays.map((s) => s.id)).toContain(listed);
    expect(home.replays.map((s) => s.id)).not.toContain(unlisted);

    // The tree in its order; a top category's count takes in its children's (and its own listings').
    expect(home.categories.flatMap((c) => [c.slug, ...c.children.map((child) => child.slug)])).toEqual(CATEGORIES.map((c) => c.slug));
    for (const top of home.categories) expect(top.listingCount).toBeGreaterThanOrEqual(top.children.reduce((sum, c) => sum + c.listingCount, 0));
    const art = () => home.categories.find((c) => c.slug === 'collectibles')!.children.find((c) => c.slug === 'collectibles/art')!.listingCount;
    const before = art();
    await listing({ title: 'Print', category: 'collectibles/art' });
    const after = (await get<THome>('/api/home')).body;
    expect(after.categories.find((c) => c.slug === 'collectibles')!.children.find((c) => c.slug === 'collectibles/art')!.listingCount).toBeGreaterThan(before);
  });

  it('keeps each category count equal to a count of its listed listings through inserts, edits, unlisting and deletes', async () => {
    const id = await listing({ title: 'Counted', category: 'home/decor' });
    await listing({ title: 'Counted too', category: 'home/decor', unlisted: true });
    await stack.db.query(`update listings set category = 'home/kitchen' where id = $1`, [id]);
    await stack.db.query(`update listings set price_minor = price_minor + 1 where seller_id = $1`, [sellerId]);
    await stack.db.query(`update listings set unlisted_at = null where title = $1`, [`${TOKEN} Counted too`]);
    await stack.db.query(`delete from listing_variants where listing_id = $1`, [id]);
    await stack.db.query(`delete from listings where id = $1`, [id]);
    // One statement: other test files may list things meanwhile.
    const { rows } = await stack.db.query<{ category: string; kept: number; counted: number }>(
      `select c.category, c.listed as kept, (select count(*)::int from listings l where l.category = c.category and l.deleted_at is null and l.unlisted_at is null) as counted
         from category_counts c`);
    expect(rows.filter((r) => r.kept !== r.counted)).toEqual([]);
    expect(rows.length).toBe(CATEGORIES.length);
  });
});

describe('the category tree', () => {
  it('is the same in shared/src/closet.ts as in the categories table', async () => {
    // The tree's order: each top category (by position), then its children (by position).
    const { rows } = await stack.db.query<{ slug: string; name: string; parent: string | null }>(
      `select c.slug, c.name, c.parent from categories c left join categories p on p.slug = c.parent
        order by coalesce(p.position, c.position), c.parent is not null, c.position`);
    expect(rows).toEqual(CATEGORIES.map((c) => ({ slug: c.slug, name: c.name, parent: c.parent })));
  });
});
