import { randomUUID } from 'node:crypto';
import { execute, queryRows, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import { holdOfferUnit } from '../catalog/stock.ts';

/**
 * Who is still waiting for an entry after its show: the live waitlist at the end of the
 * show (joins, less those who left or were offered a unit), in order, less anyone already
 * offered a unit after the show and the buyer who let the unit go.
 */
export const waitingAfterShow = async (tx: TQueryable, p: { showId: string; entryId: string; exceptUserId: string }) => {
  const rows = await queryRows(tx, z.object({ type: z.string(), userId: z.string() }),
    `select type, payload->>'userId' as "userId" from show_events
      where show_id = $1 and payload->>'entryId' = $2
        and type in ('waitlist.joined', 'waitlist.left', 'waitlist.offered')
      order by seq`,
    [p.showId, p.entryId],
  );
  let line: string[] = [];
  for (const e of rows) {
    line = line.filter((u) => u !== e.userId);
    if (e.type === 'waitlist.joined') line.push(e.userId);
  }
  const offered = await queryRows(tx, z.object({ userId: z.string() }),
    'select user_id as "userId" from waitlist_offers where entry_id = $1',
    [p.entryId],
  );
  // Then those who joined from the replay, in the order they joined.
  const fromReplay = await queryRows(tx, z.object({ userId: z.string() }),
    'select user_id as "userId" from replay_waitlist where entry_id = $1 order by joined_at, user_id',
    [p.entryId],
  );
  for (const r of fromReplay) if (!line.includes(r.userId)) line.push(r.userId);
  const done = new Set([...offered.map((o) => o.userId), p.exceptUserId]);
  return line.filter((u) => !done.has(u));
};

/**
 * Offers a released unit to the next buyer waiting for its entry, until `expiresAt`; the
 * offer holds the unit (the caller has let go of the hold that had it). Returns the
 * offer's id, or null when nobody is waiting: the unit is free in its seller's closet.
 */
export const offerReleasedUnit = async (
  tx: TQueryable,
  p: { releasedClaimId: string; exceptUserId: string; expiresAt: Date },
): Promise<string | null> => {
  const rows = await queryRows(tx, z.object({ showId: z.string(), entryId: z.string(), priceMinor: z.number() }),
    'select show_id as "showId", entry_id as "entryId", price_minor as "priceMinor" from claims where id = $1 and entry_id is not null',
    [p.releasedClaimId],
  );
  const claim = rows[0];
  if (!claim) return null;
  const [next] = await waitingAfterShow(tx, { showId: claim.showId, entryId: claim.entryId, exceptUserId: p.exceptUserId });
  if (!next) return null;
  const id = randomUUID();
  const rowCount = await execute(tx,
    `insert into waitlist_offers (id, show_id, entry_id, user_id, released_claim_id, price_minor, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
    [id, claim.showId, claim.entryId, next, p.releasedClaimId, claim.priceMinor, p.expiresAt],
  );
  if (!rowCount) return null;
  await holdOfferUnit(tx, id);
  return id;
};

