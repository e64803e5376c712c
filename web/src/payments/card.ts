import type { TCard } from '@showcart/shared';

/** A saved card as a person reads it: brand, last four digits, expiry. */
export const cardLabel = (card: TCard) => `${card.brand[0]!.toUpperCase()}${card.brand.slice(1)} ···· ${card.last4}${card.exp ? ` · ${card.exp}` : ''}`;
