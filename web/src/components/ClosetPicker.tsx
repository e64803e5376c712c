import { formatMoney, type TListing, type TSeller } from '@showcart/shared';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../api.ts';

/** Commission a host suggests by default, in percent of the item's price. */
const DEFAULT_COMMISSION_PERCENT = 10;

/**
 * Picks variants from a closet for a show: a host asking another seller (`requests`,
 * with a commission), a seller offering its own (`offers`), or a host adding its own
 * items to the queue (`own`).
 */
export const ClosetPicker = ({ showId, kind, sellerId }: { showId: string; kind: 'requests' | 'offers' | 'own'; sellerId?: string }) => {
  const [sellers, setSellers] = useState<TSeller[]>([]);
  const [chosen, setChosen] = useState(sellerId ?? '');
  const [listings, setListings] = useState<TListing[]>([]);
  const [percent, setPercent] = useState(String(DEFAULT_COMMISSION_PERCENT));
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!sellerId) api<{ sellers: TSeller[] }>('GET', '/sellers').then((r) => setSellers(r.sellers), () => {});
  }, [sellerId]);
  useEffect(() => {
    if (chosen) api<{ listings: TListing[] }>('GET', `/sellers/${chosen}/listings`).then((r) => setListings(r.listings), () => {});
  }, [chosen]);

  const propose = async (variantId: string, title: string) => {
    try {
      if (kind === 'own') {
        await api('POST', `/shows/${showId}/entries`, { variantId });
        setNote(`Added ${title} to the queue.`);
        return;
      }
      await api('POST', `/shows/${showId}/cohost-${kind}`, { variantId, commissionBps: Math.round(Number(percent) * 100) });
      setNote(kind === 'requests' ? `Asked for ${title}; it joins the queue when the seller agrees.` : `Offered ${title} to the host.`);
    } catch (error) {
      setNote(messageOf(error));
    }
  };

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
              <button className="button small" disabled={v.free === 0} onClick={() => void propose(v.id, l.title)}>
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
