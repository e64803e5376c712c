import { z } from 'zod';

/** Money is always an integer count of the currency's minor unit (cents). */
export const ZAmountMinor = z.number().int().nonnegative().max(100_000_000);
export type TAmountMinor = z.infer<typeof ZAmountMinor>;

export const ZCurrency = z.enum(['usd', 'eur', 'gbp', 'cad', 'aud']);
export type TCurrency = z.infer<typeof ZCurrency>;

/** Formats minor units for people; never used for arithmetic. */
export const formatMoney = (amountMinor: number, currency: TCurrency): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amountMinor / 100,
  );

/** Sums integer minor amounts, refusing anything that is not a safe integer. */
export const sumMinor = (amounts: readonly number[]): number =>
  amounts.reduce((total, amount) => {
    if (!Number.isSafeInteger(amount)) throw new RangeError(`not an integer amount: ${amount}`);
    return total + amount;
  }, 0);

/** A share in basis points, rounded down: what is left over stays with the seller. */
export const shareOfMinor = (amountMinor: number, bps: number): number =>
  Math.floor((amountMinor * bps) / 10_000);
