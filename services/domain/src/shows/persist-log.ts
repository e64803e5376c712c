import { execute, queryRows, readShowLog, type Redis, type TDb, withTransaction } from '@showcart/common';
import { z } from 'zod';

/** Events copied per transaction: bounded so a long show does not hold one huge one. */
const BATCH = 1_000;

/**
 * Copies a show's Redis log into Postgres, from the last persisted seq on. Claims become
 * rows of their own. Idempotent: (show_id, seq) and claim ids are keys, so a repeat or a
 * concurrent run inserts nothing twice.
 */
export const persistShowLog = async (db: TDb, redis: Redis, showId: string): Promise<number> => {
  let copied = 0;
  for (;;) {
    const rows = await queryRows(db, z.object({ last: z.number() }),
      'select coalesce(max(seq), 0) as last from show_events where show_id = $1',
      [showId],
    );
    const events = await readShowLog(redis, showId, rows[0]?.last ?? 0, BATCH);
    if (events.length === 0) return copied;
    await withTransaction(db, async (tx) => {
      for (const event of events) {
        await execute(tx,
          `insert into show_events (show_id, seq, type, at, payload)
           values ($1, $2, $3, to_timestamp($4 / 1000.0), $5) on conflict do nothing`,
          [showId, event.seq, event.type, event.at, event],
        );
        if (event.type === 'claim.created') {
          await execute(tx,
            `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at)
             values ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0)) on conflict do nothing`,
            [event.claimId, showId, event.entryId, event.userId, event.seq, event.position, event.priceMinor, event.at],
          );
        } else if (event.type === 'claim.voided') {
          // A voided claim is never charged: settlement bundles only claims still 'won'.
          await execute(tx, `update claims set status = 'voided' where id = $1 and status = 'won'`, [event.claimId]);
        }
      }
    });
    copied += events.length;
  }
};
