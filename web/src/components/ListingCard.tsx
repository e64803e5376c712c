import { formatMoney, PHOTO_SIZES, type TListingCard } from '@showcart/shared';
import { Link } from 'react-router-dom';
import { LikeButton } from './LikeButton.tsx';
import { NewSellerBadge } from './NewSellerBadge.tsx';
import '../discovery.css';

/** Sizes named on a card; more read "+2". */
const SIZES_SHOWN = 4;

/**
 * A listing in a grid of results: its photo (the card size, loaded as it scrolls into
 * view, its box sized before it arrives), title, price (and what it cost new), sizes with
 * units left, seller, and a way into the live show selling it now.
 */
export const ListingCard = ({ listing }: { listing: TListingCard }) => {
  const free = listing.variants.filter((v) => v.free > 0);
  return (
    <article className="listing-card" data-testid="listing-card" data-listing-id={listing.id}>
      <Link to={`/listings/${listing.id}`} className="listing-card-link">
        <img className="listing-card-photo" src={listing.photoUrl} alt="" loading="lazy" decoding="async"
          width={PHOTO_SIZES.card} height={PHOTO_SIZES.card} />
        <h3 className="listing-card-title">{listing.title}</h3>
      </Link>
      <p className="listing-card-price">
        <strong>{formatMoney(listing.priceMinor, listing.currency)}</strong>
        {listing.originalPriceMinor !== null && (
          <s className="muted" aria-label={`was ${formatMoney(listing.originalPriceMinor, listing.currency)}`}>
            {formatMoney(listing.originalPriceMinor, listing.currency)}
          </s>
        )}
      </p>
      <p className="listing-card-sizes">
        {listing.soldOut ? <span className="stock-out">Sold out</span> : (
          <>
            <span className="sr-only">Sizes left: </span>
            {free.slice(0, SIZES_SHOWN).map((v) => v.label).join(' · ')}
            {free.length > SIZES_SHOWN && ` +${free.length - SIZES_SHOWN}`}
          </>
        )}
      </p>
      <p className="listing-card-seller muted">
        <Link to={`/@${listing.sellerHandle}`}>@{listing.sellerHandle}</Link>
        <NewSellerBadge show={listing.newSeller} />
      </p>
      <LikeButton listing={listing} />
      {listing.liveShowId && (
        <Link to={`/shows/${listing.liveShowId}`} className="badge badge-live listing-card-live">
          <span className="dot" /> live now<span className="sr-only">: watch the show selling it</span>
        </Link>
      )}
    </article>
  );
};
