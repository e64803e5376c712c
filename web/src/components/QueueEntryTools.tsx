import type { TShowEntry } from '@showcart/shared';
import { useState } from 'react';

/** The host's controls for one queue entry: stock, per-buyer limit, sold out, remove. */
export const QueueEntryTools = ({
  entry,
  onUpdate,
  onRemove,
}: {
  entry: TShowEntry;
  onUpdate: (change: { quantity?: number; perBuyerLimit?: number }) => void;
  onRemove: () => void;
}) => {
  const [quantity, setQuantity] = useState(String(entry.quantity));
  const [limit, setLimit] = useState(String(entry.perBuyerLimit));
  const taken = entry.claimed + entry.offered;
  return (
    <details className="entry-tools">
      <summary>Edit</summary>
      <form
        className="entry-tools-form"
        onSubmit={(e) => {
          e.preventDefault();
          onUpdate({ quantity: Number(quantity), perBuyerLimit: Number(limit) });
        }}
      >
        <label>
          Quantity
          <input inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-label="Quantity" />
        </label>
        <label>
          Per buyer
          <input inputMode="numeric" value={limit} onChange={(e) => setLimit(e.target.value)} aria-label="Limit per buyer" />
        </label>
        <button className="button small">Save</button>
      </form>
      <div className="entry-tools-row">
        <button className="button small" disabled={entry.quantity === taken} onClick={() => onUpdate({ quantity: taken })}>
          Mark sold out
        </button>
        <button className="button small" disabled={taken > 0} onClick={onRemove}>
          Remove
        </button>
      </div>
    </details>
  );
};
