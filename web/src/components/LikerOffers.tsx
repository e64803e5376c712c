import {
  formatMoney,
  LIKER_OFFER_MAX_HOURS,
  parseMoneyInput,
  type TListingDetail,
  type TLikerOffer,
} from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { useSession } from '../session.tsx';
import { ShipsTo, useDefaultAddress } from './Address.tsx';
import { ConfirmDialog } from './Dialog.tsx';

/** How often "… left" is worked out again: to the minute is what it says. */
const TICK_MS = 30_000;

const useNow = () => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
};

/** "3 days 4 h left" from two days on, else "23 h 12 min left", "4 min left", "under a minute left". */
export const timeLeft = (untilIso: string, now: number) => {
  const minutes = Math.max(0, Math.floor((Date.parse(untilIso) - now) / 60_000));
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} days${hours % 24 ? ` ${hours % 24} h` : ''} left`;
  if (hours > 0) return `${hours} h ${minutes % 60} min left`;
  return minutes > 0 ? `${minutes} min left` : 'under a minute left';
};

const DURATIONS: [number, string][] = [[1, '1 hour'], [6, '6 hours'], [24, '1 day'], [72, '3 days'], [LIKER_OFFER_MAX_HOURS, '7 days']];

/**
 * Buy now from the closet: a size with a unit free, the price (the buyer's offer to likers
 * when it has one), the seller's shipping, and a dialog stating the total before the saved
 * card is charged.
 */
export const BuyNow = ({ listing }: { listing: TListingDetail }) => {
  const { me } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const now = useNow();
  const offers = useQuery({ ...queryOf('listings.offers', { params: { id: listing.id } }), enabled: Boolean(me) });
  const mine = offers.data?.mine ?? null;
  const offer = mine && !mine.usedAt ? mine : null;
  const sizes = listing.variants.filter((v) => v.free > 0);
  const [variantId, setVariantId] = useState<string | undefined>(undefined);
  const chosen = sizes.find((v) => v.id === variantId) ?? sizes[0];
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const payment = useQuery({ ...queryOf('payments.get'), enabled: confirming });
  const card = payment.data?.card;
  const address = useDefaultAddress();
  const money = (minor: number) => formatMoney(minor, listing.currency);
  const priceMinor = offer ? Math.min(offer.priceMinor, listing.priceMinor) : listing.priceMinor;
  const shippingOffMinor = offer ? Math.min(offer.shippingDiscountMinor, listing.shippingFeeMinor) : 0;
  const totalMinor = priceMinor + listing.shippingFeeMinor - shippingOffMinor;
  const buy = useMutation({
    mutationFn: (p: { variantId: string; offerId?: string }) =>
      call('listings.buy', { params: { id: listing.id }, body: { attemptId: crypto.randomUUID(), ...p } }),
    onSuccess: ({ order }) => {
      const boost = order.boostMinor > 0 ? ` First-sale boost: shipping on us (${formatMoney(order.boostMinor, order.currency)} off).` : '';
      const used = offer ? ' Your offer is used.' : '';
      setOutcome({ ok: true, text: `Bought!${used}${boost} We are charging ${formatMoney(order.totalMinor, order.currency)} to your saved card now.` });
      void invalidate(client, 'listings.get', 'listings.offers', 'orders.list');
    },
    onError: (e) => {
      setOutcome({ ok: false, text: messageOf(e) });
      void invalidate(client, 'listings.get', 'listings.offers');
    },
  });

  if (!me) {
    return <p><Link className="button primary" to={`/login?next=${encodeURIComponent(`/listings/${listing.id}`)}`}>Sign in to buy</Link></p>;
  }
  return (
    <section className="buy-now" aria-labelledby="buy-now-title">
      <h2 className="section-title" id="buy-now-title">Buy now</h2>
      {mine && <YourOffer offer={mine} listingPriceMinor={listing.priceMinor} now={now} />}
      {outcome && (
        outcome.ok
          ? <p className="success" role="status" data-testid="buy-now-outcome">{outcome.text} <Link to="/orders">Your orders</Link></p>
          : <p className="error" role="alert" data-testid="buy-now-outcome">{outcome.text}</p>
      )}
      {!chosen ? <p className="muted">No size has a unit free right now.</p> : (
        <div className="buy-now-row">
          {sizes.length > 1 && (
            <label>
              Size{' '}
              <select value={chosen.id} onChange={(e) => setVariantId(e.target.value)} data-testid="buy-now-size">
                {sizes.map((v) => <option key={v.id} value={v.id}>{v.label}</option>)}
              </select>
            </label>
          )}
          <button type="button" className="button primary" disabled={buy.isPending} onClick={() => { setOutcome(null); setConfirming(true); }} data-testid="buy-now">
            Buy now · {money(priceMinor)}
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirming && !buy.isPending}
        title={`Buy ${listing.title}${chosen && sizes.length > 1 ? ` (${chosen.label})` : ''}?`}
        confirmLabel={card && address ? `Pay ${money(totalMinor)}` : 'Add a card and address'}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          if (!card || !address) navigate(`/wallet?back=/listings/${listing.id}`);
          else if (chosen) buy.mutate({ variantId: chosen.id, ...(offer ? { offerId: offer.id } : {}) });
        }}
        testId="buy-now-dialog"
      >
        <p data-testid="buy-now-total">
          {money(priceMinor)}{offer && <> (your offer)</>} + {money(listing.shippingFeeMinor)} shipping
          {shippingOffMinor > 0 && <> − {money(shippingOffMinor)} off shipping</>}
          {' = '}<strong>{money(totalMinor)}</strong>,{' '}
          {card ? <>charged now to your {/^\d{4}$/.test(card.last4) ? `${card.brand} ···· ${card.last4}` : 'saved card'}.</> : <>but you have no saved card yet: add one first.</>}
        </p>
        <ShipsTo back={`/listings/${listing.id}`} />
      </ConfirmDialog>
    </section>
  );
};

/** A liker's own offer: its price against the listing's, the shipping discount, and the time left (or that it was used). */
const YourOffer = ({ offer, listingPriceMinor, now }: { offer: TLikerOffer; listingPriceMinor: number; now: number }) => {
  const money = (minor: number) => formatMoney(minor, offer.currency);
  return (
    <div className="offer-card" data-testid="your-offer">
      <strong>An offer for you: {money(offer.priceMinor)}</strong>{' '}
      <s className="muted" aria-label={`instead of ${money(listingPriceMinor)}`}>{money(listingPriceMinor)}</s>
      {offer.shippingDiscountMinor > 0 && <> · {money(offer.shippingDiscountMinor)} off shipping</>}
      <br />
      <span className="muted">
        {offer.usedAt ? 'You used it: thank you!' : `Because you like it · ${timeLeft(offer.expiresAt, now)}, here or if you claim it in a live show.`}
      </span>
    </div>
  );
};

/**
 * The seller's "Offer to likers": a price below the current one, an optional shipping
 * discount and how long it lasts, sent to everyone who likes the listing now (the form says
 * how many); while one runs, what it offers, to how many, for how long, and how many bought.
 */
export const OfferToLikers = ({ listing }: { listing: TListingDetail }) => {
  const client = useQueryClient();
  const now = useNow();
  const offers = useQuery(queryOf('listings.offers', { params: { id: listing.id } }));
  const [price, setPrice] = useState('');
  const [shippingOff, setShippingOff] = useState('');
  const [hours, setHours] = useState(24);
  const [problem, setProblem] = useState<string | null>(null);
  const [sentText, setSentText] = useState<string | null>(null);
  const money = (minor: number) => formatMoney(minor, listing.currency);
  const send = useMutation({
    mutationFn: (body: { priceMinor: number; shippingDiscountMinor: number; durationHours: number }) =>
      call('listings.sendOffer', { params: { id: listing.id }, body: { attemptId: crypto.randomUUID(), ...body } }),
    onSuccess: (sent) => {
      setSentText(`Sent: ${money(sent.priceMinor)} to ${sent.recipients} ${sent.recipients === 1 ? 'liker' : 'likers'}, until ${new Date(sent.expiresAt).toLocaleString()}.`);
      setPrice('');
      setShippingOff('');
      void invalidate(client, 'listings.offers');
    },
  });
  const seller = offers.data?.seller;
  if (!seller) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setSentText(null);
    const priceMinor = parseMoneyInput(price);
    const shippingDiscountMinor = shippingOff.trim() === '' ? 0 : parseMoneyInput(shippingOff);
    if (priceMinor === null || priceMinor <= 0) return setProblem('The offer price: an amount, such as 30 or 29.50.');
    if (priceMinor >= listing.priceMinor) return setProblem(`The offer must be below the current price of ${money(listing.priceMinor)}.`);
    if (shippingDiscountMinor === null) return setProblem('The shipping discount: an amount, or leave it empty.');
    if (shippingDiscountMinor > listing.shippingFeeMinor) return setProblem(`The shipping discount can be at most the shipping fee of ${money(listing.shippingFeeMinor)}.`);
    send.mutate({ priceMinor, shippingDiscountMinor, durationHours: hours });
  };
  const active = seller.active;
  return (
    <section className="card stack" aria-labelledby="offer-to-likers">
      <h2 className="section-title" id="offer-to-likers">Offer to likers</h2>
      {sentText && <p className="success" role="status" data-testid="offer-sent">{sentText}</p>}
      {active ? (
        <p data-testid="offer-running">
          Running: <strong>{money(active.priceMinor)}</strong>
          {active.shippingDiscountMinor > 0 && <> and {money(active.shippingDiscountMinor)} off shipping</>} to {active.recipients}{' '}
          {active.recipients === 1 ? 'liker' : 'likers'} · {timeLeft(active.expiresAt, now)} · {active.used} bought with it.
          <br /><span className="muted">You can send another once it ends.</span>
        </p>
      ) : (
        <form className="form" onSubmit={submit} data-testid="offer-form">
          <p className="muted" data-testid="offer-reach">
            {seller.likers === 0
              ? 'Nobody likes this listing yet: an offer goes to the people who like it.'
              : `Goes to the ${seller.likers} ${seller.likers === 1 ? 'person who likes' : 'people who like'} it now, once each, in private.`}
          </p>
          <label>
            Offer price (now {money(listing.priceMinor)})
            <input name="offerPrice" inputMode="decimal" required value={price} onChange={(e) => setPrice(e.target.value)} />
          </label>
          <label>
            Off shipping, optional (at most {money(listing.shippingFeeMinor)})
            <input name="offerShipping" inputMode="decimal" value={shippingOff} onChange={(e) => setShippingOff(e.target.value)} />
          </label>
          <label>
            Lasts
            <select name="offerHours" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
              {DURATIONS.map(([h, label]) => <option key={h} value={h}>{label}</option>)}
            </select>
          </label>
          {(problem || send.error) && <p className="error" role="alert">{problem ?? messageOf(send.error)}</p>}
          <button className="button primary" disabled={send.isPending || seller.likers === 0} data-testid="offer-send">
            Send to {seller.likers} {seller.likers === 1 ? 'liker' : 'likers'}
          </button>
        </form>
      )}
    </section>
  );
};
