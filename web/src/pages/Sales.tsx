import { formatAddress, formatMoney, type TConnectStatus, type TSale } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { SaleBox } from '../components/ShipTogether.tsx';

const PAYOUT_LABELS = { waiting: 'Payout waiting for your Stripe account', sent: 'Paid out' } as const;

/** A refund is accepted at once (202) and recorded a moment later: the sales are read again after this. */
const REFUND_SETTLE_MS = 1_000;

/** Payouts: the seller's Stripe Connect account, then where each order's money stands. */
const Payouts = ({ status, onSetUp }: { status: TConnectStatus; onSetUp: () => void }) => (
  <section className="card stack" data-testid="connect-status">
    {status.ready ? (
      <p>Payouts go to your Stripe account <code>{status.accountId}</code>.</p>
    ) : (
      <>
        <p>{status.accountId ? 'Stripe has not finished checking your account yet.' : 'Set up payouts to receive the money from your sales.'} You can sell meanwhile: payouts wait until your account is ready.</p>
        <button className="button primary" onClick={onSetUp}>
          {status.accountId ? 'Continue with Stripe' : 'Set up payouts with Stripe'}
        </button>
      </>
    )}
  </section>
);

const RefundForm = ({ sale, onDone }: { sale: TSale; onDone: () => void }) => {
  const left = sale.totalMinor - sale.refundedMinor;
  const [amount, setAmount] = useState((left / 100).toFixed(2));
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const refund = useMutation({
    mutationFn: (amountMinor: number) =>
      call('orders.refund', { params: { id: sale.orderId }, body: { attemptId: crypto.randomUUID(), amountMinor, reason } }),
    onSuccess: onDone,
  });
  const error = invalid ?? (refund.error ? messageOf(refund.error) : null);
  return (
    <form
      className="refund-form"
      onSubmit={(e) => {
        e.preventDefault();
        setInvalid(null);
        const amountMinor = Math.round(Number(amount) * 100);
        if (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > left) return setInvalid(`Between 0.01 and ${formatMoney(left, sale.currency)}.`);
        refund.mutate(amountMinor);
      }}
    >
      <input aria-label="Amount to refund" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      <input aria-label="Reason" placeholder="Reason (the buyer sees it)" required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button className="button">Refund</button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
};

export const SalesPage = () => {
  const client = useQueryClient();
  const { data: status, error: statusError } = useQuery(queryOf('connect.get'));
  const salesQuery = useQuery(queryOf('sales.list'));
  const sales = salesQuery.data?.sales;
  const [refunding, setRefunding] = useState<string | null>(null);
  // Stripe's onboarding is a page of its own: the seller goes there and comes back.
  const onboarding = useMutation({ mutationFn: () => call('connect.onboarding'), onSuccess: ({ url }) => location.assign(url) });
  const failure = onboarding.error ?? salesQuery.error ?? statusError;
  const error = failure ? messageOf(failure) : null;
  const refunded = () => {
    setRefunding(null);
    setTimeout(() => void invalidate(client, 'sales.list', 'shows.sales'), REFUND_SETTLE_MS);
  };

  return (
    <Layout>
      <h1>Your sales</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {status && <Payouts status={status} onSetUp={() => onboarding.mutate()} />}
      {sales?.length === 0 && <p className="muted">Nothing sold yet. Items you sell in shows, yours or a host’s, appear here after the show.</p>}
      <div className="orders">
        {sales?.map((sale) => (
          <article key={sale.orderId} className="card order" data-testid="sale-row">
            <header className="order-head">
              <div>
                <h3>{sale.showTitle ?? 'Sold from your closet'}</h3>
                <p className="muted">to {sale.buyerName}</p>
                {sale.shippingAddress && <p className="muted" data-testid="sale-ship-to">Ship to {formatAddress(sale.shippingAddress)}</p>}
              </div>
              <span className={`badge badge-order-${sale.status}`}>{sale.status.replace('_', ' ')}</span>
            </header>
            <ul className="order-items">
              {sale.items.map((item, i) => (
                <li key={i}>
                  <span>{item.title} <span className="muted">· {item.variantLabel}</span></span>
                  <span>{formatMoney(item.priceMinor, sale.currency)}</span>
                </li>
              ))}
              {sale.refundedMinor > 0 && <li className="muted"><span>Refunded</span><span>−{formatMoney(sale.refundedMinor, sale.currency)}</span></li>}
            </ul>
            <p className="order-total">
              <span>Your share</span>
              <strong>{formatMoney(sale.sellerShareMinor, sale.currency)}</strong>
            </p>
            {sale.transfer && <p className="muted">{PAYOUT_LABELS[sale.transfer.status]}</p>}
            <SaleBox sale={sale} />
            {sale.status === 'paid' && sale.refundedMinor < sale.totalMinor && (
              refunding === sale.orderId
                ? <RefundForm sale={sale} onDone={refunded} />
                : <button className="link-button" onClick={() => setRefunding(sale.orderId)}>Refund…</button>
            )}
          </article>
        ))}
      </div>
    </Layout>
  );
};
