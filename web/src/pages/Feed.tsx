import { formatMoney, type TFeedItem } from '@showcart/shared';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, keyOf, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { LikeButton } from '../components/LikeButton.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { startTimeLabel } from '../show/countdown.ts';
import '../social.css';

const when = (at: string) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const FeedEntry = ({ item }: { item: TFeedItem }) => {
  if (item.kind === 'listed') {
    const l = item.listing;
    return (
      <li className="feed-item" data-testid="feed-item" data-kind="listed">
        <img src={l.photoUrl} alt="" loading="lazy" width={72} height={72} />
        <div>
          <p className="muted"><Link to={`/@${l.sellerHandle}`}>@{l.sellerHandle}</Link> listed · <time dateTime={item.at}>{when(item.at)}</time></p>
          <h3><Link to={`/listings/${l.id}`}>{l.title}</Link></h3>
          <p>{formatMoney(l.priceMinor, l.currency)}</p>
          <LikeButton listing={l} />
        </div>
      </li>
    );
  }
  const s = item.show;
  return (
    <li className="feed-item" data-testid="feed-item" data-kind={item.kind}>
      {s.photoUrl ? <img src={s.photoUrl} alt="" loading="lazy" width={72} height={72} /> : <span />}
      <div>
        <p className="muted">
          <Link to={`/@${s.hostHandle}`}>@{s.hostHandle}</Link> {item.kind === 'live' ? 'went live' : 'scheduled a show'} · <time dateTime={item.at}>{when(item.at)}</time>
        </p>
        <h3><Link to={`/shows/${s.id}`}>{s.title}</Link></h3>
        <p><StatusBadge status={s.status} /> {s.status === 'scheduled' && (s.scheduledAt ? startTimeLabel(s.scheduledAt) : 'Starts when the host goes live')}</p>
      </div>
    </li>
  );
};

/** /feed: what the sellers the person follows listed, scheduled or went live with, newest first. */
export const FeedPage = () => {
  const feed = useInfiniteQuery({
    queryKey: keyOf('me.feed'),
    queryFn: ({ pageParam }) => call('me.feed', { query: { cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Layout>
      <h1>Your feed</h1>
      {feed.isPending ? <div className="loading" role="status">Loading…</div>
        : feed.isError ? <p className="error" role="alert">{messageOf(feed.error)}</p>
        : items.length === 0 ? (
          <div className="card" data-testid="feed-empty">
            <p>Nothing here yet. Follow sellers from their profiles: what they list, schedule and take live shows up here.</p>
            <Link to="/search">Find sellers</Link>
          </div>
        ) : (
          <>
            <ul className="feed" data-testid="feed">
              {items.map((item) => <FeedEntry key={`${item.kind}-${item.kind === 'listed' ? item.listing.id : item.show.id}`} item={item} />)}
            </ul>
            {feed.hasNextPage && (
              <button type="button" className="button load-more" disabled={feed.isFetchingNextPage} onClick={() => void feed.fetchNextPage()}>
                {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
    </Layout>
  );
};
