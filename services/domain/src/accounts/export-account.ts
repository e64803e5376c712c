import { queryRows, type TDbClient } from '@showcart/common';
import { ACCOUNT_EXPORT_FORMAT, AppError, photoUrl } from '@showcart/shared';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

/**
 * Everything the platform holds about a person, as one JSON document: their account, what
 * they sell and bought, what they said and to whom, what they are told and where, their
 * sessions and payouts. Secrets never: no password or token hashes, no session tokens, no
 * push keys, no Stripe ids (only a card's brand and last four digits).
 *
 * Each section is one query, read through a server-side cursor a page at a time inside one
 * read-only repeatable-read transaction: the file is one moment's picture of the account,
 * and a large account never becomes one string in memory (the route streams each page out
 * as it comes, waiting on a slow reader).
 */

/** Exports per person per hour: each reads every table the person is in. */
const EXPORTS_PER_HOUR = 5;
/** Rows read from a section's cursor at a time. */
const PAGE_ROWS = 500;

/** A section: its key in the file, one object or a list of them, and the query of its rows (`$1` the person's id). */
type TSection = { key: string; one?: true; sql: string };

/** Stripe's and the push services' identifiers are left out: they open nothing by themselves, but belong to those services. */
/** An order's lines (title, size, price), as one JSON array per order row `o`. */
const ORDER_ITEMS = `(select coalesce(json_agg(json_build_object('title', l.title, 'size', v.label, 'priceMinor', oi.price_minor)), '[]')
    from order_items oi join claims c on c.id = oi.claim_id join listing_variants v on v.id = c.variant_id
    join listings l on l.id = v.listing_id where oi.order_id = o.id)`;

const SECTIONS: TSection[] = [
  {
    key: 'account', one: true,
    sql: `select u.id, u.email, u.email_verified_at as "emailVerifiedAt", u.display_name as "displayName", u.handle, u.bio,
                 u.avatar_photo_id as "avatarPhotoId", u.greeting, u.shipping_fee_minor as "shippingFeeMinor",
                 u.handling_days as "handlingDays", u.first_sale_at as "firstSaleAt", u.is_admin as "isAdmin",
                 u.follower_count as "followerCount", u.following_count as "followingCount", u.created_at as "createdAt"
            from users u where u.id = $1`,
  },
  { key: 'card', one: true, sql: `select card_brand as brand, card_last4 as last4 from payment_profiles where user_id = $1 and card_last4 is not null` },
  {
    key: 'payoutAccount', one: true,
    sql: `select details_submitted as "detailsSubmitted", payouts_enabled as "payoutsEnabled", transfers_active as "transfersActive",
                 created_at as "createdAt" from connect_accounts where user_id = $1`,
  },
  {
    key: 'addresses',
    sql: `select id, name, line1, line2, city, region, postal_code as "postalCode", country, is_default as "isDefault",
                 created_at as "createdAt", deleted_at as "removedAt" from addresses where user_id = $1 order by created_at`,
  },
  { key: 'photos', sql: `select id as "photoId", width, height, bytes, created_at as "createdAt" from photos where owner_id = $1 order by created_at` },
  {
    key: 'listings',
    sql: `select l.id, l.title, l.description, l.brand, l.category, l.condition, l.price_minor as "priceMinor",
                 l.original_price_minor as "originalPriceMinor", l.currency, l.like_count as "likeCount", l.created_at as "createdAt",
                 l.updated_at as "updatedAt", l.unlisted_at as "unlistedAt", l.deleted_at as "deletedAt",
                 (select coalesce(json_agg(json_build_object('id', v.id, 'label', v.label, 'quantity', v.quantity) order by v.label), '[]')
                    from listing_variants v where v.listing_id = l.id) as variants,
                 (select coalesce(json_agg(p.photo_id order by p.position), '[]') from listing_photos p where p.listing_id = l.id) as "photoIds"
            from listings l where l.seller_id = $1 order by l.created_at`,
  },
  {
    key: 'likes',
    sql: `select k.listing_id as "listingId", l.title, k.created_at as "createdAt"
            from likes k join listings l on l.id = k.listing_id where k.user_id = $1 order by k.created_at`,
  },
  {
    key: 'following',
    sql: `select u.handle, u.display_name as "displayName", f.created_at as "createdAt"
            from follows f join users u on u.id = f.followee_id where f.follower_id = $1 order by f.created_at`,
  },
  {
    key: 'followers',
    sql: `select u.handle, u.display_name as "displayName", f.created_at as "createdAt"
            from follows f join users u on u.id = f.follower_id where f.followee_id = $1 order by f.created_at`,
  },
  {
    key: 'showsHosted',
    sql: `select s.id, s.title, s.description, s.category, s.status, s.scheduled_at as "scheduledAt", s.started_at as "startedAt",
                 s.ended_at as "endedAt", s.cancelled_at as "cancelledAt", s.cover_photo_id as "coverPhotoId", s.created_at as "createdAt"
            from shows s where s.host_id = $1 order by s.created_at`,
  },
  {
    key: 'claims',
    sql: `select c.id, c.show_id as "showId", l.title, v.label as size, c.price_minor as "priceMinor", c.status,
                 c.position, c.claimed_at as "claimedAt"
            from claims c join listing_variants v on v.id = c.variant_id join listings l on l.id = v.listing_id
           where c.buyer_id = $1 order by c.claimed_at`,
  },
  {
    key: 'ordersBought',
    sql: `select o.id, o.origin, o.show_id as "showId", s.handle as "sellerHandle", o.status, o.currency, o.items_minor as "itemsMinor",
                 o.shipping_minor as "shippingMinor", o.discount_minor as "discountMinor", o.total_minor as "totalMinor",
                 o.refunded_minor as "refundedMinor", o.shipping_address as "shippingAddress", o.created_at as "createdAt",
                 o.paid_at as "paidAt", o.shipped_at as "shippedAt", o.pay_by as "payBy", o.released_at as "releasedAt",
                 ${ORDER_ITEMS} as items
            from orders o join users s on s.id = o.seller_id where o.buyer_id = $1 order by o.created_at`,
  },
  {
    key: 'ordersSold',
    sql: `select o.id, o.origin, o.show_id as "showId", b.handle as "buyerHandle", o.status, o.currency, o.items_minor as "itemsMinor",
                 o.shipping_minor as "shippingMinor", o.discount_minor as "discountMinor", o.total_minor as "totalMinor",
                 o.seller_share_minor as "sellerShareMinor", o.commission_minor as "commissionMinor",
                 o.platform_fee_minor as "platformFeeMinor", o.refunded_minor as "refundedMinor",
                 o.shipping_address as "shippingAddress", o.created_at as "createdAt", o.paid_at as "paidAt", o.shipped_at as "shippedAt",
                 ${ORDER_ITEMS} as items
            from orders o join users b on b.id = o.buyer_id where o.seller_id = $1 order by o.created_at`,
  },
  {
    key: 'refunds',
    sql: `select r.id, r.order_id as "orderId", r.amount_minor as "amountMinor", r.reason, r.status, r.created_at as "createdAt",
                 r.succeeded_at as "succeededAt", case when o.seller_id = $1 then 'given' else 'received' end as direction
            from refunds r join orders o on o.id = r.order_id where o.seller_id = $1 or o.buyer_id = $1 order by r.created_at`,
  },
  {
    key: 'payouts',
    sql: `select t.order_id as "orderId", t.kind, t.amount_minor as "amountMinor", t.reversed_minor as "reversedMinor", t.currency,
                 t.status, t.created_at as "createdAt", t.sent_at as "sentAt"
            from transfers t where t.destination_user_id = $1 order by t.created_at`,
  },
  {
    key: 'cohostItems',
    sql: `select c.id, c.show_id as "showId", l.title, c.commission_bps as "commissionBps", c.status, c.created_at as "createdAt",
                 c.decided_at as "decidedAt"
            from cohost_items c join listing_variants v on v.id = c.variant_id join listings l on l.id = v.listing_id
           where c.seller_id = $1 order by c.created_at`,
  },
  {
    key: 'waitlistOffers',
    sql: `select w.id, w.show_id as "showId", w.price_minor as "priceMinor", w.status, w.expires_at as "expiresAt", w.created_at as "createdAt"
            from waitlist_offers w where w.user_id = $1 order by w.created_at`,
  },
  {
    key: 'likerOffersReceived',
    sql: `select o.id, o.listing_id as "listingId", s.price_minor as "priceMinor", s.shipping_discount_minor as "shippingDiscountMinor",
                 s.created_at as "createdAt", s.expires_at as "expiresAt", u.used_at as "usedAt"
            from liker_offers o join liker_offer_sends s on s.id = o.send_id left join liker_offer_uses u on u.offer_id = o.id
           where o.user_id = $1 order by s.created_at`,
  },
  {
    key: 'likerOffersSent',
    sql: `select s.id, s.listing_id as "listingId", s.price_minor as "priceMinor", s.shipping_discount_minor as "shippingDiscountMinor",
                 s.recipients, s.created_at as "createdAt", s.expires_at as "expiresAt"
            from liker_offer_sends s where s.seller_id = $1 order by s.created_at`,
  },
  {
    key: 'messages',
    sql: `select m.id, case when m.sender_id = $1 then 'sent' else 'received' end as direction, o.handle as "withHandle",
                 m.kind, m.body, m.listing_id as "listingId", m.created_at as "createdAt", m.read_at as "readAt"
            from conversations c join messages m on m.conversation_id = c.id
            join users o on o.id = case when c.low_id = $1 then c.high_id else c.low_id end
           where c.low_id = $1 or c.high_id = $1 order by m.created_at`,
  },
  {
    key: 'showChat',
    sql: `select e.show_id as "showId", e.payload->>'text' as text, e.at as "sentAt"
            from show_events e where e.type = 'chat.sent' and e.payload->>'userId' = $1::text order by e.at`,
  },
  {
    key: 'blocks',
    sql: `select u.handle, b.created_at as "createdAt" from blocks b join users u on u.id = b.blocked_id where b.blocker_id = $1 order by b.created_at`,
  },
  {
    key: 'reports',
    sql: `select r.id, u.handle, r.message_id as "messageId", r.reason, r.created_at as "createdAt"
            from reports r join users u on u.id = r.reported_id where r.reporter_id = $1 order by r.created_at`,
  },
  {
    key: 'notifications',
    sql: `select n.id, n.kind, n.payload, n.created_at as "createdAt", n.read_at as "readAt"
            from notifications n where n.user_id = $1 order by n.created_at`,
  },
  { key: 'notificationPreferences', sql: `select kind, channel, enabled from notification_preferences where user_id = $1 order by kind, channel` },
  {
    key: 'quietHours', one: true,
    sql: `select start_minute as "startMinute", end_minute as "endMinute", time_zone as "timeZone" from notification_quiet_hours where user_id = $1`,
  },
  {
    key: 'pushSubscriptions',
    sql: `select endpoint, created_at as "createdAt", last_success_at as "lastSuccessAt" from push_subscriptions where user_id = $1 order by created_at`,
  },
  { key: 'sessions', sql: `select created_at as "createdAt", expires_at as "expiresAt" from sessions where user_id = $1 order by created_at` },
];

const ZDoc = z.object({ doc: z.record(z.string(), z.unknown()) });

/** Photo ids become the URLs they are served at, whole: the file is read away from the site. */
const withPhotoUrls = (doc: Record<string, unknown>, publicUrl: string) => {
  const url = (id: unknown) => new URL(photoUrl(String(id), 'full'), publicUrl).href;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'photoIds' && Array.isArray(value)) out.photoUrls = value.map(url);
    else if (key.endsWith('PhotoId') || key === 'photoId') out[key.replace(/Id$/, 'Url')] = value === null ? null : url(value);
    else out[key] = value;
  }
  return out;
};

/** The document, a page at a time: each yielded string is the next piece of the file. */
async function* exportChunks(deps: Pick<TDomainDeps, 'db' | 'config'>, userId: string): AsyncGenerator<string> {
  const client: TDbClient = await deps.db.connect();
  let open = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    open = true;
    yield `{"format":${JSON.stringify(ACCOUNT_EXPORT_FORMAT)},"exportedAt":${JSON.stringify(new Date().toISOString())}`;
    for (const [i, section] of SECTIONS.entries()) {
      const cursor = `account_export_${i}`;
      await client.query(`declare ${cursor} no scroll cursor for select to_jsonb(r) as doc from (${section.sql}) r`, [userId]);
      yield `,\n${JSON.stringify(section.key)}:${section.one ? '' : '['}`;
      let first = true;
      for (;;) {
        const rows = await queryRows(client, ZDoc, `fetch ${PAGE_ROWS} from ${cursor}`);
        if (section.one) {
          yield rows[0] ? JSON.stringify(withPhotoUrls(rows[0].doc, deps.config.publicUrl)) : 'null';
          break;
        }
        if (rows.length === 0) break;
        yield (first ? '\n' : ',\n') + rows.map((r) => JSON.stringify(withPhotoUrls(r.doc, deps.config.publicUrl))).join(',\n');
        first = false;
        if (rows.length < PAGE_ROWS) break;
      }
      if (!section.one) yield ']';
      await client.query(`close ${cursor}`);
    }
    yield '}\n';
    await client.query('commit');
    open = false;
  } finally {
    // A reader that went away stops the generator here: the transaction ends with it.
    if (open) await client.query('rollback').catch(() => {});
    client.release();
  }
}

/**
 * The export, limited per person (RATE_LIMITED past EXPORTS_PER_HOUR): counted before
 * anything is read, then the document's pieces to stream out.
 */
export const createAccountExport = (deps: Pick<TDomainDeps, 'db' | 'redis' | 'config'>) => {
  const limiter = new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: `${deps.config.queuePrefix}:rl:account-export`, points: EXPORTS_PER_HOUR, duration: 3_600 });
  return async (userId: string): Promise<AsyncIterable<string>> => {
    try {
      await limiter.consume(userId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
      throw new AppError('RATE_LIMITED', `You downloaded your data several times just now; try again in ${Math.ceil(seconds / 60)} min.`, { retryAfterSeconds: seconds });
    }
    return exportChunks(deps, userId);
  };
};
