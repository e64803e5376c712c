/**
 * A seller that has never been paid for an order: its first buyer's shipping is on the
 * platform (the first-sale boost), which the title says to anyone who hovers or focuses it.
 */
export const NewSellerBadge = ({ show }: { show: boolean }) =>
  show ? (
    <span className="badge badge-new-seller" data-testid="new-seller" title="Its first buyer’s shipping is on us">
      New seller
    </span>
  ) : null;
