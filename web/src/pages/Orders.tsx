import { formatMoney, type TOrder } from '@showcart/shared';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';

const STATUS_LABELS: Record<TOrder['status'], string> = {
  pending: 'Pending',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  action_required: 'Action required',
  canceled: 'Canceled',
};

export const OrdersPage = () => {
  const [orders, setOrders] = useState<TOrder[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ orders: TOrder[] }>('GET', '/orders').then((r) => setOrders(r.orders), (e) => setError(messageOf(e)));
  }, []);

  return (
    <Layout>
      <h1>Your orders</h1>
      {error && <p className="error">{error}</p>}
      {orders === null && !error && <p className="muted">Loading orders…</p>}
      {orders?.length === 0 && <p className="muted">No orders yet. Claim something in a live show and it lands here after the show.</p>}
      <div className="orders">
        {orders?.map((order) => (
          <article key={order.id} className="card order" data-testid="order-row" data-status={order.status}>
            <header className="order-head">
              <div>
                <h3>{order.showTitle}</h3>
                <p className="muted">from {order.sellerName} · {new Date(order.createdAt).toLocaleDateString()}</p>
              </div>
              <span className={`badge badge-order-${order.status}`}>{STATUS_LABELS[order.status]}</span>
            </header>
            <ul className="order-items">
              {order.items.map((item) => (
                <li key={item.claimId}>
                  <span>{item.title} <span className="muted">· {item.variantLabel}</span></span>
                  <span>{formatMoney(item.priceMinor, order.currency)}</span>
                </li>
              ))}
              <li className="muted">
                <span>Shipping</span>
                <span>{formatMoney(order.shippingMinor, order.currency)}</span>
              </li>
            </ul>
            <p className="order-total">
              <span>Total</span>
              <strong data-testid="order-total">{formatMoney(order.totalMinor, order.currency)}</strong>
            </p>
          </article>
        ))}
      </div>
    </Layout>
  );
};
