import type { TShowCard } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { ShowCard } from '../components/ShowCard.tsx';
import { useSession } from '../session.tsx';
import '../discovery.css';

/** How often the home page asks again: who went live, how many watch. */
const HOME_REFRESH_MS = 30_000;

/** A row of show cards: scrolled sideways on a phone, a grid on a desktop; what to do when it is empty. */
const ShowRow = ({ title, shows, empty, testId }: { title: string; shows: TShowCard[]; empty: ReactNode; testId: string }) => (
  <section className="home-row" aria-labelledby={`${testId}-title`} data-testid={testId}>
    <h2 className="section-title" id={`${testId}-title`}>{title}</h2>
    {shows.length === 0 ? <p className="muted">{empty}</p> : (
      <ul className="tile-row">
        {shows.map((show) => <li key={show.id}><ShowCard show={show} /></li>)}
      </ul>
    )}
  </section>
);

/**
 * `/`, open to anyone: search, the shows live now (most watched first), those starting
 * soon, replays to shop, and the categories with how many listings each has.
 */
export const HomePage = () => {
  const { me, setMe } = useSession();
  const home = useQuery({ ...queryOf('discovery.home'), refetchInterval: HOME_REFRESH_MS });
  const data = home.data;
  // Set by the account page once the account is gone: the person lands here signed out.
  const accountDeleted = (useLocation().state as { accountDeleted?: boolean } | null)?.accountDeleted === true;
  useEffect(() => {
    if (accountDeleted && me) setMe(null);
  }, [accountDeleted, me, setMe]);
  return (
    <Layout wide open>
      {accountDeleted && (
        <p className="banner" role="status" data-testid="account-deleted">
          Your account was deleted and you are signed out. Thank you for shopping with us; you are welcome back any time.
        </p>
      )}
      <div className="home-head">
        <h1 className="sr-only">Showcart</h1>
        <SearchBox />
        {me && <Link to="/shows/new" className="button small">Start a show</Link>}
      </div>
      {home.error && !data && (
        <p className="error" role="alert">
          {messageOf(home.error)} <button type="button" className="link-button" onClick={() => void home.refetch()}>Try again</button>
        </p>
      )}
      {!data && !home.error && <p className="muted" role="status">Loading shows…</p>}
      {data && (
        <>
          <ShowRow title="Live now" shows={data.live} testId="home-live"
            empty={data.soon.length > 0 ? 'Nobody is live right now: the next shows are just below.' : 'Nobody is live right now.'} />
          <ShowRow title="Starting soon" shows={data.soon} testId="home-soon"
            empty={me ? <>No shows scheduled. <Link to="/shows/new">Schedule one</Link> of your own.</> : 'No shows scheduled yet.'} />
          <ShowRow title="Replays" shows={data.replays} testId="home-replays" empty="No replays to watch yet." />
          <section aria-labelledby="home-categories-title" data-testid="home-categories">
            <h2 className="section-title" id="home-categories-title">Shop by category</h2>
            <ul className="category-grid">
              {data.categories.map((top) => (
                <li key={top.slug} className="category-card">
                  <Link to={`/search?category=${encodeURIComponent(top.slug)}`} className="category-top">
                    {top.name} <span className="muted">{top.listingCount}</span>
                  </Link>
                  <ul className="category-children">
                    {top.children.filter((c) => c.listingCount > 0).map((c) => (
                      <li key={c.slug}>
                        <Link to={`/search?category=${encodeURIComponent(c.slug)}`}>{c.name} <span className="muted">{c.listingCount}</span></Link>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </Layout>
  );
};
