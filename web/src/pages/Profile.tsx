import { AppError, formatMoney } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Layout } from '../components/Layout.tsx';
import { FollowButton } from '../components/FollowButton.tsx';
import { LikeButton } from '../components/LikeButton.tsx';
import { NewSellerBadge } from '../components/NewSellerBadge.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useSession } from '../session.tsx';
import { useGreeting } from '../components/Greeting.tsx';
import { ErrorPage, pageForError } from './ErrorPage.tsx';

/** /@handle: a person's public page, open to anyone with the link (signed in or not). */
export const ProfilePage = () => {
  const segment = useParams().profile ?? '';
  const handle = segment.startsWith('@') ? segment.slice(1) : '';
  const valid = /^[A-Za-z0-9_]{3,30}$/.test(handle);
  const query = useQuery({ ...queryOf('profiles.get', { params: { handle } }), enabled: valid });
  const { me } = useSession();
  // A signed-in visitor of a closet may be greeted by its seller (once, if the seller set a greeting).
  useGreeting(me && me.handle !== handle.toLowerCase() ? handle : undefined);
  if (!valid || (query.error instanceof AppError && query.error.code === 'NOT_FOUND')) return <ErrorPage kind="not-found" />;
  const refused = pageForError(query.error);
  if (refused) return refused;
  const profile = query.data;
  const body = !profile ? (
    <div className="loading" role="status">Loading…</div>
  ) : (
    <div className="stack" data-testid="profile">
      <section className="card">
        <div className="profile-head">
          <Avatar url={profile.avatarUrl} name={profile.displayName} size="large" />
          <div>
            <h1>{profile.displayName}<NewSellerBadge show={profile.newSeller} /></h1>
            <p className="muted">@{profile.handle} · {profile.salesCount} {profile.salesCount === 1 ? 'sale' : 'sales'} · since {new Date(profile.memberSince).toLocaleDateString()}</p>
          </div>
        </div>
        <p className="follow-counts" data-testid="follow-counts">
          <span><strong>{profile.followerCount}</strong> {profile.followerCount === 1 ? 'follower' : 'followers'}</span>
          <span><strong>{profile.followingCount}</strong> following</span>
        </p>
        {profile.bio && <p className="profile-bio">{profile.bio}</p>}
        {me?.id !== profile.id && <FollowButton profile={profile} />}
        {me?.id === profile.id && <Link to="/account">Edit your profile</Link>}
        {me && me.id !== profile.id && <Link className="button small" to={`/messages/${profile.handle}`} data-testid="message-seller">Message</Link>}
      </section>
      {profile.shows.length > 0 && (
        <section>
          <h2 className="section-title">Shows</h2>
          <ul className="claims">
            {profile.shows.map((s) => (
              <li key={s.id}>
                <StatusBadge status={s.status} /> <Link to={`/shows/${s.id}`}>{s.title}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2 className="section-title">Closet ({profile.listings.length})</h2>
        {profile.listings.length === 0 ? <p className="muted">Nothing listed right now.</p> : (
          <ul className="closet" data-testid="profile-listings">
            {profile.listings.map((l) => (
              <li key={l.id} className="closet-item">
                <img src={l.photoUrl} alt="" className="thumb" loading="lazy" />
                <div>
                  <h3><Link to={`/listings/${l.id}`}>{l.title}</Link></h3>
                  <p>{formatMoney(l.priceMinor, l.currency)} · {l.variants.map((v) => v.label).join(', ')}</p>
                  <LikeButton listing={l} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {profile.replays.length > 0 && (
        <section>
          <h2 className="section-title">Replays</h2>
          <ul className="claims">
            {profile.replays.map((s) => <li key={s.id}><Link to={`/replays/${s.id}`}>{s.title}</Link></li>)}
          </ul>
        </section>
      )}
    </div>
  );
  return <Layout open>{body}</Layout>;
};
