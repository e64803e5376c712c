import { execute, type TQueryable } from '@showcart/common';

/**
 * A claim made after its show (a replay purchase, an accepted waitlist offer): the next
 * place in its item's order, with no place in the live log.
 */
export const insertClaimAfterShow = (tx: TQueryable, p: { claimId: string; showId: string; entryId: string; buyerId: string; priceMinor: number }) =>
  execute(tx,
    `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at)
     select $1, $2, $3, $4, null, coalesce(max(position), 0) + 1, $5, now() from claims where entry_id = $3`,
    [p.claimId, p.showId, p.entryId, p.buyerId, p.priceMinor],
  );

/** A claim bought from the closet (Buy now on a listing's page): no show, no entry, the only claim of its order. */
export const insertClosetClaim = (tx: TQueryable, p: { claimId: string; variantId: string; buyerId: string; priceMinor: number }) =>
  execute(tx,
    `insert into claims (id, show_id, entry_id, variant_id, buyer_id, seq, position, price_minor, claimed_at)
     values ($1, null, null, $2, $3, null, 1, $4, now())`,
    [p.claimId, p.variantId, p.buyerId, p.priceMinor],
  );
