import { ZNotificationNew, type TNotificationNew } from '@showcart/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { invalidate, keyOf, queryOf } from '../api.ts';
import { acquireSocket } from '../realtime.ts';
import './notifications.css';

/** A new notification is announced to screen readers and shown this long beside the bell. */
const TOAST_MS = 6_000;

/**
 * The bell in the signed-in header: the unread count, kept live by the user's socket (the
 * server emits `notification:new` to every socket of the user), with the newest one's
 * title shown for a moment, so a person sees what just happened without reloading.
 */
export const NotificationBell = () => {
  const client = useQueryClient();
  const unread = useQuery({ ...queryOf('notifications.unread'), refetchOnWindowFocus: true });
  const [toast, setToast] = useState<string | null>(null);

  useEffect(() => {
    // The tab's one socket, shared with a show page's.
    const { socket, release } = acquireSocket();
    let hide: ReturnType<typeof setTimeout> | undefined;
    const onNew = (raw: TNotificationNew) => {
      const parsed = ZNotificationNew.safeParse(raw);
      if (!parsed.success) return;
      client.setQueryData(keyOf('notifications.unread'), { unread: parsed.data.unread });
      void invalidate(client, 'notifications.list');
      setToast(parsed.data.notification.title);
      clearTimeout(hide);
      hide = setTimeout(() => setToast(null), TOAST_MS);
    };
    // Back from a dropped connection: what came meanwhile is counted again.
    const onReconnect = () => void invalidate(client, 'notifications.unread', 'notifications.list');
    socket.on('notification:new', onNew);
    socket.io.on('reconnect', onReconnect);
    return () => {
      clearTimeout(hide);
      socket.off('notification:new', onNew);
      socket.io.off('reconnect', onReconnect);
      release();
    };
  }, [client]);

  const count = unread.data?.unread ?? 0;
  return (
    <span className="bell-wrap">
      <Link to="/notifications" className="bell" aria-label={count ? `Notifications, ${count} unread` : 'Notifications'} data-testid="bell">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5-6.71V3.5a2 2 0 0 0-4 0v.79A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {count > 0 && <span className="bell-count" data-testid="bell-count">{count > 99 ? '99+' : count}</span>}
      </Link>
      <span className="bell-toast" role="status" aria-live="polite">{toast}</span>
    </span>
  );
};
