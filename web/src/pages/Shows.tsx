import { isShowOver, type TShowSummary } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useSession } from '../session.tsx';

const SECTIONS: { title: string; shows: (s: TShowSummary, myId: string | undefined) => boolean }[] = [
  { title: 'Live now', shows: (s) => s.status === 'live' },
  { title: 'Upcoming', shows: (s) => s.status === 'scheduled' },
  // Replays anyone can shop; an unlisted one only on its host's list (its link still works).
  { title: 'Replays', shows: (s, me) => s.replay === 'ready' && (s.replayListed || s.hostId === me) },
  { title: 'Your past shows', shows: (s, me) => s.hostId === me && isShowOver(s.status) && s.replay !== 'ready' },
];

export const ShowsPage = () => {
  const { me } = useSession();
  const query = useQuery(queryOf('shows.list'));
  const shows = query.data?.shows ?? null;
  const error = query.error ? messageOf(query.error) : null;

  return (
    <Layout>
      <div className="page-head">
        <h1>Shows</h1>
        <Link to="/shows/new" className="button primary">New show</Link>
      </div>
      {error && <p className="error">{error}</p>}
      {shows === null && !error && <p className="muted">Loading shows…</p>}
      {shows &&
        SECTIONS.map((section) => {
          const list = shows.filter((s) => section.shows(s, me?.id));
          if (list.length === 0) return null;
          return (
            <section key={section.title}>
              <h2 className="section-title">{section.title}</h2>
              <div className="show-grid">
                {list.map((show) => {
                  const mine = show.hostId === me?.id;
                  return (
                    <article key={show.id} className="card show-card" data-testid="show-card" data-show-id={show.id}>
                      <StatusBadge status={show.status} />
                      <h3>{show.title}</h3>
                      <p className="muted">
                        {show.hostName} · {show.entryCount} {show.entryCount === 1 ? 'item' : 'items'}
                        {show.scheduledAt && show.status === 'scheduled' && <> · {new Date(show.scheduledAt).toLocaleString()}</>}
                      </p>
                      {show.replay === 'ready' ? (
                        <Link className="button" to={`/replays/${show.id}`}>
                          Watch replay{!show.replayListed && ' (unlisted)'}
                        </Link>
                      ) : mine ? (
                        <Link className="button" to={`/studio/${show.id}`}>Open studio</Link>
                      ) : (
                        <Link className="button" to={`/shows/${show.id}`}>{show.status === 'live' ? 'Watch live' : 'Watch'}</Link>
                      )}
                    </article>
                  );
                })}
              </div>
            </section>
          );
        })}
      {shows?.length === 0 && <p className="muted">No shows yet. Start one with “New show”.</p>}
    </Layout>
  );
};
