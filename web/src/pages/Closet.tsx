import { formatMoney, moneyInputOf, parseMoneyInput, type TListing } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { GreetingSettings } from '../components/Greeting.tsx';
import { Layout } from '../components/Layout.tsx';
import { useSession } from '../session.tsx';

/** The closet's terms: the shipping fee of a bundle and the days it takes to ship. */
const ClosetTerms = () => {
  const client = useQueryClient();
  const query = useQuery(queryOf('closet.settings'));
  const [fee, setFee] = useState('');
  const [days, setDays] = useState(2);
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    if (!query.data) return;
    setFee(moneyInputOf(query.data.shippingFeeMinor));
    setDays(query.data.handlingDays);
  }, [query.data]);
  const save = useMutation({
    mutationFn: (shippingFeeMinor: number) => call('closet.updateSettings', { body: { shippingFeeMinor, handlingDays: days } }),
    onSuccess: (settings) => client.setQueryData(queryOf('closet.settings').queryKey, settings),
  });
  return (
    <form
      className="card form"
      aria-labelledby="terms-title"
      onSubmit={(e) => {
        e.preventDefault();
        const minor = parseMoneyInput(fee);
        if (minor === null || minor > 100_00) return setInvalid('A shipping fee between $0 and $100.');
        setInvalid(null);
        save.mutate(minor);
      }}
    >
      <h2 className="section-title" id="terms-title">Shipping from your closet</h2>
      <p className="muted">One fee per bundle: a buyer who takes several of your items in a show pays it once.</p>
      <div className="form-row">
        <label>
          Shipping fee ($)
          <input inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} data-testid="shipping-fee" />
        </label>
        <label>
          Ships within
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {Array.from({ length: 10 }, (_, i) => i + 1).map((d) => <option key={d} value={d}>{d} business {d === 1 ? 'day' : 'days'}</option>)}
          </select>
        </label>
      </div>
      {invalid && <p className="error" role="alert">{invalid}</p>}
      {save.error && <p className="error" role="alert">{messageOf(save.error)}</p>}
      {save.isSuccess && <p className="success" role="status">Saved: new orders from your closet use these terms.</p>}
      <button className="button" disabled={save.isPending}>Save terms</button>
    </form>
  );
};

const stockLine = (listing: TListing) =>
  listing.variants.map((v) => `${v.label} ×${v.quantity}${v.free < v.quantity ? ` (${v.quantity - v.free} in shows or orders)` : ''}`).join(' · ');

/** /closet: a seller's own listings (unlisted too), each to edit, unlist or delete, and the closet's terms. */
export const ClosetPage = () => {
  const { me } = useSession();
  const client = useQueryClient();
  const location = useLocation();
  const query = useQuery(queryOf('closet.mine'));
  const [deleting, setDeleting] = useState<TListing | null>(null);
  const [said, setSaid] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  const refresh = () => invalidate(client, 'closet.mine', 'listings.get');
  const setState = useMutation({
    mutationFn: (p: { listing: TListing; state: 'listed' | 'unlisted' }) =>
      call('listings.setState', { params: { id: p.listing.id }, body: { state: p.state } }),
    onSuccess: async (listing) => {
      setSaid(listing.state === 'listed' ? `“${listing.title}” is listed again: buyers can find it.` : `“${listing.title}” is unlisted: nobody finds or buys it until you list it again.`);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (listing: TListing) => call('listings.delete', { params: { id: listing.id } }),
    onSuccess: async (reply, listing) => {
      setSaid(reply.outcome === 'removed'
        ? `“${listing.title}” is deleted.`
        : `“${listing.title}” is deleted from your closet. It was in a show, so its orders and replay still show it.`);
      await refresh();
    },
  });
  const failure = setState.error ?? remove.error;
  const listings = query.data?.listings;
  return (
    <Layout>
      <div className="page-head">
        <h1>Your closet</h1>
        <Link className="button primary" to="/closet/new" data-testid="new-listing">List an item</Link>
      </div>
      {me && !me.emailVerified && (
        <p className="banner banner-warning">Confirm your email to list items: open the link we mailed you (<Link to="/account">send it again</Link>).</p>
      )}
      <div aria-live="polite">
        {said && <p className="success" role="status" data-testid="closet-notice">{said}</p>}
        {failure && <p className="error" role="alert">{messageOf(failure)}</p>}
      </div>
      {query.error && <p className="error">{messageOf(query.error)}</p>}
      {listings && listings.length === 0 && (
        <p className="card">Nothing in your closet yet. <Link to="/closet/new">List your first item</Link>: a few photos, a price and the sizes you have.</p>
      )}
      <ul className="closet" data-testid="closet">
        {listings?.map((l) => (
          <li key={l.id} className="card closet-item" data-testid="closet-item">
            <img src={l.photoUrl} alt="" className="thumb" width={72} height={72} loading="lazy" />
            <div className="stack">
              <h3>
                <Link to={`/listings/${l.id}`}>{l.title}</Link>
                {l.state === 'unlisted' && <span className="badge">Unlisted</span>}
              </h3>
              <p>
                {formatMoney(l.priceMinor, l.currency)}
                {l.originalPriceMinor !== null && <> <s className="muted">{formatMoney(l.originalPriceMinor, l.currency)}</s></>}
              </p>
              <p className="muted">{stockLine(l)}</p>
              <div className="actions">
                <Link className="button small" to={`/listings/${l.id}/edit`}>Edit</Link>
                <button className="button small" disabled={setState.isPending}
                  onClick={() => setState.mutate({ listing: l, state: l.state === 'listed' ? 'unlisted' : 'listed' })}>
                  {l.state === 'listed' ? 'Unlist' : 'List again'}
                </button>
                <button className="button small danger" onClick={() => setDeleting(l)}>Delete</button>
              </div>
            </div>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? `Delete “${deleting.title}”?` : 'Delete it?'}
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting);
          setDeleting(null);
        }}
        testId="delete-listing"
      >
        <p>It leaves your closet for good. To take it down for a while, unlist it instead.</p>
      </ConfirmDialog>
      <ClosetTerms />
      <GreetingSettings />
    </Layout>
  );
};
