import { availableOf, formatMoney, type TShowEntry } from '@showcart/shared';
import type { ReactNode } from 'react';

/** An item of the show queue: photo, title, size, price, seller and stock. */
export const ItemCard = ({
  entry,
  featured,
  children,
  testId,
  partTestIds,
}: {
  entry: TShowEntry;
  featured?: boolean;
  children?: ReactNode;
  testId?: string;
  /** Test ids of the title, price and stock, for the one card a test reads them from. */
  partTestIds?: { title: string; price: string; left: string };
}) => {
  const left = availableOf(entry);
  return (
    <article className={featured ? 'item item-featured' : 'item'} data-testid={testId} data-entry-id={entry.entryId}>
      <img src={entry.photoUrl} alt="" className="item-photo" loading="lazy" />
      <div className="item-body">
        <h3 className="item-title" data-testid={partTestIds?.title}>{entry.title}</h3>
        <p className="item-meta">
          Size {entry.variantLabel} · {entry.sellerName}
          {entry.cohosted && <span className="badge badge-cohost">Co-host</span>}
        </p>
        <p className="item-price">
          <span data-testid={partTestIds?.price}>{formatMoney(entry.priceMinor, entry.currency)}</span>
          <span className={left > 0 ? 'stock' : 'stock stock-out'} data-testid={partTestIds?.left}>
            {left > 0 ? `${left} left` : 'Sold out'}
          </span>
        </p>
        {children}
      </div>
    </article>
  );
};
