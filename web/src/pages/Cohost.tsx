import { formatMoney, type TCohostItem } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { ClosetPicker } from '../components/ClosetPicker.tsx';
import { Layout } from '../components/Layout.tsx';
import { useSession } from '../session.tsx';

/** Whose turn it is: the seller answers a host's request, the host answers a seller's offer. */
const myTurn = (item: TCohostItem) =>
  (item.status === 'requested' && item.role === 'seller') || (item.status === 'offered' && item.role === 'host');

/** Co-hosting: items asked of you or offered to your shows, and your items in others' shows. */
export const CohostPage = () => {
  const { me } = useSession();
  const client = useQueryClient();
  const itemsQuery = useQuery(queryOf('cohost.list'));
  const items = itemsQuery.data?.items;
  const shows = useQuery(queryOf('shows.list')).data?.shows ?? [];
  const [offerShow, setOfferShow] = useState('');
  /** An answer to an item or its withdrawal; one error line for all of them, as each clears it. */
  const act = useMutation({
    mutationFn: (request: () => Promise<unknown>) => request(),
    // An approved item joins the show's queue, which the list of shows counts.
    onSuccess: () => invalidate(client, 'cohost.list', 'shows.list'),
  });
  const failure = act.error ?? itemsQuery.error;
  const error = failure ? messageOf(failure) : null;

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
                      <button className="button small primary" onClick={() => act.mutate(() => call('cohost.decide', { params: { id: item.id }, body: { approve: true } }))}>Approve</button>
                      <button className="button small" onClick={() => act.mutate(() => call('cohost.decide', { params: { id: item.id }, body: { approve: false } }))}>Decline</button>
                    </>
                  )}
                  {item.role === 'seller' && ['requested', 'offered', 'approved'].includes(item.status) && (
                    <button className="button small" onClick={() => act.mutate(() => call('cohost.withdraw', { params: { id: item.id } }))}>Withdraw</button>
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
