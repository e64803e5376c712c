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

/** One item of an order: its price and, for another seller's item, the host's commission. */
export type TOrderLine = { priceMinor: number; commissionBps: number };

/** Who gets what of an order's charge (invariant 4). */
export type TOrderSplit = {
  itemsMinor: number;
  shippingMinor: number;
  /** What the platform pays of the shipping for the buyer (the first-sale boost): charged less, never the seller's loss. */
  boostMinor: number;
  /** What the seller takes off its own shipping fee (an offer to likers): charged less, and the seller's loss. */
  shippingDiscountMinor: number;
  /** The charge: items + shipping − the boost − the seller's shipping discount. */
  totalMinor: number;
  /** The host's commission on items it featured from another seller. */
  commissionMinor: number;
  platformFeeMinor: number;
  /** The rest, the seller's: its items less commission and fee, plus the shipping fee less its own discount, boost or not. */
  sellerShareMinor: number;
  refundedMinor: number;
};

type TShares = { sellerShareMinor: number; commissionMinor: number; platformFeeMinor: number };

/**
 * Takes a refund out of an order's shares: the seller's first, then the commission, then
 * the fee. Returns the shares after it and what each gave back.
 */
export const takeRefund = (shares: TShares, refundMinor: number) => {
  const fromSeller = Math.min(refundMinor, shares.sellerShareMinor);
  const fromCommission = Math.min(refundMinor - fromSeller, shares.commissionMinor);
  const fromFee = refundMinor - fromSeller - fromCommission;
  if (fromFee > shares.platformFeeMinor) throw new RangeError(`a refund of ${refundMinor} is more than is left of the order`);
  return {
    sellerShareMinor: shares.sellerShareMinor - fromSeller,
    commissionMinor: shares.commissionMinor - fromCommission,
    platformFeeMinor: shares.platformFeeMinor - fromFee,
    fromSeller,
    fromCommission,
    fromFee,
  };
};

/**
 * Splits an order: total = items + shipping − boost − the seller's shipping discount; the
 * host's commission and the platform fee are shares of the item prices (an offer's price
 * when an offer was used: the seller pays for its offer), rounded down; the seller gets the
 * rest of items + shipping − its shipping discount, so a boost (paid by the platform, `platform:boost` in the ledger) never changes
 * its share: seller + commission + fee = total + boost − refunds, i.e. with the platform's
 * net fee (fee − boost), seller + commission + net fee = total − refunds (invariant 4). A
 * refund gives back at most what the buyer paid and comes out of the seller's share first,
 * then the commission, then the fee, as it would without the boost, with integers only.
 */
export const splitOrder = (p: {
  lines: readonly TOrderLine[];
  shippingMinor: number;
  platformFeeBps: number;
  boostMinor?: number;
  shippingDiscountMinor?: number;
  refundedMinor?: number;
}): TOrderSplit => {
  const itemsMinor = sumMinor(p.lines.map((l) => l.priceMinor));
  const shippingMinor = sumMinor([p.shippingMinor]);
  const boostMinor = p.boostMinor ?? 0;
  const shippingDiscountMinor = p.shippingDiscountMinor ?? 0;
  if (!Number.isSafeInteger(shippingDiscountMinor) || shippingDiscountMinor < 0 || shippingDiscountMinor > shippingMinor) {
    throw new RangeError(`a shipping discount of ${shippingDiscountMinor} does not fit a shipping fee of ${shippingMinor}`);
  }
  if (!Number.isSafeInteger(boostMinor) || boostMinor < 0 || boostMinor > shippingMinor - shippingDiscountMinor) {
    throw new RangeError(`a boost of ${boostMinor} does not fit a shipping fee of ${shippingMinor}`);
  }
  const totalMinor = itemsMinor + shippingMinor - boostMinor - shippingDiscountMinor;
  const refundedMinor = p.refundedMinor ?? 0;
  if (!Number.isSafeInteger(refundedMinor) || refundedMinor < 0 || refundedMinor > totalMinor) {
    throw new RangeError(`a refund of ${refundedMinor} does not fit a total of ${totalMinor}`);
  }
  const commission = sumMinor(p.lines.map((l) => shareOfMinor(l.priceMinor, l.commissionBps)));
  const fee = shareOfMinor(itemsMinor, p.platformFeeBps);
  const seller = itemsMinor + shippingMinor - shippingDiscountMinor - commission - fee;
  if (seller < 0) throw new RangeError('commission and fee exceed the order');
  const after = takeRefund({ sellerShareMinor: seller, commissionMinor: commission, platformFeeMinor: fee }, refundedMinor);
  return {
    itemsMinor,
    shippingMinor,
    boostMinor,
    shippingDiscountMinor,
    totalMinor,
    commissionMinor: after.commissionMinor,
    platformFeeMinor: after.platformFeeMinor,
    sellerShareMinor: after.sellerShareMinor,
    refundedMinor,
  };
};

/**
 * The first-sale boost on a new seller's first order: its whole shipping fee, up to the
 * configured most (0 turns the boost off).
 */
export const firstSaleBoostFor = (shippingMinor: number, maxMinor: number): number => Math.max(0, Math.min(shippingMinor, maxMinor));

/**
 * What a person typed as a price ("45", "45.5", "1,200.00") in minor units, or null when it
 * is not an amount: never through floating point, so "19.99" is 1999 and not 1998.
 */
export const parseMoneyInput = (text: string): number | null => {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/^\$/, '').replaceAll(',', ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
};

/** Minor units as a person would type them back ("45.50"), for a form's initial value. */
export const moneyInputOf = (amountMinor: number): string =>
  amountMinor % 100 === 0 ? String(amountMinor / 100) : `${Math.floor(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, '0')}`;
