import path from 'node:path';
import { execute, queryRow, queryRows, withTransaction, type TQueryable } from '@showcart/common';
import { AppError, buildTimeline, firstSaleBoostFor, ZCurrency, ZShowEvent, type TOrder, type TReplay, type TSegmentTime, type TShowEvent } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { buyOneUnit, type TBuyer } from '../orders/buy-one-unit.ts';
import { shippingFor } from '../orders/insert-order.ts';

/** Replays: a recorded show's timeline and media, buying from it, and the host's unlist and delete. */

const ZRecordingRow = z.object({
  id: z.string().nullable(), showId: z.string(), title: z.string(), hostId: z.string(), hostName: z.string(),
  backend: z.string().nullable(), status: z.string().nullable(), listed: z.boolean().nullable(), startedAt: z.date().nullable(),
  endedAt: z.date().nullable(), playlistUrl: z.string().nullable(), showStatus: z.string(),
});

/** The show's recording, for anyone who may see it: an unlisted replay too (by its link), a deleted one to nobody. */
const recordingOfShow = async (db: TQueryable, showId: string) => {
  const r = await queryRow(db, ZRecordingRow,
    `select r.id, s.id as "showId", s.title, s.host_id as "hostId", h.display_name as "hostName", r.backend, r.status,
            r.listed, r.started_at as "startedAt", r.ended_at as "endedAt", r.playlist_url as "playlistUrl",
            s.status as "showStatus"
       from shows s join users h on h.id = s.host_id left join recordings r on r.show_id = s.id where s.id = $1`,
    [showId],
  );
  if (!r) throw new AppError('NOT_FOUND', 'No such show.');
  if (!r.id || r.status === 'deleted' || r.status === 'failed') throw new AppError('NO_REPLAY');
  if (r.status === 'recording' || r.showStatus === 'live') throw new AppError('REPLAY_NOT_READY');
  return { ...r, id: r.id, backend: r.backend!, listed: r.listed!, startedAt: r.startedAt! };
};

/** Units of each entry's variant a replay can still sell: those no channel holds (catalog/stock.ts). */
export const replayAvailability = async (db: TQueryable, entryIds: string[]): Promise<Map<string, number>> => {
  const rows = await queryRows(db, z.object({ entryId: z.string(), available: z.number() }),
    `select e.id as "entryId", (v.quantity - v.reserved)::int as available
       from show_entries e join listing_variants v on v.id = e.variant_id
       join listings l on l.id = v.listing_id
      where e.id = any($1::uuid[]) and l.deleted_at is null`,
    [entryIds],
  );
  return new Map(rows.map((r) => [r.entryId, r.available]));
};

const ZSegmentRow = z.object({ part: z.number(), seq: z.number(), startedAt: z.date(), durationMs: z.number(), path: z.string() });
const segmentsOf = (db: TQueryable, recordingId: string) =>
  queryRows(db, ZSegmentRow,
    `select part, seq, started_at as "startedAt", duration_ms as "durationMs", path
       from recording_segments where recording_id = $1 order by part, seq`,
    [recordingId],
  );

/** The replay: its chapters per featured item (last live price, what is still available), claims and chat at their offsets. */
export const getReplay = async (deps: Pick<TDomainDeps, 'db' | 'config'>, showId: string): Promise<TReplay> => {
  const { db, config } = deps;
  const rec = await recordingOfShow(db, showId);
  const segs = await segmentsOf(db, rec.id);
  const segments: TSegmentTime[] = rec.backend === 'egress'
    ? [{ startedAt: rec.startedAt.getTime(), durationMs: (rec.endedAt ?? new Date()).getTime() - rec.startedAt.getTime() }]
    : segs.map((s) => ({ startedAt: s.startedAt.getTime(), durationMs: s.durationMs }));
  const events = await queryRows(db, z.object({ seq: z.number(), type: z.string(), at: z.date(), payload: z.record(z.string(), z.unknown()) }),
    'select seq, type, at, payload from show_events where show_id = $1 order by seq',
    [showId],
  );
  const parsed: TShowEvent[] = events.flatMap((e) => {
    const r = ZShowEvent.safeParse({ ...e.payload, type: e.type, seq: e.seq, at: e.at.getTime() });
    return r.success ? [r.data] : [];
  });
  const entries = await queryRows(db,
    z.object({
      entryId: z.string(), title: z.string(), variantLabel: z.string(), photoUrl: z.string(), sellerName: z.string(), cohosted: z.boolean(),
      priceMinor: z.number(), currency: ZCurrency, sellerRate: z.number().nullable(), boostOpen: z.boolean(),
    }),
    `select e.id as "entryId", l.title, v.label as "variantLabel", l.photo_url as "photoUrl", u.display_name as "sellerName",
            (e.cohost_item_id is not null) as cohosted, e.price_minor as "priceMinor", l.currency, u.shipping_fee_minor as "sellerRate",
            (u.first_sale_at is null and not exists (select 1 from first_sale_boosts b where b.seller_id = u.id)) as "boostOpen"
       from show_entries e join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
       join users u on u.id = e.seller_id where e.show_id = $1`,
    [showId],
  );
  const available = await replayAvailability(db, entries.map((e) => e.entryId));
  const timeline = buildTimeline({
    events: parsed,
    entries: entries.map(({ sellerRate, boostOpen, ...e }) => {
      const shippingMinor = shippingFor(sellerRate, config);
      const firstSaleBoostMinor = boostOpen ? firstSaleBoostFor(shippingMinor, config.firstSaleDiscountMaxMinor) : 0;
      return { ...e, available: available.get(e.entryId) ?? 0, shippingMinor, firstSaleBoostMinor };
    }),
    segments,
  });
  return {
    showId,
    title: rec.title,
    hostId: rec.hostId,
    hostName: rec.hostName,
    recordingId: rec.id,
    listed: rec.listed,
    startedAt: rec.startedAt.getTime(),
    durationMs: timeline.durationMs,
    playlistUrl: rec.backend === 'egress' ? rec.playlistUrl! : `/api/recordings/${rec.id}/index.m3u8`,
    chapters: timeline.chapters,
    moments: timeline.moments,
  };
};

/**
 * The built-in recorder's segments as one HLS playlist: a discontinuity where a recorder
 * crashed and resumed, and each segment's time on the server clock.
 */
export const replayPlaylist = async (deps: Pick<TDomainDeps, 'db'>, recordingId: string): Promise<string> => {
  const rec = await queryRow(deps.db, z.object({ status: z.string() }), 'select status from recordings where id = $1', [recordingId]);
  if (!rec || rec.status === 'deleted') throw new AppError('NO_REPLAY');
  const segs = await segmentsOf(deps.db, recordingId);
  if (segs.length === 0) throw new AppError('REPLAY_NOT_READY');
  const lines = [
    '#EXTM3U', '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...segs.map((s) => s.durationMs)) / 1_000)}`,
    '#EXT-X-MEDIA-SEQUENCE:0', `#EXT-X-PLAYLIST-TYPE:${rec.status === 'ready' ? 'VOD' : 'EVENT'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  segs.forEach((s, i) => {
    if (i > 0 && segs[i - 1]!.part !== s.part) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.startedAt.toISOString()}`, `#EXTINF:${(s.durationMs / 1_000).toFixed(3)},`, `${s.part}/${path.basename(s.path)}`);
  });
  if (rec.status === 'ready') lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
};

/** A registered segment of a recording not deleted, from the directory or the bucket; NOT_FOUND otherwise. */
export const openReplaySegment = async (deps: Pick<TDomainDeps, 'db' | 'recordings'>, p: { recordingId: string; part: number; file: string }) => {
  const seg = await queryRow(deps.db, z.object({ path: z.string() }),
    `select s.path from recording_segments s join recordings r on r.id = s.recording_id
      where s.recording_id = $1 and s.part = $2 and s.path = $3 and r.status <> 'deleted'`,
    [p.recordingId, p.part, path.join(`part-${p.part}`, p.file)],
  );
  const segment = seg && (await deps.recordings.open(path.join(p.recordingId, seg.path)));
  if (!segment) throw new AppError('NOT_FOUND', 'No such segment.');
  return segment;
};

const hostsRecording = async (db: TQueryable, showId: string, userId: string) => {
  const r = await queryRow(db, z.object({ id: z.string().nullable(), hostId: z.string(), status: z.string().nullable(), backend: z.string().nullable() }),
    'select r.id, s.host_id as "hostId", r.status, r.backend from shows s left join recordings r on r.show_id = s.id where s.id = $1',
    [showId],
  );
  if (!r) throw new AppError('NOT_FOUND', 'No such show.');
  if (r.hostId !== userId) throw new AppError('FORBIDDEN', 'Only the host can change this replay.');
  if (!r.id) throw new AppError('NO_REPLAY');
  return { recordingId: r.id, status: r.status!, backend: r.backend! };
};

/** The host lists or unlists its replay (an unlisted one still plays by its link). */
export const setReplayListed = async (deps: Pick<TDomainDeps, 'db'>, p: { showId: string; hostId: string; listed: boolean }) => {
  const { recordingId, status } = await hostsRecording(deps.db, p.showId, p.hostId);
  if (status === 'deleted') throw new AppError('NO_REPLAY');
  await execute(deps.db, 'update recordings set listed = $2 where id = $1', [recordingId, p.listed]);
  return { listed: p.listed };
};

/**
 * Deletes a replay for good: its rows go, then its files. Deleting again is no error and
 * removes the files again, so a store that failed the first time is tried once more.
 */
export const deleteReplay = async (deps: Pick<TDomainDeps, 'db' | 'recordings' | 'logger'>, p: { showId: string; hostId: string }) => {
  const { recordingId, status, backend } = await hostsRecording(deps.db, p.showId, p.hostId);
  if (status === 'recording') throw new AppError('CONFLICT', 'The show is still being recorded.');
  await withTransaction(deps.db, async (tx) => {
    await execute(tx, `update recordings set status = 'deleted', ended_at = coalesce(ended_at, now()) where id = $1`, [recordingId]);
    await execute(tx, 'delete from recording_segments where recording_id = $1', [recordingId]);
  });
  // Egress writes under the show's id (it starts before the recording's row exists).
  await deps.recordings.remove(backend === 'egress' ? p.showId : recordingId);
  deps.logger.info({ showId: p.showId, recordingId }, 'replay deleted');
};

const ZBuyEntry = z.object({
  variantId: z.string(), sellerId: z.string(), hostId: z.string(), currency: z.string(), commissionBps: z.number(),
  sellerRate: z.number().nullable(), priceMinor: z.number(),
});

/**
 * Buys one unit of an item from a replay, at its last live price, as an order of its own
 * (buyOneUnit: the attempt id makes a retry the same purchase, the unit comes from the
 * closet's free stock under the variant's row lock).
 */
export const buyFromReplay = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'config'>,
  p: { showId: string; entryId: string; attemptId: string; buyer: TBuyer },
): Promise<{ order: TOrder }> => {
  await recordingOfShow(deps.db, p.showId);
  return buyOneUnit(deps, p, async (tx) => {
    const entry = await queryRow(tx, ZBuyEntry,
      `select e.variant_id as "variantId", e.seller_id as "sellerId", s.host_id as "hostId", l.currency,
              e.commission_bps as "commissionBps", u.shipping_fee_minor as "sellerRate",
              coalesce((select (payload->>'priceMinor')::int from show_events
                         where show_id = s.id and type = 'entry.priceChanged' and payload->>'entryId' = e.id::text
                         order by seq desc limit 1), e.price_minor) as "priceMinor"
         from show_entries e join shows s on s.id = e.show_id join listing_variants v on v.id = e.variant_id
         join listings l on l.id = v.listing_id join users u on u.id = e.seller_id
        where e.id = $1 and e.show_id = $2 and l.deleted_at is null`,
      [p.entryId, p.showId],
    );
    if (!entry) throw new AppError('NOT_FOUND', 'That item is not in this show, or no longer listed.');
    return {
      variantId: entry.variantId, sellerId: entry.sellerId, currency: entry.currency, priceMinor: entry.priceMinor,
      shippingMinor: shippingFor(entry.sellerRate, deps.config),
      from: { showId: p.showId, entryId: p.entryId, hostId: entry.hostId, commissionBps: entry.commissionBps },
      soldOut: 'Sold out since the show: join the waitlist to get the next one.',
    };
  });
};

/** Waits for a sold-out item: the next unit released (an unpaid order) is offered in turn, after the show's own waitlist. */
export const waitForReplayItem = async (deps: Pick<TDomainDeps, 'db'>, p: { showId: string; entryId: string; userId: string }) => {
  await recordingOfShow(deps.db, p.showId);
  const entry = await queryRow(deps.db, z.object({ one: z.number() }), 'select 1 as one from show_entries where id = $1 and show_id = $2', [p.entryId, p.showId]);
  if (!entry) throw new AppError('NOT_FOUND', 'That item is not in this show.');
  if (((await replayAvailability(deps.db, [p.entryId])).get(p.entryId) ?? 0) > 0) {
    throw new AppError('CONFLICT', 'This item is still available: buy it instead.');
  }
  await execute(deps.db, 'insert into replay_waitlist (entry_id, user_id) values ($1, $2) on conflict do nothing', [p.entryId, p.userId]);
  return { waiting: true as const };
};
