import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createRecordingStore, enqueue, JOBS, jobIds, withTransaction, type TQueryable } from '@showcart/common';
import { holdClaimUnit, insertOrder, lockFreeUnits, shippingFor } from '@showcart/domain';
import {
  AppError,
  buildTimeline,
  ZReplayBuyBody,
  ZReplayListedBody,
  ZShowEvent,
  type TReplay,
  type TSegmentTime,
  type TShowEvent,
} from '@showcart/shared';
import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';
import { parseWith, ZIdParam } from '../http.ts';
import { buyersOrder } from './orders.ts';

const ZEntryParams = z.strictObject({ id: z.uuid(), entryId: z.uuid() });
const ZSegmentParams = z.strictObject({ id: z.uuid(), part: z.coerce.number().int().min(0).max(10_000), file: z.string().regex(/^seg-\d{5}\.ts$/) });

type TRecordingRow = {
  id: string; showId: string; title: string; hostId: string; hostName: string; backend: string; status: string;
  listed: boolean; startedAt: Date; endedAt: Date | null; playlistUrl: string | null; showStatus: string;
};

/** The show's recording, for anyone who may see it: an unlisted replay too (by its link), a deleted one to nobody. */
const recordingOfShow = async (db: TQueryable, showId: string): Promise<TRecordingRow> => {
  const { rows } = await db.query<TRecordingRow>(
    `select r.id, s.id as "showId", s.title, s.host_id as "hostId", h.display_name as "hostName", r.backend, r.status,
            r.listed, r.started_at as "startedAt", r.ended_at as "endedAt", r.playlist_url as "playlistUrl",
            s.status as "showStatus"
       from shows s join users h on h.id = s.host_id left join recordings r on r.show_id = s.id where s.id = $1`,
    [showId],
  );
  const r = rows[0];
  if (!r) throw new AppError('NOT_FOUND', 'No such show.');
  if (!r.id || r.status === 'deleted' || r.status === 'failed') throw new AppError('NO_REPLAY');
  if (r.status === 'recording' || r.showStatus === 'live') throw new AppError('REPLAY_NOT_READY');
  return r;
};

/** Units of each entry's variant a replay can still sell: those no channel holds (services/common/src/stock.ts). */
export const replayAvailability = async (db: TQueryable, entryIds: string[]): Promise<Map<string, number>> => {
  const { rows } = await db.query<{ entryId: string; available: number }>(
    `select e.id as "entryId", (v.quantity - v.reserved)::int as available
       from show_entries e join listing_variants v on v.id = e.variant_id
       join listings l on l.id = v.listing_id
      where e.id = any($1::uuid[]) and l.deleted_at is null`,
    [entryIds],
  );
  return new Map(rows.map((r) => [r.entryId, r.available]));
};

const segmentsOf = async (db: TQueryable, recordingId: string) =>
  (await db.query<{ part: number; seq: number; startedAt: Date; durationMs: number; path: string }>(
    `select part, seq, started_at as "startedAt", duration_ms as "durationMs", path
       from recording_segments where recording_id = $1 order by part, seq`,
    [recordingId],
  )).rows;

/** Replays: the recording as HLS, its timeline, buying from it, and the host's unlist and delete. */
export const replayRoutes = ({ db, config, settlementQueue, logger }: TApiDeps) => {
  const router = Router();
  const store = createRecordingStore(config.recordings);

  router.get('/replays/:id', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const rec = await recordingOfShow(db, id);
    const segs = await segmentsOf(db, rec.id);
    const segments: TSegmentTime[] = rec.backend === 'egress'
      ? [{ startedAt: rec.startedAt.getTime(), durationMs: (rec.endedAt ?? new Date()).getTime() - rec.startedAt.getTime() }]
      : segs.map((s) => ({ startedAt: s.startedAt.getTime(), durationMs: s.durationMs }));
    const { rows: events } = await db.query<{ seq: string; type: string; at: Date; payload: Record<string, unknown> }>(
      'select seq, type, at, payload from show_events where show_id = $1 order by seq',
      [id],
    );
    const parsed: TShowEvent[] = events.flatMap((e) => {
      const r = ZShowEvent.safeParse({ ...e.payload, type: e.type, seq: Number(e.seq), at: e.at.getTime() });
      return r.success ? [r.data] : [];
    });
    const { rows: entries } = await db.query<{
      entryId: string; title: string; variantLabel: string; photoUrl: string; sellerName: string; cohosted: boolean;
      priceMinor: number; currency: 'usd';
    }>(
      `select e.id as "entryId", l.title, v.label as "variantLabel", l.photo_url as "photoUrl", u.display_name as "sellerName",
              (e.cohost_item_id is not null) as cohosted, e.price_minor as "priceMinor", l.currency
         from show_entries e join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
         join users u on u.id = e.seller_id where e.show_id = $1`,
      [id],
    );
    const available = await replayAvailability(db, entries.map((e) => e.entryId));
    const timeline = buildTimeline({
      events: parsed,
      entries: entries.map((e) => ({ ...e, available: available.get(e.entryId) ?? 0 })),
      segments,
    });
    const replay: TReplay = {
      showId: id,
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
    res.json(replay);
  });

  /**
   * The built-in recorder's segments as one VOD playlist: a discontinuity where a recorder
   * crashed and resumed, and each segment's time on the server clock.
   */
  router.get('/recordings/:id/index.m3u8', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const { rows } = await db.query<{ status: string; showId: string }>('select status, show_id as "showId" from recordings where id = $1', [id]);
    if (!rows[0] || rows[0].status === 'deleted') throw new AppError('NO_REPLAY');
    const segs = await segmentsOf(db, id);
    if (segs.length === 0) throw new AppError('REPLAY_NOT_READY');
    const lines = [
      '#EXTM3U', '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...segs.map((s) => s.durationMs)) / 1_000)}`,
      '#EXT-X-MEDIA-SEQUENCE:0', `#EXT-X-PLAYLIST-TYPE:${rows[0].status === 'ready' ? 'VOD' : 'EVENT'}`,
      '#EXT-X-INDEPENDENT-SEGMENTS',
    ];
    segs.forEach((s, i) => {
      if (i > 0 && segs[i - 1]!.part !== s.part) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.startedAt.toISOString()}`, `#EXTINF:${(s.durationMs / 1_000).toFixed(3)},`, `${s.part}/${path.basename(s.path)}`);
    });
    if (rows[0].status === 'ready') lines.push('#EXT-X-ENDLIST');
    res.type('application/vnd.apple.mpegurl').set('cache-control', 'no-cache').send(`${lines.join('\n')}\n`);
  });

  router.get('/recordings/:id/:part/:file', async (req, res) => {
    const { id, part, file } = parseWith(ZSegmentParams, req.params);
    const { rows } = await db.query<{ path: string }>(
      `select s.path from recording_segments s join recordings r on r.id = s.recording_id
        where s.recording_id = $1 and s.part = $2 and s.path = $3 and r.status <> 'deleted'`,
      [id, part, path.join(`part-${part}`, file)],
    );
    if (!rows[0]) throw new AppError('NOT_FOUND', 'No such segment.');
    const segment = await store.open(path.join(id, rows[0].path));
    if (!segment) throw new AppError('NOT_FOUND', 'No such segment.');
    res.type('video/mp2t').set({ 'content-length': String(segment.size), 'cache-control': 'private, max-age=86400' });
    // A viewer who seeks away closes the request: the store's stream is closed with it.
    await pipeline(segment.body, res).catch((error: unknown) => {
      if (!res.destroyed) logger.warn({ err: error, recordingId: id }, 'segment send failed');
    });
  });

  const hostsRecording = async (showId: string, userId: string) => {
    const { rows } = await db.query<{ id: string; hostId: string; status: string; backend: string }>(
      `select r.id, s.host_id as "hostId", r.status, r.backend from shows s left join recordings r on r.show_id = s.id where s.id = $1`,
      [showId],
    );
    const r = rows[0];
    if (!r) throw new AppError('NOT_FOUND', 'No such show.');
    if (r.hostId !== userId) throw new AppError('FORBIDDEN', 'Only the host can change this replay.');
    if (!r.id) throw new AppError('NO_REPLAY');
    return { recordingId: r.id, status: r.status, backend: r.backend };
  };

  router.patch('/replays/:id', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const { listed } = parseWith(ZReplayListedBody, req.body);
    const { recordingId, status } = await hostsRecording(id, currentUser(res).id);
    if (status === 'deleted') throw new AppError('NO_REPLAY');
    await db.query('update recordings set listed = $2 where id = $1', [recordingId, listed]);
    res.json({ listed });
  });

  /**
   * Deletes a replay for good: its rows go, then its files. Deleting again is no error and
   * removes the files again, so a store that failed the first time is tried once more.
   */
  router.delete('/replays/:id', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const { recordingId, status, backend } = await hostsRecording(id, currentUser(res).id);
    if (status === 'recording') throw new AppError('CONFLICT', 'The show is still being recorded.');
    await withTransaction(db, async (tx) => {
      await tx.query(`update recordings set status = 'deleted', ended_at = coalesce(ended_at, now()) where id = $1`, [recordingId]);
      await tx.query('delete from recording_segments where recording_id = $1', [recordingId]);
    });
    // Egress writes under the show's id (it starts before the recording's row exists).
    await store.remove(backend === 'egress' ? id : recordingId);
    logger.info({ showId: id, recordingId }, 'replay deleted');
    res.status(204).end();
  });

  /**
   * Buys one unit of an item from a replay, at its last live price, as an order of its
   * own charged at once by the settlement workers. The attempt id makes a retry the same
   * purchase; the variant's row lock makes two buyers of the last unit one winner.
   */
  router.post('/replays/:id/entries/:entryId/buy', async (req, res) => {
    const { id, entryId } = parseWith(ZEntryParams, req.params);
    const { attemptId } = parseWith(ZReplayBuyBody, req.body);
    const user = currentUser(res);
    await recordingOfShow(db, id);
    const orderId = await withTransaction(db, async (tx) => {
      const { rows: again } = await tx.query<{ orderId: string | null; buyerId: string }>(
        `select oi.order_id as "orderId", c.buyer_id as "buyerId" from claims c left join order_items oi on oi.claim_id = c.id where c.id = $1`,
        [attemptId],
      );
      if (again[0]) {
        if (again[0].buyerId !== user.id || !again[0].orderId) throw new AppError('CONFLICT', 'Use a new attempt id.');
        return again[0].orderId;
      }
      const { rows } = await tx.query<{
        variantId: string; sellerId: string; hostId: string; currency: string; commissionBps: number;
        sellerRate: number | null; priceMinor: number;
      }>(
        `select e.variant_id as "variantId", e.seller_id as "sellerId", s.host_id as "hostId", l.currency,
                e.commission_bps as "commissionBps", u.shipping_fee_minor as "sellerRate",
                coalesce((select (payload->>'priceMinor')::int from show_events
                           where show_id = s.id and type = 'entry.priceChanged' and payload->>'entryId' = e.id::text
                           order by seq desc limit 1), e.price_minor) as "priceMinor"
           from show_entries e join shows s on s.id = e.show_id join listing_variants v on v.id = e.variant_id
           join listings l on l.id = v.listing_id join users u on u.id = e.seller_id
          where e.id = $1 and e.show_id = $2 and l.deleted_at is null`,
        [entryId, id],
      );
      const entry = rows[0];
      if (!entry) throw new AppError('NOT_FOUND', 'That item is not in this show, or no longer listed.');
      if (entry.sellerId === user.id) throw new AppError('FORBIDDEN', 'You cannot buy your own item.');
      if (!user.hasPaymentMethod) throw new AppError('NO_PAYMENT_METHOD');
      // The variant's row lock first: buyers of the same item take their places one by one.
      if (((await lockFreeUnits(tx, entry.variantId)) ?? 0) < 1) {
        throw new AppError('SOLD_OUT', 'Sold out since the show: join the waitlist to get the next one.');
      }
      await tx.query(
        `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at)
         select $1, $2, $3, $4, null, coalesce(max(position), 0) + 1, $5, now() from claims where entry_id = $3`,
        [attemptId, id, entryId, user.id, entry.priceMinor],
      );
      // The claim holds its unit from the closet's free stock: two buyers of the last unit,
      // or a live show raising the same item, get one winner.
      await holdClaimUnit(tx, attemptId);
      return insertOrder(tx, {
        showId: id, buyerId: user.id, sellerId: entry.sellerId, hostId: entry.hostId, currency: entry.currency,
        origin: 'replay', claims: [{ id: attemptId, priceMinor: entry.priceMinor, commissionBps: entry.commissionBps }],
        shippingMinor: shippingFor(entry.sellerRate, config), platformFeeBps: config.platformFeeBps,
      });
    });
    if (!orderId) throw new AppError('CONFLICT', 'That purchase could not be made; try again.');
    await enqueue(settlementQueue, JOBS.chargeOrder.name, { orderId }, jobIds.chargeOrder(orderId));
    res.status(201).json({ order: await buyersOrder(db, orderId, user.id) });
  });

  /** Waits for a sold-out item: the next unit released (an unpaid order) is offered in turn. */
  router.post('/replays/:id/entries/:entryId/waitlist', async (req, res) => {
    const { id, entryId } = parseWith(ZEntryParams, req.params);
    const user = currentUser(res);
    await recordingOfShow(db, id);
    const { rows } = await db.query('select 1 from show_entries where id = $1 and show_id = $2', [entryId, id]);
    if (!rows[0]) throw new AppError('NOT_FOUND', 'That item is not in this show.');
    if (((await replayAvailability(db, [entryId])).get(entryId) ?? 0) > 0) {
      throw new AppError('CONFLICT', 'This item is still available: buy it instead.');
    }
    await db.query('insert into replay_waitlist (entry_id, user_id) values ($1, $2) on conflict do nothing', [entryId, user.id]);
    res.status(201).json({ waiting: true });
  });

  return router;
};
