import { formatMoney } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call, invalidate, messageOf, queryOf } from '../api.ts';

/** Commission a host suggests by default, in percent of the item's price. */
const DEFAULT_COMMISSION_PERCENT = 10;

/**
 * Picks variants from a closet for a show: a host asking another seller (`requests`,
 * with a commission), a seller offering its own (`offers`), or a host adding its own
 * items to the queue (`own`).
 */
export const ClosetPicker = ({ showId, kind, sellerId }: { showId: string; kind: 'requests' | 'offers' | 'own'; sellerId?: string }) => {
  const client = useQueryClient();
  const [chosen, setChosen] = useState(sellerId ?? '');
  const [percent, setPercent] = useState(String(DEFAULT_COMMISSION_PERCENT));
  const [note, setNote] = useState<string | null>(null);
  const sellers = useQuery({ ...queryOf('sellers.list'), enabled: !sellerId }).data?.sellers ?? [];
  const listings = useQuery({ ...queryOf('sellers.listings', { params: { id: chosen } }), enabled: chosen !== '' }).data?.listings ?? [];

  const propose = useMutation({
    mutationFn: ({ variantId }: { variantId: string; title: string }): Promise<unknown> => {
      const params = { id: showId };
      const body = { variantId, commissionBps: Math.round(Number(percent) * 100) };
      return kind === 'own'
        ? call('shows.addEntry', { params, body: { variantId } })
        : kind === 'requests'
          ? call('cohost.request', { params, body })
          : call('cohost.offer', { params, body });
    },
    onSuccess: (_, { title }) => {
      setNote(
        kind === 'own'
          ? `Added ${title} to the queue.`
          : kind === 'requests'
            ? `Asked for ${title}; it joins the queue when the seller agrees.`
            : `Offered ${title} to the host.`,
      );
      // The variant's units are taken by the show (or asked for), and the item is on the co-hosting list.
      void invalidate(client, 'sellers.listings', 'closet.mine', 'cohost.list', 'shows.list');
    },
    onError: (error) => setNote(messageOf(error)),
  });

  return (
    <div className="cohost-picker">
      {!sellerId && (
        <label>
          Seller
          <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">Choose a seller…</option>
            {sellers.map((s) => (
              <option key={s.id} value={s.id}>{s.displayName} ({s.listingCount})</option>
            ))}
          </select>
        </label>
      )}
      {kind !== 'own' && (
        <label>
          Host's commission (%)
          <input inputMode="decimal" value={percent} onChange={(e) => setPercent(e.target.value)} />
        </label>
      )}
      <ul className="cohost-listings">
        {listings.flatMap((l) =>
          l.variants.map((v) => (
            <li key={v.id}>
              <img src={l.photoUrl} alt="" className="thumb-small" />
              <span>
                {l.title} · {v.label} · {formatMoney(l.priceMinor, l.currency)}
              </span>
              <button className="button small" disabled={v.free === 0} onClick={() => propose.mutate({ variantId: v.id, title: l.title })}>
                {kind === 'requests' ? 'Ask' : kind === 'offers' ? 'Offer' : 'Add'}
              </button>
            </li>
          )),
        )}
      </ul>
      {note && <p className="muted" role="status">{note}</p>}
    </div>
  );
};
