import { z } from 'zod';
import { ZId } from './ids.ts';

/** The three ways a notification reaches a person. */
export const NOTIFICATION_CHANNELS = ['in_app', 'push', 'email'] as const;
export const ZNotificationChannel = z.enum(NOTIFICATION_CHANNELS);
export type TNotificationChannel = z.infer<typeof ZNotificationChannel>;

type TKindInfo = { label: string; defaults: Record<TNotificationChannel, boolean> };
const on = (push: boolean, email: boolean) => ({ in_app: true, push, email });

/**
 * Every kind of notification, with the words a settings page shows and the channels it
 * uses until its user says otherwise (only departures from these are stored).
 */
export const NOTIFICATION_KINDS = {
  order_paid: { label: 'An order of yours is paid', defaults: on(true, true) },
  order_declined: { label: 'A payment of yours was declined', defaults: on(true, true) },
  waitlist_offer: { label: 'An item you waited for is offered to you', defaults: on(true, true) },
  ship_together: { label: 'A seller suggests more for the box of your order', defaults: on(true, false) },
  show_scheduled: { label: 'A host you follow schedules a show', defaults: on(false, true) },
  show_starting_soon: { label: 'A show of a host you follow starts in 15 minutes', defaults: on(true, false) },
  show_live: { label: 'A host you follow goes live', defaults: on(true, true) },
  price_drop: { label: 'An item you like drops in price', defaults: on(true, true) },
  liked_featured: { label: 'An item you like is in a live show now', defaults: on(true, false) },
  liker_offer: { label: 'A seller offers you a price on an item you like', defaults: on(true, true) },
  new_follower: { label: 'Someone follows you', defaults: on(false, false) },
  new_like: { label: 'Someone likes one of your listings', defaults: on(false, false) },
} as const satisfies Record<string, TKindInfo>;
export type TNotificationKind = keyof typeof NOTIFICATION_KINDS;
export const ZNotificationKind = z.enum(Object.keys(NOTIFICATION_KINDS) as [TNotificationKind, ...TNotificationKind[]]);

/** What a notification says and where it opens (a path of the web app), written once by its trigger. */
export const ZNotificationPayload = z.strictObject({
  title: z.string().min(1).max(120),
  body: z.string().max(400),
  url: z.string().regex(/^\/[^/\\]/, 'a path of this site'),
});
export type TNotificationPayload = z.infer<typeof ZNotificationPayload>;

export const ZNotification = z.object({
  id: ZId,
  kind: ZNotificationKind,
  createdAt: z.iso.datetime({ offset: true }),
  readAt: z.iso.datetime({ offset: true }).nullable(),
  ...ZNotificationPayload.shape,
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationsQuery = z.strictObject({
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor of ours').optional(),
});
export const ZNotificationPage = z.object({
  notifications: z.array(ZNotification),
  /** The next (older) page's cursor; null on the last page. */
  nextCursor: z.string().nullable(),
  unread: z.number().int().nonnegative(),
});
export const ZUnread = z.object({ unread: z.number().int().nonnegative() });

/** Quiet hours: no push and no email from `startMinute` to `endMinute` (after midnight, in `timeZone`). */
export const ZQuietHours = z.strictObject({
  startMinute: z.number().int().min(0).max(1439),
  endMinute: z.number().int().min(0).max(1439),
  timeZone: z.string().min(1).max(64).refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not a time zone'),
}).refine((q) => q.startMinute !== q.endMinute, { message: 'quiet hours start and end at different times', path: ['endMinute'] });
export type TQuietHours = z.infer<typeof ZQuietHours>;

export const ZPreference = z.strictObject({ kind: ZNotificationKind, channel: ZNotificationChannel, enabled: z.boolean() });
export type TPreference = z.infer<typeof ZPreference>;

/** Every (kind, channel) with its effective setting, and the quiet hours (null: none). */
export const ZPreferences = z.object({ preferences: z.array(ZPreference), quietHours: ZQuietHours.nullable() });
export type TPreferences = z.infer<typeof ZPreferences>;
/** Changes some toggles and, when given, the quiet hours (null removes them). */
export const ZPreferencesBody = z.strictObject({
  preferences: z.array(ZPreference).max(100).default([]),
  quietHours: ZQuietHours.nullable().optional(),
});

const base64url = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}={0,2}$`), `${bytes} bytes, base64url`);
/** What the browser's PushSubscription.toJSON() gives; the endpoint's scheme is checked again by the server. */
export const ZPushSubscriptionBody = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2_000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    /** An uncompressed P-256 point. */
    p256dh: base64url(65),
    auth: base64url(16),
  }),
});
export type TPushSubscriptionBody = z.infer<typeof ZPushSubscriptionBody>;
export const ZPushUnsubscribeBody = z.strictObject({ endpoint: z.url().max(2_000) });
export const ZVapidKey = z.object({ publicKey: z.string() });

export const ZUnsubscribeBody = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a link of ours') });
export const ZUnsubscribed = z.object({ kind: ZNotificationKind, label: z.string() });

/** Socket.IO `notification:new`, to the user's room: the new row and the unread count after it. */
export const ZNotificationNew = z.object({ notification: ZNotification, unread: z.number().int().nonnegative() });
export type TNotificationNew = z.infer<typeof ZNotificationNew>;
