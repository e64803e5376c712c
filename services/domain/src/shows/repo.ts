import type { TListing, TShowDetail, TShowEntry, TShowStatus, TShowSummary } from '@showcart/shared';
import type { TQueryable } from '@showcart/common';

const SUMMARY = `s.id, s.title, s.status, s.host_id as "hostId", h.display_name as "hostName",
  s.scheduled_at as "scheduledAt", s.started_at as "startedAt",
  (select count(*)::int from show_entries e where e.show_id = s.id) as "entryCount",
  (select r.status from recordings r where r.show_id = s.id and r.status in ('recording', 'ready')) as replay,
  coalesce((select r.listed from recordings r where r.show_id = s.id), true) as "replayListed"`;

type TSummaryRow = Omit<TShowSummary, 'scheduledAt' | 'startedAt'> & {
  scheduledAt: Date | null;
  startedAt: Date | null;
};

const toSummary = (row: TSummaryRow): TShowSummary => ({
  ...row,
  scheduledAt: row.scheduledAt?.toISOString() ?? null,
  startedAt: row.startedAt?.toISOString() ?? null,
});

export const listShows = async (db: TQueryable): Promise<TShowSummary[]> => {
  const { rows } = await db.query<TSummaryRow>(
    `select ${SUMMARY} from shows s join users h on h.id = s.host_id
      order by case s.status when 'live' then 0 when 'scheduled' then 1 else 2 end,
               coalesce(s.started_at, s.scheduled_at, s.created_at) desc
      limit 200`,
  );
  return rows.map(toSummary);
};

export const findShow = async (db: TQueryable, showId: string): Promise<TShowSummary | undefined> => {
  const { rows } = await db.query<TSummaryRow>(
    `select ${SUMMARY} from shows s join users h on h.id = s.host_id where s.id = $1`,
    [showId],
  );
  return rows[0] && toSummary(rows[0]);
};

const ENTRY_SELECT = `select e.id as "entryId", l.id as "listingId", v.id as "variantId", l.title,
            v.label as "variantLabel", l.photo_url as "photoUrl", e.seller_id as "sellerId",
            u.display_name as "sellerName", e.price_minor as "priceMinor", l.currency,
            e.quantity, e.quantity as "perBuyerLimit", 0 as claimed, 0 as offered,
            (e.cohost_item_id is not null) as cohosted
       from show_entries e
       join listing_variants v on v.id = e.variant_id
       join listings l on l.id = v.listing_id
       join users u on u.id = e.seller_id`;

/** One entry as the show engine starts it. */
export const findShowEntry = async (db: TQueryable, entryId: string): Promise<TShowEntry | undefined> =>
  (await db.query<TShowEntry>(`${ENTRY_SELECT} where e.id = $1`, [entryId])).rows[0];

/** A seller's listings with their variants, newest first. */
export const listListings = async (db: TQueryable, sellerId: string): Promise<TListing[]> => {
  const { rows } = await db.query<TListing>(
    `select l.id, l.title, l.photo_url as "photoUrl", l.price_minor as "priceMinor", l.currency,
            l.seller_id as "sellerId", u.display_name as "sellerName",
            coalesce(json_agg(json_build_object('id', v.id, 'label', v.label, 'quantity', v.quantity, 'free', v.quantity - v.reserved)
                              order by v.label) filter (where v.id is not null), '[]') as variants
       from listings l join users u on u.id = l.seller_id
       left join listing_variants v on v.listing_id = l.id
      where l.seller_id = $1 and l.deleted_at is null
      group by l.id, u.display_name
      order by l.created_at desc`,
    [sellerId],
  );
  return rows;
};

/** The show's queue as it was planned, in position order. */
export const listShowEntries = async (db: TQueryable, showId: string): Promise<TShowEntry[]> =>
  (await db.query<TShowEntry>(`${ENTRY_SELECT} where e.show_id = $1 order by e.position`, [showId])).rows;

export const findShowDetail = async (db: TQueryable, showId: string): Promise<TShowDetail | undefined> => {
  const show = await findShow(db, showId);
  return show && { ...show, entries: await listShowEntries(db, showId) };
};

/** Moves a show forward in its life; returns false if it was not in `from`. */
/** How many shows are live now, on any node. */
export const countLiveShows = async (db: TQueryable): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from shows where status = 'live'`)).rows[0]!.n;

export const setShowStatus = async (
  db: TQueryable,
  showId: string,
  from: readonly TShowStatus[],
  to: 'live' | 'ended' | 'settled',
): Promise<boolean> => {
  const stamp =
    to === 'live' ? ', started_at = coalesce(started_at, now())'
    : to === 'ended' ? ', started_at = coalesce(started_at, now()), ended_at = coalesce(ended_at, now())'
    : '';
  const { rowCount } = await db.query(
    `update shows set status = $3 ${stamp} where id = $1 and status = any($2::text[])`,
    [showId, from, to],
  );
  return (rowCount ?? 0) > 0;
};
