import { isShowOver, type TShowDetail } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { ItemCard } from '../components/ItemCard.tsx';
import { Layout, signInPath } from '../components/Layout.tsx';
import { ShowCover, ShowFacts } from '../components/ShowFacts.tsx';
import { useSession } from '../session.tsx';

/**
 * How often a show's page asks whether the host went live (or called it off): the page
 * moves on by itself within this long, with no reload.
 */
const PRE_SHOW_POLL_MS = 3_000;

/**
 * A show's page for anyone with its link before it starts (what, when, who, the items to
 * come), once it was cancelled, and for a signed-out visitor once it is live or over. It
 * asks again every few seconds while the show is scheduled: when the host goes live, a
 * signed-in viewer's page turns into the live one (WatchPage), a signed-out visitor's says
 * so and how to join.
 */
export const PreShow = ({ show: known }: { show: TShowDetail }) => {
  const { me } = useSession();
  const location = useLocation();
  const query = useQuery({
    ...queryOf('shows.get', { params: { id: known.id } }),
    refetchInterval: (q) => ((q.state.data ?? known).status === 'scheduled' ? PRE_SHOW_POLL_MS : false),
  });
  const show = query.data ?? known;
  const cancelled = show.status === 'cancelled';
  const signIn = (
    <Link className="button primary" to={signInPath(location)} data-testid="preshow-sign-in">Sign in</Link>
  );
  const mine = me?.id === show.hostId;

  const notice = cancelled ? (
    <div className="banner banner-warning" role="status" data-testid="show-cancelled">
      <strong>This show was cancelled</strong> by {show.hostName}
      {show.cancelledAt && <> on {new Date(show.cancelledAt).toLocaleDateString()}</>}. Nothing from it is for sale.{' '}
      <Link to={`/@${show.hostHandle}`}>See {show.hostName}’s other shows and closet</Link>.
    </div>
  ) : show.status === 'scheduled' ? (
    me ? (
      <p className="banner" role="status" data-testid="preshow-note">
        {mine ? (
          <>This is your show. <Link to={`/studio/${show.id}`}>Open the studio</Link> to edit it or go live.</>
        ) : (
          <>Keep this page open: it turns into the live show as soon as {show.hostName} goes live, and you claim from here.</>
        )}
      </p>
    ) : (
      <div className="banner preshow-sign-in" role="status" data-testid="preshow-note">
        <p><strong>Sign in to claim when it goes live.</strong> Claims are first come, first served.</p>
        <p>{signIn} <span className="muted">New here? <Link to="/signup">Create an account</Link>.</span></p>
      </div>
    )
  ) : show.status === 'live' ? (
    <div className="banner banner-live" role="status" data-testid="preshow-note">
      <p><strong>{show.hostName} is live now.</strong> Sign in to watch and claim.</p>
      <p>{signIn}</p>
    </div>
  ) : (
    <div className="banner" role="status" data-testid="preshow-note">
      <p><strong>This show has ended.</strong>{isShowOver(show.status) && show.replay === 'ready' ? ' Sign in to watch its replay and buy what is left.' : ''}</p>
      <p>{signIn}</p>
    </div>
  );

  const body = (
    <div className="preshow" data-testid="preshow">
      <ShowCover show={show}>
        {!cancelled && show.status === 'scheduled' && (
          <p className="cover-caption">The show starts soon: the video begins here when {show.hostName} goes live.</p>
        )}
      </ShowCover>
      <div className="preshow-side">
        <ShowFacts show={show} />
        <div aria-live="polite">{notice}</div>
        {!cancelled && (
          <section aria-labelledby="preshow-items">
            <h2 className="section-title" id="preshow-items">
              {show.status === 'scheduled' ? 'Coming up' : 'In this show'} ({show.entries.length})
            </h2>
            <div className="queue" data-testid="preshow-items">
              {show.entries.map((entry) => <ItemCard key={entry.entryId} entry={entry} testId="preshow-item" />)}
            </div>
          </section>
        )}
      </div>
    </div>
  );
  return <Layout wide open>{body}</Layout>;
};
