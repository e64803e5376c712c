import { queryRows, showKeys, type Redis, type TQueryable } from '@showcart/common';
import { photoUrl, ZShowCard, type TShowCard } from '@showcart/shared';
import { z } from 'zod';

/** Shows as cards, for the home page's rows and search's "Shows": who hosts, what it looks like, how many watch. */

/**
 * A node's count of a show's viewers older than this no longer counts: the node is gone.
 * The realtime nodes write the counts (services/realtime/src/server.ts, every second) and
 * read them with the same limit.
 */
const PRESENCE_STALE_MS = 5_000;

/** The card's columns over `shows s join users h on h.id = s.host_id`. */
const SHOW_CARD_COLUMNS = `s.id, s.title, s.status, h.display_name as "hostName", h.handle as "hostHandle", s.category,
  s.scheduled_at as "scheduledAt", s.started_at as "startedAt",
  (select count(*)::int from show_entries e where e.show_id = s.id) as "entryCount",
  s.cover_photo_id as "coverPhotoId",
  (select l.photo_url from show_entries e join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
    where e.show_id = s.id order by e.position limit 1) as "itemPhotoUrl"`;

const ZShowCardRow = ZShowCard.omit({ photoUrl: true, viewers: true, scheduledAt: true, startedAt: true }).extend({
  scheduledAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  coverPhotoId: z.string().nullable(),
  itemPhotoUrl: z.string().nullable(),
});

/**
 * Show cards: `from` and `where` complete `select <card> from shows s join users h on h.id = s.host_id`
 * (more joins, the conditions, the order, the limit). Live shows get their viewers from Redis.
 */
export const listShowCards = async (
  deps: { db: TQueryable; redis: Redis },
  sql: { joins?: string; where: string; order: string; limit: number },
  values: unknown[] = [],
): Promise<TShowCard[]> => {
  const rows = await queryRows(deps.db, ZShowCardRow,
    `select ${SHOW_CARD_COLUMNS} from shows s join users h on h.id = s.host_id ${sql.joins ?? ''}
      where ${sql.where} order by ${sql.order} limit ${sql.limit}`,
    values,
  );
  const viewers = await viewersOf(deps.redis, rows.filter((r) => r.status === 'live').map((r) => r.id));
  return rows.map(({ coverPhotoId, itemPhotoUrl, scheduledAt, startedAt, ...row }) => ({
    ...row,
    scheduledAt: scheduledAt?.toISOString() ?? null,
    startedAt: startedAt?.toISOString() ?? null,
    photoUrl: coverPhotoId ? photoUrl(coverPhotoId, 'card') : itemPhotoUrl,
    viewers: viewers.get(row.id) ?? null,
  }));
};

/** How many watch each live show now, summed over the realtime nodes' fresh counts (one round trip for all). */
const viewersOf = async (redis: Redis, showIds: string[]): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  if (showIds.length === 0) return counts;
  const pipeline = redis.pipeline();
  for (const id of showIds) pipeline.hgetall(showKeys(id).presence);
  const replies = (await pipeline.exec()) ?? [];
  const now = Date.now();
  showIds.forEach((id, i) => {
    const [error, byNode] = replies[i] ?? [];
    let count = 0;
    if (!error) {
      for (const value of Object.values(byNode as Record<string, string>)) {
        const [viewers, at] = value.split(':').map(Number) as [number, number];
        if (now - at < PRESENCE_STALE_MS && viewers > 0) count += viewers;
      }
    }
    counts.set(id, count);
  });
  return counts;
};
