import { verify } from '@node-rs/argon2';
import { enqueue, execute, jobIds, JOBS, queryRow, queryRows, showKeys, type Redis, type TDbClient, type TQueryable, withTransaction } from '@showcart/common';
import { ACCOUNT_OBLIGATIONS, AppError, type TAccountObligation, type TObligation } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { photoPrefix } from '../catalog/upload-photo.ts';
import { announceSessionsEnded, deleteUserSessionRows } from './sessions.ts';

/**
 * A person deletes its own account. Nothing the other side of a sale is owed goes missing:
 * while the person hosts a show that is not over, sold or bought something not yet paid
 * or shipped, or is owed a payout, deletion is refused, naming each (ACCOUNT_HAS_OBLIGATIONS).
 * Otherwise one transaction erases the person: the user row stays as a tombstone ("Deleted
 * user", no email, no password, a handle no one else can take) because orders, claims,
 * payouts, refunds and the ledger name it, and are kept for the seller's and the law's
 * records; everything else that says who the person was is deleted or anonymised.
 */

/** A tombstone's handle: `deleted__` and the start of its id. No live account may have one (`users_deleted_erased`). */
export const DELETED_HANDLE_PREFIX = 'deleted__';
export const DELETED_USER_NAME = 'Deleted user';

/** Order statuses that still wait for the buyer's money (unless released at the deadline). */
const UNPAID = `('pending', 'payment_failed', 'action_required')`;

const ZCounts = z.object(Object.fromEntries(Object.keys(ACCOUNT_OBLIGATIONS).map((k) => [k, z.number()])) as Record<TAccountObligation, z.ZodNumber>);

/**
 * Shows live or ended but not settled in which the person holds claimed units: until a show
 * settles its claims are in the engine's Redis state alone (`b:<userId>` of each entry's
 * hash), not yet in Postgres. One pipelined round trip for every entry of those shows.
 */
const showsWithLiveClaims = async (db: TQueryable, redis: Redis, userId: string) => {
  const entries = await queryRows(db, z.object({ showId: z.string(), entryId: z.string() }),
    `select e.show_id as "showId", e.id as "entryId" from show_entries e join shows s on s.id = e.show_id where s.status in ('live', 'ended')`);
  if (entries.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const e of entries) pipeline.hget(showKeys(e.showId).entry(e.entryId), `b:${userId}`);
  const replies = (await pipeline.exec()) ?? [];
  return new Set(entries.filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0).map((e) => e.showId)).size;
};

/** Everything that keeps the account from being deleted now, with how many of each; none when it can go. */
export const findAccountObligations = async (deps: { db: TQueryable; redis: Redis }, userId: string): Promise<TObligation[]> => {
  const { db } = deps;
  const counts = (await queryRow(db, ZCounts,
    `select
       (select count(*)::int from shows where host_id = $1 and status in ('scheduled', 'live')) as hosting_shows,
       (select count(*)::int from shows where host_id = $1 and status in ('ended', 'settling')) as settling_shows,
       (select count(*)::int from show_entries e join shows s on s.id = e.show_id
         where e.seller_id = $1 and s.host_id <> $1 and s.status in ('scheduled', 'live')) as items_in_shows,
       (select count(*)::int from orders where seller_id = $1 and status in ${UNPAID} and released_at is null) as unpaid_sales,
       (select count(*)::int from orders where seller_id = $1 and status = 'paid' and shipped_at is null and refunded_minor < total_minor) as unshipped_sales,
       (select count(*)::int from orders where buyer_id = $1 and status in ${UNPAID} and released_at is null) as unpaid_orders,
       (select count(*)::int from orders where buyer_id = $1 and status = 'paid' and shipped_at is null and refunded_minor < total_minor) as unshipped_orders,
       (select count(*)::int from claims c join shows s on s.id = c.show_id
         where c.buyer_id = $1 and c.status = 'won' and s.status in ('live', 'ended')
           and not exists (select 1 from order_items oi where oi.claim_id = c.id)) as unsettled_claims,
       (select count(*)::int from waitlist_offers w join show_entries e on e.id = w.entry_id
         where w.status = 'open' and (w.user_id = $1 or e.seller_id = $1)) as waitlist_offers,
       (select count(*)::int from transfers where destination_user_id = $1 and status = 'waiting') as pending_payouts,
       (select count(*)::int from refunds r join orders o on o.id = r.order_id
         where r.status = 'pending' and (o.buyer_id = $1 or o.seller_id = $1)) as pending_refunds`,
    [userId]))!;
  counts.unsettled_claims += await showsWithLiveClaims(db, deps.redis, userId);
  return (Object.keys(ACCOUNT_OBLIGATIONS) as TAccountObligation[])
    .filter((kind) => counts[kind] > 0)
    .map((kind) => ({ kind, count: counts[kind], message: ACCOUNT_OBLIGATIONS[kind] }));
};

/** What was erased in the transaction and is removed from outside the database once it committed. */
type TErased = { sessionIds: string[]; photoIds: string[]; recordings: { id: string; showId: string; backend: string }[]; customer: boolean };

/**
 * Erases the person inside the transaction, the user row locked. Listings never in a show,
 * an order, a message, an offer to likers or a ship-together suggestion are removed with their sizes and photos; the others are archived
 * (orders and replays name them), their photos kept. Addresses copied into orders keep
 * only the city, region, postal code and country (tax records) once the person is gone.
 */
const erase = async (tx: TDbClient, userId: string): Promise<TErased> => {
  const sessionIds = await deleteUserSessionRows(tx, userId);
  for (const table of ['account_tokens', 'unsubscribe_tokens', 'push_subscriptions', 'notifications', 'notification_recipients',
    'notification_preferences', 'notification_quiet_hours', 'addresses', 'likes', 'replay_waitlist']) {
    await execute(tx, `delete from ${table} where user_id = $1`, [userId]);
  }
  await execute(tx, 'delete from follows where follower_id = $1 or followee_id = $1', [userId]);
  await execute(tx, 'delete from blocks where blocker_id = $1 or blocked_id = $1', [userId]);
  await execute(tx, 'delete from greetings_sent where seller_id = $1 or visitor_id = $1', [userId]);
  // What the person wrote goes; the other person's side of a thread stays theirs.
  await execute(tx, 'delete from messages where sender_id = $1', [userId]);
  await execute(tx,
    `delete from conversations c where (c.low_id = $1 or c.high_id = $1)
        and not exists (select 1 from messages m where m.conversation_id = c.id)`, [userId]);
  // Their words in shows' chats and their names on claims, as replays show them.
  await execute(tx,
    `update show_events set payload = payload || case when type = 'chat.sent'
                                                  then jsonb_build_object('displayName', $2::text, 'text', 'Message removed')
                                                  else jsonb_build_object('displayName', $2::text) end
      where type in ('chat.sent', 'claim.created') and payload->>'userId' = $1`, [userId, DELETED_USER_NAME]);
  // Co-hosting asks still waiting for an answer end: declined for the host's asks, withdrawn for the person's own offers.
  await execute(tx,
    `update cohost_items set status = case status when 'requested' then 'declined' else 'withdrawn' end, decided_at = now()
      where seller_id = $1 and status in ('requested', 'offered')`, [userId]);

  const removable = await queryRows(tx, z.object({ id: z.string() }),
    `select l.id from listings l
      where l.seller_id = $1
        and not exists (select 1 from listing_variants v where v.listing_id = l.id and (
              exists (select 1 from show_entries e where e.variant_id = v.id)
              or exists (select 1 from cohost_items c where c.variant_id = v.id)
              or exists (select 1 from claims c where c.variant_id = v.id)
              or exists (select 1 from stock_holds h where h.variant_id = v.id)))
        and not exists (select 1 from messages m where m.listing_id = l.id)
        and not exists (select 1 from liker_offer_sends s where s.listing_id = l.id)
        and not exists (select 1 from ship_together_suggestions s where s.listing_id = l.id)
      for update of l`, [userId]);
  const removableIds = removable.map((l) => l.id);
  await execute(tx, 'delete from likes where listing_id = any($1::uuid[])', [removableIds]);
  await execute(tx, 'delete from listing_photos where listing_id = any($1::uuid[])', [removableIds]);
  await execute(tx, 'delete from listing_variants where listing_id = any($1::uuid[])', [removableIds]);
  await execute(tx, 'delete from listings where id = any($1::uuid[])', [removableIds]);
  await execute(tx,
    `update listings set deleted_at = coalesce(deleted_at, now()), unlisted_at = coalesce(unlisted_at, now()), updated_at = now()
      where seller_id = $1 and (deleted_at is null or unlisted_at is null)`, [userId]);
  // Offers to likers: the person's running sends end now; offers made to the person and never used go.
  await execute(tx,
    `update liker_offer_sends set expires_at = greatest(created_at + interval '1 millisecond', now())
      where seller_id = $1 and expires_at > now()`, [userId]);
  await execute(tx,
    `delete from liker_offers o where o.user_id = $1 and not exists (select 1 from liker_offer_uses u where u.offer_id = o.id)`, [userId]);

  // Replays record the person's face and voice: they go, files and all (after the commit).
  const recordings = await queryRows(tx, z.object({ id: z.string(), showId: z.string(), backend: z.string() }),
    `update recordings r set status = 'deleted', ended_at = coalesce(r.ended_at, now())
       from shows s where s.id = r.show_id and s.host_id = $1 and r.status <> 'deleted'
     returning r.id, r.show_id as "showId", r.backend`, [userId]);
  await execute(tx, 'delete from recording_segments where recording_id = any($1::uuid[])', [recordings.map((r) => r.id)]);
  await execute(tx, 'update shows set cover_photo_id = null where host_id = $1 and cover_photo_id is not null', [userId]);

  await execute(tx,
    `update orders set shipping_address = jsonb_build_object(
        'name', $2::text, 'line1', 'Address erased', 'line2', '',
        'city', shipping_address->>'city', 'region', shipping_address->>'region',
        'postalCode', shipping_address->>'postalCode', 'country', shipping_address->>'country')
      where buyer_id = $1 and shipping_address is not null`, [userId, DELETED_USER_NAME]);

  // The saved card stops being usable now; the Stripe customer (and the cards saved on it) is deleted by a job.
  const customer = await execute(tx,
    `update payment_profiles set default_payment_method_id = null, card_brand = null, card_last4 = null, card_exp = null, updated_at = now()
      where user_id = $1`, [userId]);

  await execute(tx,
    `update users set email = null, password_hash = null, email_verified_at = null, display_name = $2, bio = '',
                      avatar_photo_id = null, greeting = null, is_admin = false, deleted_at = now(),
                      handle = $3 || substr(replace(id::text, '-', ''), 1, 21)
      where id = $1`, [userId, DELETED_USER_NAME, DELETED_HANDLE_PREFIX]);
  // Photos no kept listing shows: the avatar, covers, removed listings', uploads never used.
  const photos = await queryRows(tx, z.object({ id: z.string() }),
    `delete from photos p where p.owner_id = $1 and not exists (select 1 from listing_photos lp where lp.photo_id = p.id)
     returning p.id`, [userId]);
  return { sessionIds, photoIds: photos.map((p) => p.id), recordings, customer: customer > 0 };
};

/**
 * Deletes the signed-in person's account, knowing its password (BAD_CREDENTIALS otherwise).
 * Refused while anything is not finished (ACCOUNT_HAS_OBLIGATIONS, saying what). Once the
 * transaction commits: every session of the account ends on every socket and node, stored
 * photos and replays are removed, and the Stripe customer is deleted by a retried job.
 */
export const deleteAccount = async (
  deps: Pick<TDomainDeps, 'db' | 'redis' | 'queue' | 'photos' | 'recordings' | 'logger'>,
  p: { userId: string; password: string },
): Promise<{ deleted: true }> => {
  const row = await queryRow(deps.db, z.object({ passwordHash: z.string().nullable() }),
    'select password_hash as "passwordHash" from users where id = $1 and deleted_at is null', [p.userId]);
  if (!row?.passwordHash) throw new AppError('UNAUTHENTICATED');
  if (!(await verify(row.passwordHash, p.password).catch(() => false))) throw new AppError('BAD_CREDENTIALS', 'Your password is not right.');
  const erased = await withTransaction(deps.db, async (tx) => {
    // The row lock: two deletions at once are one; a sign-in in between finds no email.
    const locked = await execute(tx, 'select 1 from users where id = $1 and deleted_at is null for update', [p.userId]);
    if (locked === 0) throw new AppError('UNAUTHENTICATED');
    const obligations = await findAccountObligations({ db: tx, redis: deps.redis }, p.userId);
    if (obligations.length > 0) {
      throw new AppError('ACCOUNT_HAS_OBLIGATIONS', `Your account cannot be deleted yet. ${obligations.map((o) => o.message).join(' ')}`);
    }
    return erase(tx, p.userId);
  });
  await announceSessionsEnded(deps.redis, erased.sessionIds, 'account-deleted');
  if (erased.customer) await enqueue(deps.queue, JOBS.deleteCustomer.name, { userId: p.userId }, jobIds.deleteCustomer(p.userId));
  // Files go last: a store that fails leaves files no row names, never a row without its file.
  for (const id of erased.photoIds) {
    await deps.photos.remove(photoPrefix(id)).catch((error: unknown) => deps.logger.warn({ err: error, photoId: id }, 'a deleted account’s photo stayed stored'));
  }
  for (const r of erased.recordings) {
    // Egress writes under the show's id (as deleteReplay removes it).
    await deps.recordings.remove(r.backend === 'egress' ? r.showId : r.id)
      .catch((error: unknown) => deps.logger.warn({ err: error, recordingId: r.id }, 'a deleted account’s replay stayed stored'));
  }
  deps.logger.info({ userId: p.userId }, 'account deleted');
  return { deleted: true };
};

/**
 * The job after a deletion: the Stripe customer goes, and the cards saved on it with it.
 * Deleting is idempotent at Stripe (a customer gone already is done), and the key is made
 * of our id; the row goes once Stripe has said so.
 */
export const deleteStripeCustomer = async (deps: Pick<TDomainDeps, 'db' | 'stripe'>, userId: string): Promise<{ deleted: boolean }> => {
  const profile = await queryRow(deps.db, z.object({ customerId: z.string() }),
    `select p.stripe_customer_id as "customerId" from payment_profiles p join users u on u.id = p.user_id
      where p.user_id = $1 and u.deleted_at is not null`, [userId]);
  if (!profile) return { deleted: false };
  try {
    await deps.stripe.customers.del(profile.customerId, {}, { idempotencyKey: `user-${userId}-customer-delete` });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'resource_missing')) throw error;
  }
  await execute(deps.db, 'delete from payment_profiles where user_id = $1', [userId]);
  return { deleted: true };
};
