import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { messageOf, queryOf } from '../api.ts';
import { pageForError } from './ErrorPage.tsx';
import { Layout } from '../components/Layout.tsx';

/** After a show: every item's claims in the order the engine decided them, with server times. */
export const ReceiptsPage = () => {
  const showId = useParams().id!;
  const query = useQuery(queryOf('shows.receipts', { params: { id: showId } }));
  const items = query.data?.items;
  const refused = pageForError(query.error);
  if (refused) return refused;
  const error = query.error ? messageOf(query.error) : null;
  return (
    <Layout>
      <h1>Claim receipts</h1>
      <p className="muted">Who claimed each item, in the order the claims reached us, with our server's clock.</p>
      {error && <p className="error">{error}</p>}
      {items?.map((item) => (
        <section key={item.entryId} className="card receipt" data-testid="receipt-item">
          <h2 className="receipt-title">
            {item.title} <span className="muted">· {item.variantLabel} · {item.quantity} for sale</span>
          </h2>
          {item.claims.length === 0 ? (
            <p className="muted">No claims.</p>
          ) : (
            <ol className="receipt-claims">
              {item.claims.map((c) => (
                <li key={c.claimId} className={c.status === 'won' ? undefined : 'claim-voided'}>
                  <span>#{c.position} {c.buyerName}</span>
                  <span className="muted">
                    {new Date(c.claimedAt).toISOString().slice(11, 23)} UTC · event {c.seq}
                    {c.status !== 'won' && ` · ${c.status}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
    </Layout>
  );
};
