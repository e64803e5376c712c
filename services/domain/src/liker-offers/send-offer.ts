import { execute, queryRow, queryRows, type TQueryable, withTransaction } from '@showcart/common';
import { AppError, formatMoney, ZCurrency, type TLikerOfferBody, type TLikerOfferSend } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notify } from '../notifications/notify.ts';
import { shippingFor } from '../orders/insert-order.ts';

/**
 * Offers to likers (issue 17 point 4): a seller sends everyone who likes its listing a
 * private price below the current one, and optionally a discount on its shipping fee, for
 * a while. Each liker at the time of sending gets one offer (`liker_offers`), used at most
 * once (`liker_offer_uses`), at the closet checkout or in a live claim (use-offer.ts).
 */

const ZSendRow = z.object({
  id: z.string(), listingId: z.string(), sellerId: z.string(), currency: ZCurrency, priceMinor: z.number(),
  shippingDiscountMinor: z.number(), createdAt: z.date(), expiresAt: z.date(), recipients: z.number(), used: z.number(),
});

const SEND_SELECT = `select s.id, s.listing_id as "listingId", s.seller_id as "sellerId", s.currency, s.price_minor as "priceMinor",
        s.shipping_discount_minor as "shippingDiscountMinor", s.created_at as "createdAt", s.expires_at as "expiresAt", s.recipients,
        (select count(*)::int from liker_offers o join liker_offer_uses u on u.offer_id = o.id where o.send_id = s.id) as used
   from liker_offer_sends s`;

const toSend = ({ sellerId: _, createdAt, expiresAt, ...s }: z.infer<typeof ZSendRow>): TLikerOfferSend =>
  ({ ...s, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString() });

/** The listing's send running now, if any. */
export const activeSend = async (db: TQueryable, listingId: string): Promise<TLikerOfferSend | null> => {
  const row = await queryRow(db, ZSendRow, `${SEND_SELECT} where s.listing_id = $1 and now() < s.expires_at`, [listingId]);
  return row ? toSend(row) : null;
};

/** Who would receive a send now: the listing's likers, its seller left out. */
export const LIKERS_OF = 'select user_id from likes where listing_id = $1 and user_id <> $2';

const ZListingRow = z.object({
  sellerId: z.string(), priceMinor: z.number(), currency: ZCurrency, sellerRate: z.number().nullable(), listed: z.boolean(),
});

/**
 * The seller sends the offer to the listing's likers, and they are told. Refused, changing
 * nothing: another's listing (FORBIDDEN), one unlisted (LISTING_UNAVAILABLE), a price not
 * below the current one or a shipping discount above the fee (OFFER_NOT_LOWER), a send
 * still running (OFFER_ACTIVE), no likers (NO_LIKERS). The listing's row lock orders a send
 * with likes (their counter takes it) and with price changes; the exclusion constraint
 * `liker_offer_sends_one_active` backs the one-at-a-time rule. The attempt id is the send's
 * id: a retry answers the same send and tells nobody twice.
 */
export const sendLikerOffer = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'config'>,
  p: TLikerOfferBody & { listingId: string; sellerId: string },
): Promise<TLikerOfferSend> => {
  const sent = await withTransaction(deps.db, async (tx) => {
    const again = await queryRow(tx, ZSendRow, `${SEND_SELECT} where s.id = $1`, [p.attemptId]);
    if (again) {
      if (again.sellerId !== p.sellerId || again.listingId !== p.listingId) throw new AppError('CONFLICT', 'Use a new attempt id.');
      return again;
    }
    const listing = await queryRow(tx, ZListingRow,
      `select l.seller_id as "sellerId", l.price_minor as "priceMinor", l.currency, u.shipping_fee_minor as "sellerRate",
              l.unlisted_at is null as listed
         from listings l join users u on u.id = l.seller_id
        where l.id = $1 and l.deleted_at is null
        for update of l`,
      [p.listingId],
    );
    if (!listing) throw new AppError('NOT_FOUND', 'No such listing.');
    if (listing.sellerId !== p.sellerId) throw new AppError('FORBIDDEN', 'Only its seller sends offers to a listing’s likers.');
    if (!listing.listed) throw new AppError('LISTING_UNAVAILABLE', 'List it again first: likers cannot buy an unlisted listing.');
    const money = (minor: number) => formatMoney(minor, listing.currency);
    if (p.priceMinor >= listing.priceMinor) {
      throw new AppError('OFFER_NOT_LOWER', `The offer must be below the current price of ${money(listing.priceMinor)}.`);
    }
    const shippingMinor = shippingFor(listing.sellerRate, deps.config);
    if (p.shippingDiscountMinor > shippingMinor) {
      throw new AppError('OFFER_NOT_LOWER', `The shipping discount can be at most the shipping fee of ${money(shippingMinor)}.`);
    }
    if (await activeSend(tx, p.listingId)) throw new AppError('OFFER_ACTIVE');
    const likers = await queryRow(tx, z.object({ n: z.number() }), `select count(*)::int as n from (${LIKERS_OF}) k`, [p.listingId, p.sellerId]);
    if (!likers?.n) throw new AppError('NO_LIKERS');
    await execute(tx,
      `insert into liker_offer_sends (id, listing_id, seller_id, currency, price_minor, shipping_discount_minor, expires_at, recipients)
       values ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7), $8)`,
      [p.attemptId, p.listingId, p.sellerId, listing.currency, p.priceMinor, p.shippingDiscountMinor, p.durationHours, likers.n],
    );
    await execute(tx,
      `insert into liker_offers (send_id, listing_id, user_id) select $3, $1, k.user_id from (${LIKERS_OF}) k`,
      [p.listingId, p.sellerId, p.attemptId],
    );
    return (await queryRow(tx, ZSendRow, `${SEND_SELECT} where s.id = $1`, [p.attemptId]))!;
  });
  await tellLikers(deps, sent);
  return toSend(sent);
};

/**
 * Each recipient of a send is told once (the event id is the send's). The audience is the
 * send's own rows, not the likers at fan-out time: someone who liked after the send has no
 * offer to be told of.
 */
const tellLikers = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, send: z.infer<typeof ZSendRow>) => {
  const listing = await queryRow(deps.db, z.object({ title: z.string(), priceMinor: z.number(), sellerName: z.string() }),
    `select l.title, l.price_minor as "priceMinor", u.display_name as "sellerName" from listings l join users u on u.id = l.seller_id where l.id = $1`,
    [send.listingId]);
  if (!listing) return;
  const recipients = await queryRows(deps.db, z.object({ userId: z.string() }), 'select user_id as "userId" from liker_offers where send_id = $1', [send.id]);
  const money = (minor: number) => formatMoney(minor, send.currency);
  const shipping = send.shippingDiscountMinor > 0 ? `, and ${money(send.shippingDiscountMinor)} off shipping` : '';
  await notify(deps, {
    eventId: `liker-offer:${send.id}`,
    kind: 'liker_offer',
    audience: { type: 'list', userIds: recipients.map((r) => r.userId) },
    payload: {
      title: `${money(send.priceMinor)} for you: ${listing.title}`.slice(0, 120),
      body: `${listing.sellerName} offers you ${money(send.priceMinor)} instead of ${money(listing.priceMinor)}${shipping}, `
        + `until ${send.expiresAt.toUTCString()}.`,
      url: `/listings/${send.listingId}`,
    },
  });
};
