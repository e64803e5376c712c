import { queryRows } from '@showcart/common';
import { CATEGORY_TREE, type THome } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { listShowCards } from './show-cards.ts';

/** Cards in each row of the home page: a phone scrolls them sideways, a desktop shows most at once. */
const ROW_SIZE = 12;
/**
 * Live shows whose viewers are counted for "Live now": the most recently started. Counting
 * is one Redis round trip for all of them; past this many the page would wait on it.
 */
const LIVE_CANDIDATES = 100;

/**
 * The home page: live shows (most watched first), scheduled shows (the next to start
 * first; one past its time that has not started comes after those to come), listed replays
 * that play (newest first) and the category tree with how many listings each has.
 */
export const getHome = async (deps: Pick<TDomainDeps, 'db' | 'redis'>): Promise<THome> => {
  const [live, soon, replays, counts] = await Promise.all([
    listShowCards(deps, { where: `s.status = 'live'`, order: 's.started_at desc, s.id', limit: LIVE_CANDIDATES }),
    listShowCards(deps, {
      where: `s.status = 'scheduled'`,
      order: `case when s.scheduled_at >= now() then 0 when s.scheduled_at is not null then 1 else 2 end, s.scheduled_at, s.created_at, s.id`,
      limit: ROW_SIZE,
    }),
    listShowCards(deps, {
      joins: `join recordings r on r.show_id = s.id and r.status = 'ready' and r.listed`,
      where: 'true', order: 'r.started_at desc, s.id', limit: ROW_SIZE,
    }),
    // Kept by statements on listings (migration 011): counting them here would read every listing.
    queryRows(deps.db, z.object({ category: z.string(), n: z.number() }), 'select category, listed as n from category_counts'),
  ]);
  const countOf = new Map(counts.map((c) => [c.category, c.n]));
  return {
    live: live.sort((a, b) => (b.viewers ?? 0) - (a.viewers ?? 0)).slice(0, ROW_SIZE),
    soon,
    replays,
    categories: CATEGORY_TREE.map((top) => {
      const children = top.children.map(([slug, name]) => ({ slug: `${top.slug}/${slug}`, name, listingCount: countOf.get(`${top.slug}/${slug}`) ?? 0 }));
      return {
        slug: top.slug, name: top.name, children,
        listingCount: (countOf.get(top.slug) ?? 0) + children.reduce((sum, c) => sum + c.listingCount, 0),
      };
    }),
  };
};
