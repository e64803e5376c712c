import { formatMoney, type TCohostItem, type TShowSummary } from '@showcart/shared';
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../api.ts';
import { ClosetPicker } from '../components/ClosetPicker.tsx';
import { Layout } from '../components/Layout.tsx';
import { useSession } from '../session.tsx';

/** Whose turn it is: the seller answers a host's request, the host answers a seller's offer. */
const myTurn = (item: TCohostItem) =>
  (item.status === 'requested' && item.role === 'seller') || (item.status === 'offered' && item.role === 'host');

/** Co-hosting: items asked of you or offered to your shows, and your items in others' shows. */
export const CohostPage = () => {
  const { me } = useSession();
  const [items, setItems] = useState<TCohostItem[] | null>(null);
  const [shows, setShows] = useState<TShowSummary[]>([]);
  const [offerShow, setOfferShow] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api<{ items: TCohostItem[] }>('GET', '/cohost-items').then((r) => setItems(r.items), (e) => setError(messageOf(e)));
  }, []);
  useEffect(() => {
    load();
    api<{ shows: TShowSummary[] }>('GET', '/shows').then((r) => setShows(r.shows), () => {});
  }, [load]);

  const act = async (path: string, body?: unknown) => {
    try {
      await api('POST', path, body ?? {});
      setError(null);
      load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const others = shows.filter((s) => s.hostId !== me?.id && (s.status === 'scheduled' || s.status === 'live'));
  return (
    <Layout>
      <h1>Co-hosting</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <section>
        <h2 className="section-title">Items in shows</h2>
        {items?.length === 0 && <p className="muted">Nothing yet: hosts can ask for your items, and you can offer them below.</p>}
        <div className="orders">
          {items?.map((item) => (
            <article key={item.id} className="card cohost-item" data-testid="cohost-item" data-status={item.status}>
              <img src={item.photoUrl} alt="" className="thumb" />
              <div>
                <h3>{item.listingTitle} <span className="muted">· {item.variantLabel}</span></h3>
                <p className="muted">
                  {item.role === 'seller' ? `for ${item.hostName}'s show` : `from ${item.sellerName}`} “{item.showTitle}” ·{' '}
                  {formatMoney(item.priceMinor, item.currency)} · host earns {item.commissionBps / 100}%
                </p>
                <span className={`badge badge-cohost-${item.status}`}>{item.status}</span>
                <div className="queue-actions">
                  {myTurn(item) && (
                    <>
                      <button className="button small primary" onClick={() => void act(`/cohost-items/${item.id}/decision`, { approve: true })}>Approve</button>
                      <button className="button small" onClick={() => void act(`/cohost-items/${item.id}/decision`, { approve: false })}>Decline</button>
                    </>
                  )}
                  {item.role === 'seller' && ['requested', 'offered', 'approved'].includes(item.status) && (
                    <button className="button small" onClick={() => void act(`/cohost-items/${item.id}/withdraw`)}>Withdraw</button>
                  )}
                </div>
              </div>
            </article>
          ))}
        </div>
      </section>
      {me && others.length > 0 && (
        <section>
          <h2 className="section-title">Offer your items to a show</h2>
          <select value={offerShow} onChange={(e) => setOfferShow(e.target.value)} aria-label="Show">
            <option value="">Choose a show…</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>{s.title} ({s.hostName})</option>
            ))}
          </select>
          {offerShow && <ClosetPicker showId={offerShow} kind="offers" sellerId={me.id} />}
        </section>
      )}
    </Layout>
  );
};
