import { formatMoney, type TCreateShowBody } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ShowDetailsFields } from '../components/ShowDetailsFields.tsx';
import { detailsOf, draftOf } from '../show/show-draft.ts';

/** A host makes a show: its details and when it starts, then variants of its closet, optionally with live prices. */
export const NewShowPage = () => {
  const navigate = useNavigate();
  const client = useQueryClient();
  const closet = useQuery(queryOf('closet.mine'));
  const listings = closet.data?.listings ?? null;
  const [draft, setDraft] = useState(draftOf);
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  const [invalid, setInvalid] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: TCreateShowBody) => call('shows.create', { body }),
    onSuccess: (show) => {
      // The new show is on the list, and its units are no longer free in the closet.
      void invalidate(client, 'shows.list', 'closet.mine');
      navigate(`/studio/${show.id}`, { state: { notice: show.scheduledAt ? 'Your show is scheduled. Share its page: anyone can open it before it starts.' : 'Your show is ready: go live when you are.' } });
    },
  });
  const failure = closet.error ?? create.error;
  const error = invalid ?? (failure ? messageOf(failure) : null);
  const busy = create.isPending;

  const toggle = (variantId: string) =>
    setChosen((prev) => {
      const next = new Map(prev);
      if (next.has(variantId)) next.delete(variantId);
      else next.set(variantId, '');
      return next;
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setInvalid(null);
    const checked = detailsOf(draft);
    if ('invalid' in checked) {
      setInvalid(checked.invalid);
      return;
    }
    const entries: TCreateShowBody['entries'] = [];
    for (const [variantId, price] of chosen) {
      const priceMinor = price.trim() ? Math.round(Number(price) * 100) : undefined;
      if (priceMinor !== undefined && (!Number.isFinite(priceMinor) || priceMinor <= 0)) {
        setInvalid('A live price must be a positive amount.');
        return;
      }
      entries.push(priceMinor === undefined ? { variantId } : { variantId, priceMinor });
    }
    create.mutate({ ...checked.details, entries });
  };

  return (
    <Layout>
      <h1>New show</h1>
      <form onSubmit={submit} className="form">
        <ShowDetailsFields draft={draft} onChange={setDraft} />
        <h2 className="section-title">Pick items from your closet</h2>
        {listings === null && !error && <p className="muted">Loading your closet…</p>}
        {listings?.length === 0 && <p className="muted">Your closet is empty.</p>}
        <div className="closet">
          {listings?.map((listing) => (
            <div key={listing.id} className="card closet-item">
              <img src={listing.photoUrl} alt="" className="thumb" />
              <div>
                <h3>{listing.title}</h3>
                <p className="muted">{formatMoney(listing.priceMinor, listing.currency)}</p>
                {listing.variants.map((v) => (
                  <div key={v.id} className="variant-row">
                    <label className="check">
                      <input type="checkbox" checked={chosen.has(v.id)} disabled={v.free === 0} onChange={() => toggle(v.id)} />
                      {v.label}{' '}
                      <span className="muted">
                        ({v.free === v.quantity ? `${v.quantity} in stock` : v.free === 0 ? `${v.quantity} in stock, all in shows or orders` : `${v.free} of ${v.quantity} free; the rest are in shows or orders`})
                      </span>
                    </label>
                    {chosen.has(v.id) && (
                      <input
                        className="price-override"
                        inputMode="decimal"
                        placeholder="Live price"
                        aria-label={`Live price for ${listing.title} ${v.label}`}
                        value={chosen.get(v.id)}
                        onChange={(e) => setChosen((prev) => new Map(prev).set(v.id, e.target.value))}
                      />
                    )}
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        <button className="button primary" disabled={busy || chosen.size === 0}>
          {busy ? 'Creating…' : `Create show with ${chosen.size} ${chosen.size === 1 ? 'item' : 'items'}`}
        </button>
      </form>
    </Layout>
  );
};
