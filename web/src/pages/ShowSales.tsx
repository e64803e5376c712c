import { formatMoney } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { messageOf, queryOf } from '../api.ts';
import { pageForError } from './ErrorPage.tsx';
import { Layout } from '../components/Layout.tsx';

/** The host's summary of a show after it: items sold, revenue, commission on co-hosted items. */
export const ShowSalesPage = () => {
  const { id = '' } = useParams();
  const query = useQuery(queryOf('shows.sales', { params: { id } }));
  const summary = query.data;
  const refused = pageForError(query.error);
  if (refused) return refused;
  const error = query.error ? messageOf(query.error) : null;
  const money = (minor: number) => formatMoney(minor, summary?.currency ?? 'usd');
  return (
    <Layout>
      <h1>What the show sold</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {summary && (
        <>
          <div className="figures" data-testid="show-sales">
            <div className="figure"><span className="muted">Items sold</span><strong>{summary.itemsSold}</strong></div>
            <div className="figure"><span className="muted">Paid orders</span><strong>{money(summary.revenueMinor)}</strong></div>
            <div className="figure"><span className="muted">Your commission</span><strong>{money(summary.commissionMinor)}</strong></div>
            <div className="figure"><span className="muted">Commission paid out</span><strong>{money(summary.commissionPaidMinor)}</strong></div>
          </div>
          <h2 className="section-title">Orders</h2>
          <ul className="order-items card">
            {Object.entries(summary.ordersByStatus).map(([status, n]) => (
              <li key={status}><span>{status.replace('_', ' ')}</span><span>{n}</span></li>
            ))}
          </ul>
          <p><Link to={`/shows/${id}/receipts`}>Claim receipts</Link> · <Link to="/sales">Your sales and payouts</Link></p>
        </>
      )}
    </Layout>
  );
};
