import { availableOf, formatMoney, type TShowEntry } from '@showcart/shared';
import { useEffect, useRef, type ReactNode } from 'react';

/** An item of the show queue: photo, title, size, price, seller and stock. */
export const ItemCard = ({
  entry,
  featured,
  children,
  testId,
  partTestIds,
  marked,
}: {
  entry: TShowEntry;
  featured?: boolean;
  /** The item a notification opened the show at (`?item=`): outlined, and scrolled to once. */
  marked?: boolean;
  children?: ReactNode;
  testId?: string;
  /** Test ids of the title, price and stock, for the one card a test reads them from. */
  partTestIds?: { title: string; price: string; left: string };
}) => {
  const left = availableOf(entry);
  const marking = useRef<HTMLElement>(null);
  useEffect(() => {
    if (marked) marking.current?.scrollIntoView({ block: 'center' });
  }, [marked]);
  return (
    <article
      ref={marking}
      className={['item', featured && 'item-featured', marked && 'item-marked'].filter(Boolean).join(' ')}
      data-testid={testId}
      data-entry-id={entry.entryId}
      data-marked={marked ? 'true' : undefined}
    >
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
