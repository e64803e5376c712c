import type { TShowSummary } from '@showcart/shared';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useSession } from '../session.tsx';

const SECTIONS: { title: string; statuses: TShowSummary['status'][] }[] = [
  { title: 'Live now', statuses: ['live'] },
  { title: 'Upcoming', statuses: ['scheduled'] },
  { title: 'Past', statuses: ['ended', 'settled'] },
];

export const ShowsPage = () => {
  const { me } = useSession();
  const [shows, setShows] = useState<TShowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ shows: TShowSummary[] }>('GET', '/shows').then((r) => setShows(r.shows), (e) => setError(messageOf(e)));
  }, []);

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
          const list = shows.filter((s) => section.statuses.includes(s.status));
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
                      {mine ? (
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
