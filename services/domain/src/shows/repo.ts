import { queryRow, queryRows, execute, type TQueryable } from '@showcart/common';
import { photoUrl, ZShowEntry, ZShowSummary, type TShowDetail, type TShowEntry, type TShowStatus, type TShowSummary } from '@showcart/shared';
import { z } from 'zod';

/** Shows and their entries as Postgres has them (the live state is the engine's, in Redis). */

const SUMMARY = `s.id, s.title, s.status, s.host_id as "hostId", h.display_name as "hostName",
  s.scheduled_at as "scheduledAt", s.started_at as "startedAt",
  (select count(*)::int from show_entries e where e.show_id = s.id) as "entryCount",
  (select r.status from recordings r where r.show_id = s.id and r.status in ('recording', 'ready')) as replay,
  coalesce((select r.listed from recordings r where r.show_id = s.id), true) as "replayListed",
  s.description, s.category, s.cover_photo_id as "coverPhotoId", h.handle as "hostHandle"`;

const ZSummaryRow = ZShowSummary.omit({ coverUrl: true }).extend({
  scheduledAt: z.date().nullable(), startedAt: z.date().nullable(), coverPhotoId: z.string().nullable(),
});

const toSummary = ({ coverPhotoId, ...row }: z.infer<typeof ZSummaryRow>): TShowSummary => ({
  ...row,
  scheduledAt: row.scheduledAt?.toISOString() ?? null,
  startedAt: row.startedAt?.toISOString() ?? null,
  coverUrl: coverPhotoId && photoUrl(coverPhotoId, 'card'),
});

/** A host's shows that `where` picks (SQL over `s`, the show, and `r`, its playable recording), in `order`. */
export const listHostShows = async (db: TQueryable, p: { hostId: string; where: string; order: string }): Promise<TShowSummary[]> =>
  (await queryRows(db, ZSummaryRow,
    `select ${SUMMARY} from shows s join users h on h.id = s.host_id
       left join recordings r on r.show_id = s.id and r.status in ('recording', 'ready')
      where s.host_id = $1 and ${p.where} order by ${p.order} limit 50`,
    [p.hostId],
  )).map(toSummary);

export const listShows = async (db: TQueryable): Promise<TShowSummary[]> =>
  (await queryRows(db, ZSummaryRow,
    `select ${SUMMARY} from shows s join users h on h.id = s.host_id
      order by case s.status when 'live' then 0 when 'scheduled' then 1 else 2 end,
               coalesce(s.started_at, s.scheduled_at, s.created_at) desc
      limit 200`,
  )).map(toSummary);

export const findShow = async (db: TQueryable, showId: string): Promise<TShowSummary | undefined> => {
  const row = await queryRow(db, ZSummaryRow, `select ${SUMMARY} from shows s join users h on h.id = s.host_id where s.id = $1`, [showId]);
  return row && toSummary(row);
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
  queryRow(db, ZShowEntry, `${ENTRY_SELECT} where e.id = $1`, [entryId]);

/** The show's queue as it was planned, in position order. */
export const listShowEntries = async (db: TQueryable, showId: string): Promise<TShowEntry[]> =>
  queryRows(db, ZShowEntry, `${ENTRY_SELECT} where e.show_id = $1 order by e.position`, [showId]);

export const findShowDetail = async (db: TQueryable, showId: string): Promise<TShowDetail | undefined> => {
  const show = await findShow(db, showId);
  if (!show) return undefined;
  const more = (await queryRow(db, z.object({
    avatarId: z.string().nullable(), coverPhotoId: z.string().nullable(), cancelledAt: z.date().nullable(), hostNewSeller: z.boolean(),
  }),
    `select h.avatar_photo_id as "avatarId", s.cover_photo_id as "coverPhotoId", s.cancelled_at as "cancelledAt",
            h.first_sale_at is null as "hostNewSeller"
       from shows s join users h on h.id = s.host_id where s.id = $1`,
    [showId],
  ))!;
  return {
    ...show,
    entries: await listShowEntries(db, showId),
    hostAvatarUrl: more.avatarId && photoUrl(more.avatarId, 'thumb'),
    hostNewSeller: more.hostNewSeller,
    coverPhotoId: more.coverPhotoId,
    cancelledAt: more.cancelledAt?.toISOString() ?? null,
  };
};

/** How many shows are live now, on any node. */
export const countLiveShows = async (db: TQueryable): Promise<number> =>
  (await queryRow(db, z.object({ n: z.number() }), `select count(*)::int as n from shows where status = 'live'`))!.n;

/** Moves a show forward in its life (settled: settleIfFinal); returns false if it was not in `from`. */
export const setShowStatus = async (
  db: TQueryable,
  showId: string,
  from: readonly TShowStatus[],
  to: 'live' | 'ended' | 'settling',
): Promise<boolean> => {
  const stamp =
    to === 'live' ? ', started_at = coalesce(started_at, now())'
    : to === 'ended' ? ', started_at = coalesce(started_at, now()), ended_at = coalesce(ended_at, now())'
    : '';
  return (await execute(db, `update shows set status = $3 ${stamp} where id = $1 and status = any($2::text[])`, [showId, from, to])) > 0;
};

/**
 * A settling show whose orders are all final (none still waiting for its charge) is
 * settled. Returns whether this call settled it. Run by the settlement's last job, and
 * by whatever decides an order later (a webhook for a charge Stripe was still processing).
 */
export const settleIfFinal = async (db: TQueryable, showId: string): Promise<boolean> =>
  (await execute(db, settleIfFinalSql('$1'), [showId])) > 0;

/** settleIfFinal for the show of an order just decided (none for an order from a replay), in one statement. */
export const settleShowOfOrder = async (db: TQueryable, orderId: string): Promise<boolean> =>
  (await execute(db, settleIfFinalSql(`(select show_id from orders where id = $1 and origin = 'show')`), [orderId])) > 0;

const settleIfFinalSql = (showId: string) =>
  `update shows s set status = 'settled'
    where s.id = ${showId} and s.status = 'settling'
      and not exists (select 1 from orders o where o.show_id = s.id and o.origin = 'show' and o.status = 'pending')`;
