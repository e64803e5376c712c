import { formatAddress, formatMoney, type TOrder, type TWaitlistOffer } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { OrderLines } from '../components/OrderLines.tsx';
import { BoxSuggestions } from '../components/ShipTogether.tsx';

/** Orders being charged change within seconds: the page looks again this often while any is. */
const CHARGING_POLL_MS = 2_000;
const charging = (orders: TOrder[] | undefined) => orders?.some((o) => o.status === 'pending') ?? false;

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
const Offers = ({ offers }: { offers: TWaitlistOffer[] }) => {
  const client = useQueryClient();
  const accept = useMutation({
    mutationFn: (id: string) => call('offers.accept', { params: { id } }),
    onSuccess: () => invalidate(client, 'orders.list', 'offers.list'),
  });
  if (offers.length === 0) return null;
  return (
    <section className="stack">
      <h2 className="section-title">You’re next in line</h2>
      {accept.error && <p className="error" role="alert">{messageOf(accept.error)}</p>}
      {offers.map((offer) => (
        <article key={offer.id} className="card order-due" data-testid="waitlist-offer">
          <p>
            <strong>{offer.title}</strong> <span className="muted">· {offer.variantLabel} · {offer.showTitle}</span>
          </p>
          <p>Yours for {formatMoney(offer.priceMinor, offer.currency)} until {new Date(offer.expiresAt).toLocaleString()}.</p>
          <button className="button primary" onClick={() => accept.mutate(offer.id)}>
            Buy it
          </button>
        </article>
      ))}
    </section>
  );
};

export const OrdersPage = () => {
  const ordersQuery = useQuery({
    ...queryOf('orders.list'),
    refetchInterval: (query) => (charging(query.state.data?.orders) ? CHARGING_POLL_MS : false),
  });
  const orders = ordersQuery.data?.orders ?? null;
  // A notification's link names one order (`#order-<id>`): it is on screen once the orders are.
  const { hash } = useLocation();
  const loaded = orders !== null;
  useEffect(() => {
    if (loaded && hash.startsWith('#order-')) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [loaded, hash]);
  // The offers are looked at again along with the orders.
  const offers = useQuery({ ...queryOf('offers.list'), refetchInterval: charging(ordersQuery.data?.orders) ? CHARGING_POLL_MS : false });
  const error = ordersQuery.error ? messageOf(ordersQuery.error) : null;

  return (
    <Layout>
      <h1>Your orders</h1>
      <p className="tagline"><Link to="/wallet">Your card</Link> is charged after each show, one charge per seller.</p>
      {error && <p className="error">{error}</p>}
      <Offers offers={offers.data?.offers ?? []} />
      {orders === null && !error && <p className="muted">Loading orders…</p>}
      {orders?.length === 0 && <p className="muted">No orders yet. Claim something in a live show and it lands here after the show.</p>}
      <div className="orders">
        {orders?.map((order) => (
          <article key={order.id} id={`order-${order.id}`} className="card order" data-testid="order-row" data-status={order.status}>
            <header className="order-head">
              <div>
                <h3>{order.showTitle ?? 'Bought from the closet'}</h3>
                <p className="muted">
                  from {order.sellerName} · {new Date(order.createdAt).toLocaleDateString()}
                  {order.origin === 'ship_together' ? ' · added to the box of an earlier order' : order.origin !== 'show' && order.origin !== 'closet' && ' · after the show'}
                </p>
              </div>
              <span className={`badge badge-order-${order.status}`}>{STATUS_LABELS[order.status]}</span>
            </header>
            <OrderLines order={order} />
            {order.shippingAddress && <p className="muted" data-testid="order-ships-to">Ships to {formatAddress(order.shippingAddress)}</p>}
            {order.shippedAt && <p data-testid="order-shipped"><span className="badge badge-order-paid">Shipped</span> {new Date(order.shippedAt).toLocaleDateString()}</p>}
            <BoxSuggestions order={order} />
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
