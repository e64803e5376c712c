import { formatMoney, type TOrder, type TWaitlistOffer } from '@showcart/shared';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { OrderLines } from '../components/OrderLines.tsx';

const STATUS_LABELS: Record<TOrder['status'], string> = {
  pending: 'Being charged',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  action_required: 'Action required',
  canceled: 'Canceled',
};

/** What the buyer should know about an unpaid order, in words. */
const dueText = (order: TOrder) =>
  order.status === 'action_required'
    ? 'Your bank asks you to confirm this payment.'
    : order.failureCode === 'no_payment_method'
      ? 'There was no card to charge.'
      : 'Your card was declined.';

/** Units released by someone who did not pay, offered to this buyer, who was next in line. */
const Offers = ({ offers, onTaken }: { offers: TWaitlistOffer[]; onTaken: () => void }) => {
  const [error, setError] = useState<string | null>(null);
  if (offers.length === 0) return null;
  return (
    <section className="stack">
      <h2 className="section-title">You’re next in line</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {offers.map((offer) => (
        <article key={offer.id} className="card order-due" data-testid="waitlist-offer">
          <p>
            <strong>{offer.title}</strong> <span className="muted">· {offer.variantLabel} · {offer.showTitle}</span>
          </p>
          <p>Yours for {formatMoney(offer.priceMinor, offer.currency)} until {new Date(offer.expiresAt).toLocaleString()}.</p>
          <button
            className="button primary"
            onClick={async () => {
              setError(null);
              try {
                await api('POST', `/offers/${offer.id}/accept`);
                onTaken();
              } catch (err) {
                setError(messageOf(err));
              }
            }}
          >
            Buy it
          </button>
        </article>
      ))}
    </section>
  );
};

export const OrdersPage = () => {
  const [orders, setOrders] = useState<TOrder[] | null>(null);
  const [offers, setOffers] = useState<TWaitlistOffer[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api<{ orders: TOrder[] }>('GET', '/orders').then((r) => setOrders(r.orders), (e) => setError(messageOf(e)));
    api<{ offers: TWaitlistOffer[] }>('GET', '/offers').then((r) => setOffers(r.offers), () => {});
  }, []);
  useEffect(load, [load]);
  // Orders being charged change within seconds: look again while any is.
  useEffect(() => {
    if (!orders?.some((o) => o.status === 'pending')) return;
    const timer = setTimeout(load, 2_000);
    return () => clearTimeout(timer);
  }, [orders, load]);

  return (
    <Layout>
      <h1>Your orders</h1>
      <p className="tagline"><Link to="/wallet">Your card</Link> is charged after each show, one charge per seller.</p>
      {error && <p className="error">{error}</p>}
      <Offers offers={offers} onTaken={load} />
      {orders === null && !error && <p className="muted">Loading orders…</p>}
      {orders?.length === 0 && <p className="muted">No orders yet. Claim something in a live show and it lands here after the show.</p>}
      <div className="orders">
        {orders?.map((order) => (
          <article key={order.id} className="card order" data-testid="order-row" data-status={order.status}>
            <header className="order-head">
              <div>
                <h3>{order.showTitle}</h3>
                <p className="muted">
                  from {order.sellerName} · {new Date(order.createdAt).toLocaleDateString()}
                  {order.origin !== 'show' && ' · after the show'}
                </p>
              </div>
              <span className={`badge badge-order-${order.status}`}>{STATUS_LABELS[order.status]}</span>
            </header>
            <OrderLines order={order} />
            {(order.status === 'payment_failed' || order.status === 'action_required') && (
              <div className="order-due" data-testid="order-due">
                <span>
                  {dueText(order)} {order.payBy && <>Pay by <strong>{new Date(order.payBy).toLocaleString()}</strong> to keep your items.</>}
                </span>
                <Link className="button primary" to={`/orders/${order.id}/pay`}>Pay now</Link>
              </div>
            )}
          </article>
        ))}
      </div>
    </Layout>
  );
};
