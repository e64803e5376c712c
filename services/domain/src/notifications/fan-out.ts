import { createHash, randomBytes } from 'node:crypto';
import {
  emailCollapseKey,
  enqueue,
  execute,
  JOBS,
  jobIds,
  NOTIFICATIONS_CHANNEL,
  pushCollapseKey,
  queryRow,
  queryRows,
  type TPushSender,
} from '@showcart/common';
import {
  NOTIFICATION_KINDS,
  ZNotificationKind,
  ZNotificationPayload,
  ZQuietHours,
  type TNotification,
  type TNotificationKind,
  type TNotificationNew,
  type TNotificationPayload,
} from '@showcart/shared';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { escapeHtml } from '../accounts/sign-up.ts';
import type { TDomainDeps } from '../deps.ts';
import { ZStoredAudience, type TStoredAudience } from './notify.ts';
import { isQuiet } from './quiet-hours.ts';

/** Recipients read, written and delivered per job: one round trip each, and a job short enough to retry whole. */
export const FAN_OUT_BATCH = 1_000;
/** At most one push (and one email) per user and kind in this window; later ones of the window reach only the feed. */
export const COLLAPSE_WINDOW_MS = 10 * 60_000;
/** A push service keeps an undelivered push this long (an offline phone): news older than this is not news. */
const PUSH_TTL_SECONDS = 3_600;
/** Pushes in flight at once per batch: push services answer in tens of milliseconds, but not to thousands at once. */
const PUSH_CONCURRENCY = 64;
const EMAIL_CONCURRENCY = 4;

export type TFanOutDeps = Pick<TDomainDeps, 'db' | 'redis' | 'logger' | 'config' | 'mailer'> & {
  push: TPushSender;
  /** NOTIFICATIONS_QUEUE: where the batches go. */
  notifications: Queue;
};

/** What one batch did, for the job's result and the tests. */
export type TBatchOutcome = { recipients: number; written: number };
/** What one batch's delivery did. */
export type TDeliveryOutcome = { taken: number; pushed: number; pushesGone: number; emailed: number };
/**
 * A delivery waits behind any batch waiting to write rows (BullMQ takes jobs without a
 * priority first), so a host's followers have the news in their feed ahead of the pushes,
 * which their encryption's CPU bounds (bench/notifications.ts).
 */
const DELIVERY_PRIORITY = 1;

const ZEvent = z.object({ kind: ZNotificationKind, payload: ZNotificationPayload, audience: ZStoredAudience });
const ZRecipient = z.object({ userId: z.string() });

/**
 * The next batch of an event's audience, in user id order after `after`: each a range scan
 * of an index (notification_recipients' key, follows_followee_idx, likes_listing_idx), so
 * 100,000 followers are read a batch at a time and never held at once.
 */
const recipientsAfter = async (deps: Pick<TFanOutDeps, 'db'>, eventId: string, audience: TStoredAudience, after: string | null) => {
  const rows = audience.type === 'followers'
    ? await queryRows(deps.db, ZRecipient,
      `select follower_id as "userId" from follows
        where followee_id = $1 and ($2::uuid is null or follower_id > $2) order by follower_id limit $3`,
      [audience.userId, after, FAN_OUT_BATCH])
    : audience.type === 'likers'
      ? await queryRows(deps.db, ZRecipient,
        `select k.user_id as "userId" from likes k
          where k.listing_id = $1 and ($2::uuid is null or k.user_id > $2)
            and k.user_id <> (select seller_id from listings where id = $1)
          order by k.user_id limit $3`,
        [audience.listingId, after, FAN_OUT_BATCH])
      : await queryRows(deps.db, ZRecipient,
        `select user_id as "userId" from notification_recipients
          where event_id = $1 and ($2::uuid is null or user_id > $2) order by user_id limit $3`,
        [eventId, after, FAN_OUT_BATCH]);
  return rows.map((r) => r.userId);
};

/** The notify-event job: its fan-out's first batch is queued (once, by its job id). */
export const startFanOut = (deps: Pick<TFanOutDeps, 'notifications'>, eventId: string) =>
  enqueue(deps.notifications, JOBS.fanOutNotifications.name, { eventId, afterUserId: null }, jobIds.fanOutNotifications(eventId, null));

/** Runs at most `limit` of `tasks` at a time. */
const inParallel = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>) => {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
};

/**
 * One batch of an event's fan-out: the next batch is queued first (so batches run on every
 * worker at once), then this batch's feed rows are written with `on conflict do nothing`
 * and published live, and the batch's delivery is queued (deliverBatch). A batch run twice
 * writes nothing twice; its delivery is queued once (its job id), and takes only rows not
 * delivered yet.
 */
export const fanOutBatch = async (deps: TFanOutDeps, p: { eventId: string; afterUserId: string | null }): Promise<TBatchOutcome> => {
  const event = await queryRow(deps.db, ZEvent, 'select kind, payload, audience from notification_events where id = $1', [p.eventId]);
  const none = { recipients: 0, written: 0 };
  if (!event) return none;
  const recipients = await recipientsAfter(deps, p.eventId, event.audience, p.afterUserId);
  if (recipients.length === FAN_OUT_BATCH) {
    const after = recipients.at(-1)!;
    await enqueue(deps.notifications, JOBS.fanOutNotifications.name, { eventId: p.eventId, afterUserId: after }, jobIds.fanOutNotifications(p.eventId, after));
  }
  if (!recipients.length) return none;

  const { kind, payload } = event;
  const defaults = NOTIFICATION_KINDS[kind].defaults;
  // With in-app off, the row is still the record (and what keeps a rerun from delivering
  // again) but is born read: no badge, nothing live.
  const written = await queryRows(deps.db, z.object({ id: z.string(), userId: z.string(), createdAt: z.date(), readAt: z.date().nullable() }),
    `insert into notifications (user_id, kind, event_id, payload, read_at)
     select r.u, $2, $3, $4, case when coalesce(p.enabled, $5) then null else now() end
       from unnest($1::uuid[]) r(u)
       left join notification_preferences p on p.user_id = r.u and p.kind = $2 and p.channel = 'in_app'
     on conflict (event_id, user_id) do nothing
     returning id, user_id as "userId", created_at as "createdAt", read_at as "readAt"`,
    [recipients, kind, p.eventId, payload, defaults.in_app]);
  await publishLive(deps, kind, payload, written.filter((w) => w.readAt === null));
  // Queued even when this run wrote nothing: a run before it may have stopped between its rows and this.
  await enqueue(deps.notifications, JOBS.deliverNotifications.name,
    { eventId: p.eventId, afterUserId: p.afterUserId, throughUserId: recipients.at(-1)! },
    jobIds.deliverNotifications(p.eventId, p.afterUserId), { priority: DELIVERY_PRIORITY });
  return { recipients: recipients.length, written: written.length };
};

/**
 * One batch's pushes and emails. Its rows are taken by marking them delivered, in one
 * statement, before anything is sent: a delivery run twice sends nothing twice (push and
 * email are at most once: a crash after taking them loses that batch's pushes, never
 * doubles them). With the in-app feed off, a row (born read) is delivered all the same.
 */
export const deliverBatch = async (
  deps: TFanOutDeps,
  p: { eventId: string; afterUserId: string | null; throughUserId: string },
): Promise<TDeliveryOutcome> => {
  const none = { taken: 0, pushed: 0, pushesGone: 0, emailed: 0 };
  const event = await queryRow(deps.db, ZEvent, 'select kind, payload, audience from notification_events where id = $1', [p.eventId]);
  if (!event) return none;
  const taken = await queryRows(deps.db, z.object({ id: z.string(), userId: z.string() }),
    `update notifications set delivered_at = now()
      where event_id = $1 and ($2::uuid is null or user_id > $2) and user_id <= $3 and delivered_at is null
      returning id, user_id as "userId"`,
    [p.eventId, p.afterUserId, p.throughUserId]);
  if (!taken.length) return none;
  const { kind, payload } = event;
  const wanted = await deliveryWishes(deps, kind, taken.map((t) => t.userId));
  const byUser = new Map(taken.map((t) => [t.userId, t.id]));
  const push = await deliverPushes(deps, kind, payload, wanted.filter((w) => w.push).map((w) => ({ userId: w.userId, notificationId: byUser.get(w.userId)! })));
  const emailed = await deliverEmails(deps, kind, payload, wanted.filter((w) => w.email && w.emailAddress !== null));
  return { taken: taken.length, pushed: push.sent, pushesGone: push.gone, emailed };
};

/** Each new unread row, to every realtime node, which emits it to its user's room if that user is connected there. */
const publishLive = async (
  deps: Pick<TFanOutDeps, 'db' | 'redis'>,
  kind: TNotificationKind,
  payload: TNotificationPayload,
  rows: { id: string; userId: string; createdAt: Date }[],
) => {
  if (!rows.length) return;
  const counts = await queryRows(deps.db, z.object({ userId: z.string(), unread: z.coerce.number() }),
    `select user_id as "userId", count(*) as unread from notifications where user_id = any($1) and read_at is null group by user_id`,
    [rows.map((r) => r.userId)]);
  const unread = new Map(counts.map((c) => [c.userId, c.unread]));
  const items: (TNotificationNew & { userId: string })[] = rows.map((r) => ({
    userId: r.userId,
    notification: { id: r.id, kind, createdAt: r.createdAt.toISOString(), readAt: null, ...payload } satisfies TNotification,
    unread: unread.get(r.userId) ?? 1,
  }));
  await deps.redis.publish(NOTIFICATIONS_CHANNEL, JSON.stringify({ items }));
};

type TWish = { userId: string; push: boolean; email: boolean; emailAddress: string | null };

/** Per user: whether push and email apply now (the kind's preference, then quiet hours). */
const deliveryWishes = async (deps: Pick<TFanOutDeps, 'db'>, kind: TNotificationKind, userIds: string[]): Promise<TWish[]> => {
  const defaults = NOTIFICATION_KINDS[kind].defaults;
  const rows = await queryRows(deps.db, z.object({
    userId: z.string(), email: z.string().nullable(), push: z.boolean(), mail: z.boolean(),
    startMinute: z.number().nullable(), endMinute: z.number().nullable(), timeZone: z.string().nullable(),
  }),
  `select u.id as "userId", case when u.email_verified_at is not null then u.email end as email,
          coalesce(pp.enabled, $3) as push, coalesce(pe.enabled, $4) as mail,
          q.start_minute as "startMinute", q.end_minute as "endMinute", q.time_zone as "timeZone"
     from users u
     left join notification_preferences pp on pp.user_id = u.id and pp.kind = $2 and pp.channel = 'push'
     left join notification_preferences pe on pe.user_id = u.id and pe.kind = $2 and pe.channel = 'email'
     left join notification_quiet_hours q on q.user_id = u.id
    where u.id = any($1)`,
  [userIds, kind, defaults.push, defaults.email]);
  const now = new Date();
  return rows.map((r) => {
    const quiet = ZQuietHours.safeParse({ startMinute: r.startMinute, endMinute: r.endMinute, timeZone: r.timeZone });
    const hush = quiet.success && isQuiet(quiet.data, now);
    return { userId: r.userId, push: r.push && !hush, email: r.mail && !hush, emailAddress: r.email };
  });
};

/** Users whose window for this kind and channel was free: it is taken now (SET NX PX), atomically per user. */
const takeWindows = async (deps: Pick<TFanOutDeps, 'redis'>, userIds: string[], key: (userId: string) => string) => {
  if (!userIds.length) return new Set<string>();
  const pipeline = deps.redis.pipeline();
  for (const userId of userIds) pipeline.set(key(userId), '1', 'PX', COLLAPSE_WINDOW_MS, 'NX');
  const results = (await pipeline.exec()) ?? [];
  return new Set(userIds.filter((_, i) => results[i]?.[1] === 'OK'));
};

const deliverPushes = async (
  deps: TFanOutDeps,
  kind: TNotificationKind,
  payload: TNotificationPayload,
  targets: { userId: string; notificationId: string }[],
) => {
  const outcome = { sent: 0, gone: 0 };
  if (!deps.push.publicKey || !targets.length) return outcome;
  const subscriptions = await queryRows(deps.db, z.object({ id: z.string(), userId: z.string(), endpoint: z.string(), p256dh: z.string(), auth: z.string() }),
    `select id, user_id as "userId", endpoint, p256dh, auth from push_subscriptions where user_id = any($1)`,
    [targets.map((t) => t.userId)]);
  if (!subscriptions.length) return outcome;
  // Only users with a device take a window: one without gets its first push when it subscribes.
  const free = await takeWindows(deps, [...new Set(subscriptions.map((s) => s.userId))], (userId) => pushCollapseKey(userId, kind));
  const notificationOf = new Map(targets.map((t) => [t.userId, t.notificationId]));
  const sent: string[] = [];
  const gone: string[] = [];
  await inParallel(subscriptions.filter((s) => free.has(s.userId)), PUSH_CONCURRENCY, async (s) => {
    const message = JSON.stringify({ ...payload, kind, id: notificationOf.get(s.userId) });
    const result = await deps.push.send(s, message, { ttlSeconds: PUSH_TTL_SECONDS });
    if (result === 'sent') sent.push(s.id);
    else if (result === 'gone') gone.push(s.id);
    else deps.logger.warn({ subscriptionId: s.id }, 'push not accepted by its push service');
  });
  if (sent.length) await execute(deps.db, 'update push_subscriptions set last_success_at = now() where id = any($1)', [sent]);
  // The browser unsubscribed or the subscription expired: it will never take a push again.
  if (gone.length) await execute(deps.db, 'delete from push_subscriptions where id = any($1)', [gone]);
  return { sent: sent.length, gone: gone.length };
};

const hashToken = (token: string) => createHash('sha256').update(token).digest();

const deliverEmails = async (deps: TFanOutDeps, kind: TNotificationKind, payload: TNotificationPayload, wishes: TWish[]) => {
  if (!deps.config.mail.smtpUrl || !wishes.length) return 0;
  const free = await takeWindows(deps, wishes.map((w) => w.userId), (userId) => emailCollapseKey(userId, kind));
  let emailed = 0;
  await inParallel(wishes.filter((w) => free.has(w.userId)), EMAIL_CONCURRENCY, async (w) => {
    // A link per mail: only its hash is kept, so a later mail cannot reuse an earlier one's.
    const token = randomBytes(32).toString('base64url');
    await execute(deps.db, 'insert into unsubscribe_tokens (token_hash, user_id, kind) values ($1, $2, $3)', [hashToken(token), w.userId, kind]);
    const unsubscribe = `${deps.config.publicUrl}/unsubscribe?token=${token}`;
    const open = `${deps.config.publicUrl}${payload.url}`;
    const label = NOTIFICATION_KINDS[kind].label;
    try {
      await deps.mailer.send({
        to: w.emailAddress!,
        subject: payload.title,
        text: `${payload.title}\n\n${payload.body}\n\nOpen it: ${open}\n\nYou get this because of your setting “${label}”. Stop these emails: ${unsubscribe}\n`,
        html: `<p><strong>${escapeHtml(payload.title)}</strong></p><p>${escapeHtml(payload.body)}</p><p><a href="${open}">Open it on Showcart</a></p>`
          + `<p style="color:#666;font-size:12px">You get this because of your setting “${escapeHtml(label)}”. <a href="${unsubscribe}">Stop these emails</a>.</p>`,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>` },
      });
      emailed++;
    } catch (error) {
      deps.logger.warn({ err: error, userId: w.userId, kind }, 'notification email not sent');
    }
  });
  return emailed;
};
