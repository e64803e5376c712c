import {
  countUnread,
  getPreferences,
  listNotifications,
  markNotificationsRead,
  subscribePush,
  unsubscribeByToken,
  unsubscribePush,
  updatePreferences,
} from '@showcart/domain';
import { AppError } from '@showcart/shared';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TNotificationEndpoints = 'notifications.list' | 'notifications.unread' | 'notifications.read' | 'notifications.readAll'
  | 'notifications.preferences' | 'notifications.setPreferences' | 'notifications.vapidKey' | 'notifications.subscribePush'
  | 'notifications.unsubscribePush' | 'notifications.unsubscribe';

/** A user's notifications: the feed, its settings, the browsers it pushes to, and email's unsubscribe links. */
export const notificationHandlers = (deps: TApiDeps): Pick<THandlers, TNotificationEndpoints> => ({
  'notifications.list': ({ user, query }) => listNotifications(deps, user.id, { cursor: query.cursor }),
  'notifications.unread': async ({ user }) => ({ unread: await countUnread(deps, user.id) }),
  'notifications.read': async ({ user, params }) => ({ unread: await markNotificationsRead(deps, user.id, { id: params.id }) }),
  'notifications.readAll': async ({ user }) => ({ unread: await markNotificationsRead(deps, user.id, 'all') }),
  'notifications.preferences': ({ user }) => getPreferences(deps, user.id),
  'notifications.setPreferences': ({ user, body }) => updatePreferences(deps, user.id, body),
  'notifications.vapidKey': async () => {
    if (!deps.config.push) throw new AppError('NOT_CONFIGURED', 'This server has no Web Push set up.');
    return { publicKey: deps.config.push.publicKey };
  },
  'notifications.subscribePush': async ({ user, body }) => {
    await subscribePush(deps, user.id, body);
  },
  'notifications.unsubscribePush': async ({ user, body }) => {
    await unsubscribePush(deps, user.id, body.endpoint);
  },
  'notifications.unsubscribe': ({ body }) => unsubscribeByToken(deps, body.token),
});
