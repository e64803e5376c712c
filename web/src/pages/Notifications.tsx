import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  type TNotification,
  type TNotificationChannel,
  type TNotificationKind,
  type TPreferences,
  type TQuietHours,
} from '@showcart/shared';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, invalidate, keyOf, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { disablePush, enablePush, pushState, type TPushState } from '../notifications/push.ts';
import '../notifications/notifications.css';

const CHANNEL_LABELS: Record<TNotificationChannel, string> = { in_app: 'Here', push: 'Push', email: 'Email' };

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const toTime = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const toMinute = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** "Allow notifications" on this device: the browser's permission, the service worker, the subscription. */
const PushSwitch = () => {
  const [state, setState] = useState<TPushState | undefined>();
  const [said, setSaid] = useState<string | null>(null);
  useEffect(() => {
    void pushState().then(setState);
  }, []);
  const change = useMutation({
    mutationFn: () => (state === 'on' ? disablePush() : enablePush()),
    onSuccess: (next) => {
      setState(next);
      setSaid(next === 'on' ? 'Notifications are on for this device.' : next === 'denied'
        ? 'Your browser blocks notifications from Showcart: allow them in its site settings.' : 'Notifications are off for this device.');
    },
  });
  if (state === undefined) return null;
  if (state === 'unsupported') return <p className="muted">This browser cannot show notifications from websites.</p>;
  return (
    <div className="stack">
      {state === 'denied'
        ? <p className="muted">Your browser blocks notifications from Showcart: allow them in its site settings, then come back.</p>
        : (
          <button className={state === 'on' ? 'button small' : 'button primary small'} disabled={change.isPending} onClick={() => change.mutate()} data-testid="push-toggle">
            {state === 'on' ? 'Turn off notifications on this device' : 'Allow notifications'}
          </button>
        )}
      <p role="status" className="muted">{change.error ? messageOf(change.error) : said}</p>
    </div>
  );
};

const Settings = () => {
  const client = useQueryClient();
  const prefs = useQuery(queryOf('notifications.preferences'));
  const [said, setSaid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: { preferences?: TPreferences['preferences']; quietHours?: TQuietHours | null }) =>
      call('notifications.setPreferences', { body: { preferences: body.preferences ?? [], ...(body.quietHours !== undefined ? { quietHours: body.quietHours } : {}) } }),
    onSuccess: (next, body) => {
      client.setQueryData(keyOf('notifications.preferences'), next);
      setSaid(body.quietHours !== undefined ? (body.quietHours ? 'Quiet hours saved.' : 'Quiet hours removed.') : 'Saved.');
    },
  });
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('07:00');
  const quiet = prefs.data?.quietHours;
  useEffect(() => {
    if (quiet) {
      setStart(toTime(quiet.startMinute));
      setEnd(toTime(quiet.endMinute));
    }
  }, [quiet]);
  if (prefs.isPending) return <p className="muted">Loading your settings…</p>;
  if (prefs.error) return <p className="error" role="alert">{messageOf(prefs.error)}</p>;
  const enabled = (kind: TNotificationKind, channel: TNotificationChannel) =>
    prefs.data.preferences.find((p) => p.kind === kind && p.channel === channel)?.enabled ?? false;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section className="card stack" aria-labelledby="settings-title">
      <h2 id="settings-title">What reaches you, and how</h2>
      <PushSwitch />
      <table className="prefs">
        <thead>
          <tr><th scope="col">When</th>{NOTIFICATION_CHANNELS.map((c) => <th key={c} scope="col">{CHANNEL_LABELS[c]}</th>)}</tr>
        </thead>
        <tbody>
          {(Object.keys(NOTIFICATION_KINDS) as TNotificationKind[]).map((kind) => (
            <tr key={kind}>
              <th scope="row">{NOTIFICATION_KINDS[kind].label}</th>
              {NOTIFICATION_CHANNELS.map((channel) => (
                <td key={channel}>
                  <input
                    type="checkbox"
                    aria-label={`${NOTIFICATION_KINDS[kind].label}: ${CHANNEL_LABELS[channel]}`}
                    checked={enabled(kind, channel)}
                    disabled={save.isPending}
                    onChange={(e) => save.mutate({ preferences: [{ kind, channel, enabled: e.target.checked }] })}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="quiet"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ quietHours: { startMinute: toMinute(start), endMinute: toMinute(end), timeZone: zone } });
        }}
      >
        <label>Quiet from<input type="time" value={start} onChange={(e) => setStart(e.target.value)} required /></label>
        <label>until<input type="time" value={end} onChange={(e) => setEnd(e.target.value)} required /></label>
        <button className="button small">{quiet ? 'Change quiet hours' : 'Set quiet hours'}</button>
        {quiet && <button type="button" className="button small" onClick={() => save.mutate({ quietHours: null })}>No quiet hours</button>}
      </form>
      <p className="muted">
        {quiet ? `No push or email from ${toTime(quiet.startMinute)} to ${toTime(quiet.endMinute)} (${quiet.timeZone}); they still appear here.` : 'No quiet hours: push and email come at any time.'}
      </p>
      <p role="status" className="muted">{save.error ? messageOf(save.error) : said}</p>
    </section>
  );
};

const Item = ({ n, onOpen }: { n: TNotification; onOpen: (n: TNotification) => void }) => (
  <li>
    <a
      href={n.url}
      className={n.readAt ? 'card feed-item' : 'card feed-item unread'}
      onClick={(e) => {
        e.preventDefault();
        onOpen(n);
      }}
    >
      <h2>{n.readAt ? '' : <span className="sr-only">Unread: </span>}{n.title}</h2>
      {n.body && <p>{n.body}</p>}
      <span className="feed-time">{when(n.createdAt)}</span>
    </a>
  </li>
);

/** The feed (newest first, a page at a time), each opening its target, and the settings. */
export const NotificationsPage = () => {
  const client = useQueryClient();
  const navigate = useNavigate();
  const feed = useInfiniteQuery({
    queryKey: keyOf('notifications.list'),
    queryFn: ({ pageParam }) => call('notifications.list', { query: pageParam ? { cursor: pageParam } : {} }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const readAll = useMutation({
    mutationFn: () => call('notifications.readAll'),
    onSuccess: (reply) => {
      client.setQueryData(keyOf('notifications.unread'), reply);
      void invalidate(client, 'notifications.list');
    },
  });
  const open = async (n: TNotification) => {
    if (!n.readAt) {
      const reply = await call('notifications.read', { params: { id: n.id } }).catch(() => undefined);
      if (reply) client.setQueryData(keyOf('notifications.unread'), reply);
      void invalidate(client, 'notifications.list');
    }
    navigate(n.url);
  };
  const items = feed.data?.pages.flatMap((p) => p.notifications) ?? [];
  const unread = feed.data?.pages[0]?.unread ?? 0;
  return (
    <Layout>
      <div className="stack">
        <div className="feed-head">
          <h1>Notifications</h1>
          {unread > 0 && (
            <button className="button small" onClick={() => readAll.mutate()} disabled={readAll.isPending}>Mark all read</button>
          )}
        </div>
        <p role="status" className="muted">
          {feed.isPending ? 'Loading…' : unread ? `${unread} unread.` : items.length ? 'All read.' : 'Nothing yet: orders, offers and hosts you follow will show up here.'}
        </p>
        {feed.error && <p className="error" role="alert">{messageOf(feed.error)}</p>}
        <ul className="feed" data-testid="feed">
          {items.map((n) => <Item key={n.id} n={n} onOpen={(x) => void open(x)} />)}
        </ul>
        {feed.hasNextPage && (
          <button className="button" onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>Older</button>
        )}
        <Settings />
        <p className="muted"><Link to="/account">Back to your account</Link></p>
      </div>
    </Layout>
  );
};
