import { AppError, categoryLabel, CONDITIONS, formatMoney } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { LikeButton } from '../components/LikeButton.tsx';
import { BuyNow, OfferToLikers } from '../components/LikerOffers.tsx';
import { NewSellerBadge } from '../components/NewSellerBadge.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useSession } from '../session.tsx';
import { ErrorPage, pageForError } from './ErrorPage.tsx';

/** /listings/:id: a listing's page, open to anyone with the link; its seller sees it unlisted too. */
export const ListingPage = () => {
  const id = useParams().id ?? '';
  const { me } = useSession();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  const query = useQuery(queryOf('listings.get', { params: { id } }));
  const [shown, setShown] = useState(0);
  if (query.error instanceof AppError && (query.error.code === 'NOT_FOUND' || query.error.code === 'INVALID_INPUT')) return <ErrorPage kind="not-found" />;
  const refused = pageForError(query.error);
  if (refused) return refused;
  const l = query.data;
  const body = !l ? <div className="loading" role="status">Loading…</div> : (
    <article className="listing-page" data-testid="listing">
      {notice && <p className="success" role="status" data-testid="listing-notice">{notice}</p>}
      <div className="gallery">
        {l.photos[shown] ? (
          <img className="gallery-main" src={l.photos[shown].fullUrl} alt={`${l.title}, photo ${shown + 1} of ${l.photos.length}`} />
        ) : <img className="gallery-main" src={l.photoUrl} alt={l.title} />}
        {l.photos.length > 1 && (
          <ul className="gallery-thumbs" aria-label="Photos">
            {l.photos.map((p, i) => (
              <li key={p.id}>
                <button type="button" className={i === shown ? 'thumb-button thumb-current' : 'thumb-button'} aria-label={`Photo ${i + 1}`}
                  aria-current={i === shown} onClick={() => setShown(i)}>
                  <img src={p.thumbUrl} alt="" width={64} height={64} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="stack">
        <h1 data-testid="listing-title">
          {l.title} {l.state === 'unlisted' && <span className="badge">Unlisted: only you see it</span>}
        </h1>
        <p className="listing-price">
          <strong>{formatMoney(l.priceMinor, l.currency)}</strong>
          {l.originalPriceMinor !== null && <> <s className="muted" aria-label={`was ${formatMoney(l.originalPriceMinor, l.currency)}`}>{formatMoney(l.originalPriceMinor, l.currency)}</s></>}
        </p>
        {l.state === 'listed' && <LikeButton listing={l} large />}
        <p className="muted">
          {[l.brand, CONDITIONS[l.condition], categoryLabel(l.category)].filter(Boolean).join(' · ')}
        </p>
        <ul className="sizes" aria-label="Sizes">
          {l.variants.map((v) => (
            <li key={v.id} className={v.quantity > 0 ? 'size' : 'size size-out'}>
              {/* Units a show holds are sold there: "in a show", not sold out. */}
              {v.label} <span className="muted">{v.free > 0 ? `${v.free} left` : v.quantity > 0 ? 'in a show' : 'sold out'}</span>
            </li>
          ))}
        </ul>
        {l.description && <p className="listing-description">{l.description}</p>}
        {l.state === 'listed' && me?.id !== l.sellerId && <BuyNow listing={l} />}
        <p>
          Sold by <Link to={`/@${l.sellerHandle}`}>{l.sellerName}</Link><NewSellerBadge show={l.newSeller} /> · ships within {l.handlingDays} business {l.handlingDays === 1 ? 'day' : 'days'} ·{' '}
          {l.shippingFeeMinor === 0 ? 'free shipping' : `${formatMoney(l.shippingFeeMinor, l.currency)} shipping per bundle`}
        </p>
        {l.shows.length > 0 ? (
          <section aria-labelledby="in-shows">
            <h2 className="section-title" id="in-shows">Claim it live</h2>
            <ul className="claims">
              {l.shows.map((s) => (
                <li key={s.id}>
                  <StatusBadge status={s.status} /> <Link to={`/shows/${s.id}`}>{s.title}</Link>
                  {s.status === 'scheduled' && s.scheduledAt && <span className="muted"> · {new Date(s.scheduledAt).toLocaleString()}</span>}
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <p className="muted">Not in a show yet: follow <Link to={`/@${l.sellerHandle}`}>{l.sellerName}</Link> to see when it goes live.</p>
        )}
        {me && me.id !== l.sellerId && (
          <p><Link className="button" to={`/messages/${l.sellerHandle}?listing=${l.id}`} data-testid="ask-seller">Ask the seller</Link></p>
        )}
        {me?.id === l.sellerId && (
          <p className="actions">
            <Link className="button" to={`/listings/${l.id}/edit`}>Edit</Link>
            <Link className="button" to="/closet">Your closet</Link>
            <Link className="button" to="/shows/new">Put it in a show</Link>
          </p>
        )}
        {me?.id === l.sellerId && l.state === 'listed' && <OfferToLikers listing={l} />}
      </div>
    </article>
  );
  return <Layout open>{body}</Layout>;
};
