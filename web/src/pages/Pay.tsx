import { formatMoney, type TOrder } from '@showcart/shared';
import { Elements } from '@stripe/react-stripe-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { OrderLines } from '../components/OrderLines.tsx';
import { cardLabel } from '../payments/card.ts';
import { ConfirmForm } from '../payments/ConfirmForm.tsx';
import { pageForError } from './ErrorPage.tsx';
import { stripeFor } from '../payments/stripe.ts';

/** Confirms the order's PaymentIntent in the Payment Element (3-D Secure happens here). */
const ConfirmInElements = ({ orderId, onPaid }: { orderId: string; onPaid: (order: TOrder) => void }) => (
  <ConfirmForm
    label="Pay"
    busyLabel="Paying…"
    confirm={async (stripe, elements) => {
      const { error, paymentIntent } = await stripe.confirmPayment({
        elements, redirect: 'if_required', confirmParams: { return_url: `${location.origin}/orders/${orderId}/pay` },
      });
      return { id: paymentIntent?.id, error: error?.message ?? (paymentIntent ? undefined : 'The payment did not go through.') };
    }}
    complete={async (paymentIntentId) =>
      onPaid((await call('orders.payComplete', { params: { id: orderId }, body: { paymentIntentId } })).order)}
  />
);

/** An order whose after-show charge failed: the buyer pays it here before its deadline. */
export const PayPage = () => {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const orderQuery = queryOf('orders.get', { params: { id } });
  const { data: order, error: loadError } = useQuery(orderQuery);
  const { data: setup } = useQuery(queryOf('payments.get'));
  const [confirm, setConfirm] = useState<{ clientSecret: string; publishableKey: string } | null>(null);
  const setOrder = (next: TOrder) => {
    client.setQueryData(orderQuery.queryKey, next);
    void invalidate(client, 'orders.list');
  };
  const pay = useMutation({
    mutationFn: () => call('orders.pay', { params: { id }, body: { attemptId: crypto.randomUUID() } }),
    onSuccess: (reply) => {
      if ('order' in reply) setOrder(reply.order);
      else setConfirm(reply);
    },
  });
  const failure = pay.error ?? loadError;
  const refused = pageForError(loadError);
  if (refused) return refused;
  const error = failure ? messageOf(failure) : null;
  const busy = pay.isPending;

  return (
    <Layout>
      <h1>Pay for your order</h1>
      {error && <p className="error" role="alert" data-testid="pay-error">{error}</p>}
      {order && (
        <section className="card stack">
          <p>
            <strong>{order.showTitle ?? 'From the closet'}</strong> <span className="muted">from {order.sellerName}</span>
          </p>
          <OrderLines order={order} />
          {order.status === 'paid' ? (
            <p className="success" role="status" data-testid="paid">Paid — thank you. <Link to="/orders">Back to your orders</Link></p>
          ) : order.status === 'canceled' ? (
            <p className="error">The time to pay has passed; the items went to the next buyer in line.</p>
          ) : (
            <>
              {order.payBy && <p>Pay by <strong>{new Date(order.payBy).toLocaleString()}</strong>, or the items go to the next buyer in line.</p>}
              {setup?.card && (
                <p className="row">
                  <span>Card: <strong>{cardLabel(setup.card)}</strong></span>
                  <Link to={`/wallet?back=/orders/${id}/pay`}>use another card</Link>
                </p>
              )}
              {confirm ? (
                <Elements stripe={stripeFor(confirm.publishableKey)} options={{ clientSecret: confirm.clientSecret }}>
                  <ConfirmInElements orderId={id} onPaid={setOrder} />
                </Elements>
              ) : (
                <button className="button primary" onClick={() => pay.mutate()} disabled={busy || order.status === 'pending'} data-testid="pay-now">
                  {busy ? 'Paying…' : `Pay ${formatMoney(order.totalMinor, order.currency)}`}
                </button>
              )}
            </>
          )}
        </section>
      )}
    </Layout>
  );
};
