import { formatMoney, SHIP_TOGETHER_MAX_SUGGESTIONS, type TOrder, type TSale, type TShipTogetherSuggestion } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { call, invalidate, messageOf, queryOf } from '../api.ts';

/**
 * Ship together ("complete the look"): the buyer's side, suggestions for a paid order's box
 * with "Add to this box", and the seller's, suggesting more of its closet and marking the
 * box shipped. Each says what just happened in a status line.
 */

/** The seller's suggestions on the buyer's order, each added with one tap (charged the item price only). */
export const BoxSuggestions = ({ order }: { order: TOrder }) => {
  const client = useQueryClient();
  // One attempt id per suggestion until it is answered: a double tap or a retry is the same add.
  const attempts = useRef(new Map<string, string>());
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (s: TShipTogetherSuggestion) => {
      const attemptId = attempts.current.get(s.id) ?? crypto.randomUUID();
      attempts.current.set(s.id, attemptId);
      return call('orders.addToBox', { params: { id: order.id, suggestionId: s.id }, body: { attemptId } });
    },
    onMutate: () => setDone(null),
    onSuccess: ({ order: added }, s) => {
      setDone(`Added ${s.title} to your box: ${formatMoney(added.totalMinor, added.currency)} charged, no extra shipping.`);
      void invalidate(client, 'orders.list');
    },
    // A declined card made nothing: the next tap is a new attempt.
    onError: (_error, s) => attempts.current.delete(s.id),
  });
  if (order.shipTogether.length === 0 || order.status !== 'paid') return null;
  const open = order.shippedAt === null;
  return (
    <section className="box-suggestions stack" aria-labelledby={`box-${order.id}`} data-testid="box-suggestions">
      <h4 id={`box-${order.id}`}>Complete the look from {order.sellerName}</h4>
      <p className="muted">{open ? 'Added items ship in the same box: you pay the item price only.' : 'This box has shipped.'}</p>
      <ul className="suggestion-list">
        {order.shipTogether.map((s) => (
          <li key={s.id} className="suggestion" data-testid="box-suggestion">
            <img src={s.photoUrl} alt="" width={56} height={56} loading="lazy" />
            <span className="suggestion-text">
              <strong>{s.title}</strong> <span className="muted">· {s.variantLabel}</span>
              <span>{formatMoney(s.priceMinor, order.currency)}</span>
            </span>
            {s.addedOrderId ? (
              <span className="badge badge-order-paid">In your box ✓</span>
            ) : (
              <button
                className="button primary"
                disabled={!open || !s.available || add.isPending}
                aria-label={`${s.available || !open ? 'Add to this box' : 'Sold out'}: ${s.title}, ${s.variantLabel}`}
                onClick={() => add.mutate(s)}
              >
                {s.available || !open ? 'Add to this box' : 'Sold out'}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p role="status" className="muted" data-testid="box-status">{add.isPending ? 'Adding… charging your card.' : done}</p>
      {add.error && <p className="error" role="alert">{messageOf(add.error)}</p>}
    </section>
  );
};

/** The seller picks sizes of its own listed listings with a unit free to suggest for a sale's box. */
const SuggestForm = ({ sale, onDone }: { sale: TSale; onDone: (message: string) => void }) => {
  const client = useQueryClient();
  const closet = useQuery(queryOf('closet.mine'));
  const [picked, setPicked] = useState<string[]>([]);
  const room = SHIP_TOGETHER_MAX_SUGGESTIONS - sale.suggestions.length;
  const suggest = useMutation({
    mutationFn: () => call('sales.shipTogether', { params: { id: sale.orderId }, body: { variantIds: picked } }),
    onSuccess: () => {
      onDone(`Suggested ${picked.length} ${picked.length === 1 ? 'item' : 'items'} to ${sale.buyerName}; they were told.`);
      void invalidate(client, 'sales.list');
    },
  });
  const sizes = (closet.data?.listings ?? [])
    .filter((l) => l.state === 'listed' && l.currency === sale.currency)
    .flatMap((l) => l.variants.filter((v) => v.free > 0).map((v) => ({ id: v.id, label: `${l.title} · ${v.label} · ${formatMoney(l.priceMinor, l.currency)}` })));
  return (
    <form
      className="suggest-form stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.length > 0) suggest.mutate();
      }}
    >
      <fieldset>
        <legend>Suggest up to {room} more for this box</legend>
        {closet.isLoading && <p className="muted">Loading your closet…</p>}
        {closet.data && sizes.length === 0 && <p className="muted">Nothing else in your closet has a unit free.</p>}
        {sizes.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={picked.includes(s.id)}
              disabled={!picked.includes(s.id) && picked.length >= room}
              onChange={(e) => setPicked((p) => (e.target.checked ? [...p, s.id] : p.filter((x) => x !== s.id)))}
            />
            {s.label}
          </label>
        ))}
      </fieldset>
      <button className="button primary" disabled={picked.length === 0 || suggest.isPending}>Suggest to {sale.buyerName}</button>
      {suggest.error && <p className="error" role="alert">{messageOf(suggest.error)}</p>}
    </form>
  );
};

/** On a paid sale: what was suggested for its box, suggesting more, and marking the box shipped. */
export const SaleBox = ({ sale }: { sale: TSale }) => {
  const client = useQueryClient();
  const [suggesting, setSuggesting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const ship = useMutation({
    mutationFn: () => call('sales.ship', { params: { id: sale.orderId } }),
    onMutate: () => setDone(null),
    onSuccess: ({ orderIds }) => {
      setDone(`Marked shipped: ${orderIds.length} ${orderIds.length === 1 ? 'order' : 'orders'} in this box.`);
      void invalidate(client, 'sales.list');
    },
  });
  if (sale.shipsWithOrderId) {
    return (
      <p className="muted" data-testid="sale-ships-with">
        Added by the buyer: {sale.shippedAt ? `shipped ${new Date(sale.shippedAt).toLocaleDateString()} in the box of an earlier order.` : 'ships in the box of an earlier order.'}
      </p>
    );
  }
  if (sale.status !== 'paid') return null;
  return (
    <div className="sale-box stack" data-testid="sale-box">
      {sale.suggestions.length > 0 && (
        <p className="muted">
          Suggested: {sale.suggestions.map((s) => `${s.title} (${s.variantLabel})${s.added ? ' ✓ added' : ''}`).join(', ')}
        </p>
      )}
      {sale.shippedAt ? (
        <p><span className="badge badge-order-paid">Shipped</span> {new Date(sale.shippedAt).toLocaleDateString()}</p>
      ) : (
        <>
          {suggesting && sale.refundedMinor === 0 && (
            <SuggestForm sale={sale} onDone={(message) => { setSuggesting(false); setDone(message); }} />
          )}
          <div className="row">
            {!suggesting && sale.refundedMinor === 0 && sale.suggestions.length < SHIP_TOGETHER_MAX_SUGGESTIONS && (
              <button className="button" onClick={() => { setDone(null); setSuggesting(true); }}>Complete the look…</button>
            )}
            <button className="button" disabled={ship.isPending} onClick={() => ship.mutate()}>Mark shipped</button>
          </div>
        </>
      )}
      <p role="status" className="muted" data-testid="sale-box-status">{done}</p>
      {ship.error && <p className="error" role="alert">{messageOf(ship.error)}</p>}
    </div>
  );
};
