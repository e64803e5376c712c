import { queryRow } from '@showcart/common';
import { formatMoney, ZCurrency, ZShowStatus } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notifyQuietly } from './notify.ts';
import { clip } from './words.ts';

/**
 * What a listing's likers hear (its seller never does): its price dropped in the closet,
 * it is featured in a live show now, or its price was lowered there. A show's notices
 * open the show at the item (`/shows/:id?item=<entryId>`, which the watch page scrolls to
 * and marks). Each event id is made of our own ids, so a retried step tells no one twice.
 */

type TTellDeps = Pick<TDomainDeps, 'db' | 'queue' | 'logger'>;

/** A liked listing's price in the closet went down (`changedAt`: the update's own time, one event per change). */
export const tellClosetPriceDrop = async (
  deps: TTellDeps,
  p: { listingId: string; fromMinor: number; toMinor: number; changedAt: Date },
) => {
  if (p.toMinor >= p.fromMinor) return;
  const listing = await queryRow(deps.db, z.object({ title: z.string(), currency: ZCurrency, seller: z.string(), listed: z.boolean(), likes: z.number() }),
    `select l.title, l.currency, u.display_name as seller, l.deleted_at is null and l.unlisted_at is null as listed, l.like_count as likes
       from listings l join users u on u.id = l.seller_id where l.id = $1`,
    [p.listingId]);
  // Nobody likes it: no event to record (the count is kept by a trigger on likes).
  if (!listing?.listed || listing.likes === 0) return;
  await notifyQuietly(deps, {
    eventId: `price-drop:${p.listingId}:${p.changedAt.getTime()}`,
    kind: 'price_drop',
    audience: { type: 'likers', listingId: p.listingId },
    payload: {
      title: clip(`Price drop: ${listing.title}, now ${formatMoney(p.toMinor, listing.currency)}`, 120),
      body: `It was ${formatMoney(p.fromMinor, listing.currency)}. ${listing.seller} lowered the price of an item you like.`,
      url: `/listings/${p.listingId}`,
    },
  });
};

const ZEntryNotice = z.object({
  listingId: z.string(), title: z.string(), closetMinor: z.number(), currency: ZCurrency, host: z.string(), status: ZShowStatus, likes: z.number(),
});
const entryNotice = (deps: Pick<TDomainDeps, 'db'>, p: { showId: string; entryId: string }) =>
  queryRow(deps.db, ZEntryNotice,
    `select l.id as "listingId", l.title, l.price_minor as "closetMinor", l.currency, u.display_name as host, s.status, l.like_count as likes
       from show_entries e join shows s on s.id = e.show_id join users u on u.id = s.host_id
       join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
      where e.id = $2 and e.show_id = $1`,
    [p.showId, p.entryId]);

/**
 * An entry is featured in a live show: its listing's likers hear, once per show and entry
 * (featured again later, it tells no one again). Featured below the closet's price, it is
 * told as a price drop (one notice, not two, for one tap of the host's); otherwise as on now.
 */
export const tellFeatured = async (deps: TTellDeps & Pick<TDomainDeps, 'engine'>, p: { showId: string; entryId: string }) => {
  const entry = await entryNotice(deps, p);
  if (!entry || entry.status !== 'live' || entry.likes === 0) return;
  const liveMinor = await deps.engine.entryPrice(p.showId, p.entryId);
  if (liveMinor === null) return;
  const cheaper = liveMinor < entry.closetMinor;
  const price = formatMoney(liveMinor, entry.currency);
  await notifyQuietly(deps, {
    eventId: `featured:${p.showId}:${p.entryId}`,
    kind: cheaper ? 'price_drop' : 'liked_featured',
    audience: { type: 'likers', listingId: entry.listingId },
    payload: {
      title: clip(cheaper ? `${entry.title}: ${price} live now` : `On now: ${entry.title}`, 120),
      body: cheaper
        ? `An item you like is featured in ${entry.host}’s live show at ${price} (${formatMoney(entry.closetMinor, entry.currency)} in the closet). Claim it while it is on.`
        : `An item you like is featured in ${entry.host}’s live show at ${price}. Claim it while it is on.`,
      url: `/shows/${p.showId}?item=${p.entryId}`,
    },
  });
};

/**
 * The host lowered an entry's price in a live show: its likers hear when the new price is
 * below both the one before and the closet's (a price put back down after a raise is no
 * drop). `seq` is the change's place in the show's log: one event per change.
 */
export const tellLivePriceDrop = async (
  deps: TTellDeps,
  p: { showId: string; entryId: string; fromMinor: number; toMinor: number; seq: number },
) => {
  const entry = await entryNotice(deps, p);
  if (!entry || entry.status !== 'live' || entry.likes === 0 || p.toMinor >= Math.min(p.fromMinor, entry.closetMinor)) return;
  const price = formatMoney(p.toMinor, entry.currency);
  await notifyQuietly(deps, {
    eventId: `live-price-drop:${p.showId}:${p.seq}`,
    kind: 'price_drop',
    audience: { type: 'likers', listingId: entry.listingId },
    payload: {
      title: clip(`Price drop: ${entry.title}, ${price} live now`, 120),
      body: `${entry.host} lowered it from ${formatMoney(p.fromMinor, entry.currency)} in the live show. Claim it while it is on.`,
      url: `/shows/${p.showId}?item=${p.entryId}`,
    },
  });
};
