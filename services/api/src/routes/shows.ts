import { roomNameOf, withTransaction } from '@showcart/common';
import { createShowEngine, findShow, findShowDetail, findShowEntry, listShows, unitsForNewEntry } from '@showcart/domain';
import { AppError, ZAddEntryBody, ZCreateShowBody, type TItemReceipts, type TLiveKitGrant } from '@showcart/shared';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';
import { parseWith, ZIdParam } from '../http.ts';

export const showRoutes = ({ db, redis, livekit, config }: TApiDeps) => {
  const router = Router();
  const engine = createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs });

  router.get('/', async (_req, res) => {
    res.json({ shows: await listShows(db) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const show = await findShowDetail(db, id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    res.json(show);
  });

  /** A host schedules a show from variants of its own closet. */
  router.post('/', async (req, res) => {
    const user = currentUser(res);
    const body = parseWith(ZCreateShowBody, req.body);
    const variantIds = body.entries.map((e) => e.variantId);
    if (new Set(variantIds).size !== variantIds.length) {
      throw new AppError('INVALID_INPUT', 'entries: each variant may appear once.');
    }
    const showId = await withTransaction(db, async (tx) => {
      const { rows: variants } = await tx.query<{ id: string; priceMinor: number }>(
        `select v.id, l.price_minor as "priceMinor"
           from listing_variants v join listings l on l.id = v.listing_id
          where v.id = any($1::uuid[]) and l.seller_id = $2 and l.deleted_at is null
          order by v.id for update of v`,
        [variantIds, user.id],
      );
      // Locked in one order, so that two shows made at once from the same closet never deadlock.
      const byId = new Map(variants.map((v) => [v.id, v]));
      const { rows } = await tx.query<{ id: string }>(
        'insert into shows (host_id, title, scheduled_at) values ($1, $2, $3) returning id',
        [user.id, body.title, body.scheduledAt ?? null],
      );
      const created = rows[0]!.id;
      for (const [position, entry] of body.entries.entries()) {
        const variant = byId.get(entry.variantId);
        if (!variant) {
          throw new AppError('NOT_FOUND', `entries.${position}: no such variant in your closet.`);
        }
        // The entry holds its units from now on: they are the show's until it settles.
        const quantity = await unitsForNewEntry(tx, { variantId: variant.id, quantity: entry.quantity, where: `entries.${position}: ` });
        await tx.query(
          `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
           values ($1, $2, $3, $4, $5, $6)`,
          [created, position, variant.id, user.id, entry.priceMinor ?? variant.priceMinor, quantity],
        );
      }
      return created;
    });
    res.status(201).json(await findShowDetail(db, showId));
  });

  /** The host adds one of its own items to the queue, also while live: viewers see it at once. */
  router.post('/:id/entries', async (req, res) => {
    const user = currentUser(res);
    const { id } = parseWith(ZIdParam, req.params);
    const body = parseWith(ZAddEntryBody, req.body);
    const show = await findShow(db, id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    if (show.hostId !== user.id) throw new AppError('FORBIDDEN');
    if (show.status !== 'scheduled' && show.status !== 'live') throw new AppError('SHOW_ENDED');
    const entryId = await withTransaction(db, async (tx) => {
      const { rows: variants } = await tx.query<{ priceMinor: number }>(
        `select l.price_minor as "priceMinor" from listing_variants v join listings l on l.id = v.listing_id
          where v.id = $1 and l.seller_id = $2 and l.deleted_at is null`,
        [body.variantId, user.id],
      );
      if (!variants[0]) throw new AppError('NOT_FOUND', 'That item is not in your closet.');
      const quantity = await unitsForNewEntry(tx, { variantId: body.variantId, quantity: body.quantity });
      const { rows } = await tx.query<{ id: string }>(
        `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity)
         values ($1, coalesce((select max(position) + 1 from show_entries where show_id = $1), 0), $2, $3, $4, $5)
         on conflict (show_id, variant_id) do nothing
         returning id`,
        [show.id, body.variantId, user.id, body.priceMinor ?? variants[0].priceMinor, quantity],
      );
      if (!rows[0]) throw new AppError('CONFLICT', 'That item is in the show already.');
      return rows[0].id;
    });
    const entry = await findShowEntry(db, entryId);
    if (entry) await engine.addEntry(show.id, entry);
    res.status(201).json(entry);
  });

  /** Every item's claims in decision order, once the show's log is persisted (settled). */
  router.get('/:id/receipts', async (req, res) => {
    const { id } = parseWith(ZIdParam, req.params);
    const show = await findShow(db, id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    if (show.status !== 'settled') {
      throw new AppError('CONFLICT', 'Receipts are ready once the show has ended and been settled.');
    }
    const { rows } = await db.query<TItemReceipts>(
      `select e.id as "entryId", l.title, v.label as "variantLabel", e.quantity,
              coalesce(json_agg(json_build_object(
                'claimId', c.id, 'position', c.position, 'seq', c.seq,
                'claimedAt', to_char(c.claimed_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'buyerName', u.display_name, 'status', c.status) order by c.seq)
                filter (where c.id is not null), '[]') as claims
         from show_entries e
         join listing_variants v on v.id = e.variant_id
         join listings l on l.id = v.listing_id
         left join claims c on c.entry_id = e.id
         left join users u on u.id = c.buyer_id
        where e.show_id = $1
        group by e.id, l.title, v.label
        order by e.position`,
      [id],
    );
    res.json({ items: rows });
  });

  /** A LiveKit grant for this show's room: publish for its host, subscribe for everyone else. */
  router.post('/:id/livekit', async (req, res) => {
    const user = currentUser(res);
    const { id } = parseWith(ZIdParam, req.params);
    const show = await findShow(db, id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    if (show.status === 'ended' || show.status === 'settled') throw new AppError('SHOW_ENDED');
    const role = show.hostId === user.id ? 'host' : 'viewer';
    const room = roomNameOf(show.id);
    // A viewer may watch in several tabs; LiveKit drops an identity that joins twice.
    const identity =
      role === 'host' ? `host-${user.id}` : `viewer-${user.id}-${Math.random().toString(36).slice(2, 8)}`;
    const grant: TLiveKitGrant = {
      url: livekit.url,
      room,
      role,
      token: await livekit.mintToken({ room, identity, name: user.displayName, role }),
    };
    res.json(grant);
  });

  return router;
};
