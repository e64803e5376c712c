import { queryRows } from '@showcart/common';
import { AppError, ZItemReceipts, type TItemReceipts } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { findShow } from './repo.ts';

/** Every item's claims in decision order, once the show's log is persisted (settled): the proof of first come, first served. */
export const showReceipts = async (deps: Pick<TDomainDeps, 'db'>, showId: string): Promise<TItemReceipts[]> => {
  const show = await findShow(deps.db, showId);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.status !== 'settled') throw new AppError('CONFLICT', 'Receipts are ready once the show has ended and been settled.');
  return queryRows(deps.db, ZItemReceipts,
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
    [showId],
  );
};
