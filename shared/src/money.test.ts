import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstSaleBoostFor, formatMoney, moneyInputOf, parseMoneyInput, shareOfMinor, splitOrder, sumMinor } from './money.ts';

describe('money', () => {
  it('formats minor units for people', () => {
    expect(formatMoney(4_850, 'usd')).toBe('$48.50');
    expect(formatMoney(5, 'eur')).toBe('€0.05');
  });

  it('sums only integer amounts', () => {
    expect(sumMinor([4_800, 1_900, 650])).toBe(7_350);
    expect(() => sumMinor([100, 0.5])).toThrow(RangeError);
  });

  it('never gives a share larger than the amount, and loses nothing to rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const share = shareOfMinor(amount, bps);
        expect(Number.isInteger(share)).toBe(true);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(amount);
        expect(share + (amount - share)).toBe(amount);
      }),
    );
  });

  it('splits an order so that seller + commission + fee = total - refunds, with integers only', () => {
    const line = fc.record({ priceMinor: fc.integer({ min: 1, max: 1_000_000 }), commissionBps: fc.integer({ min: 0, max: 5_000 }) });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, shippingMinor, platformFeeBps, refundShare) => {
          const total = sumMinor(lines.map((l) => l.priceMinor)) + shippingMinor;
          const refundedMinor = Math.floor(total * refundShare);
          const s = splitOrder({ lines, shippingMinor, platformFeeBps, refundedMinor });
          expect(s.totalMinor).toBe(total);
          expect(s.sellerShareMinor + s.commissionMinor + s.platformFeeMinor).toBe(total - refundedMinor);
          for (const part of [s.sellerShareMinor, s.commissionMinor, s.platformFeeMinor]) {
            expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
          }
          // Before any refund, the host gets exactly its commission on each line.
          const unrefunded = splitOrder({ lines, shippingMinor, platformFeeBps });
          expect(unrefunded.commissionMinor).toBe(sumMinor(lines.map((l) => Math.floor((l.priceMinor * l.commissionBps) / 10_000))));
          expect(s.commissionMinor).toBeLessThanOrEqual(unrefunded.commissionMinor);
        },
      ),
    );
  });

  it('charges less by a first-sale boost, never changing what the seller is owed, refunds and all', () => {
    const line = fc.record({ priceMinor: fc.integer({ min: 1, max: 1_000_000 }), commissionBps: fc.integer({ min: 0, max: 5_000 }) });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, shippingMinor, platformFeeBps, boostShare, refundShare) => {
          const boostMinor = Math.floor(shippingMinor * boostShare);
          const plain = splitOrder({ lines, shippingMinor, platformFeeBps });
          const boosted = splitOrder({ lines, shippingMinor, platformFeeBps, boostMinor });
          expect(boosted.totalMinor).toBe(plain.totalMinor - boostMinor);
          const refundedMinor = Math.floor(boosted.totalMinor * refundShare);
          const after = splitOrder({ lines, shippingMinor, platformFeeBps, boostMinor, refundedMinor });
          expect(after.sellerShareMinor).toBe(splitOrder({ lines, shippingMinor, platformFeeBps, refundedMinor }).sellerShareMinor);
          // Invariant 4 with the platform's net fee: the boost is the platform's.
          expect(after.sellerShareMinor + after.commissionMinor + after.platformFeeMinor - boostMinor).toBe(after.totalMinor - refundedMinor);
        },
      ),
    );
    const lines = [{ priceMinor: 10_000, commissionBps: 0 }];
    expect(() => splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, boostMinor: 501 })).toThrow(RangeError);
    expect(() => splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, boostMinor: 500, refundedMinor: 10_001 })).toThrow(RangeError);
    expect(firstSaleBoostFor(700, 500)).toBe(500);
    expect(firstSaleBoostFor(300, 500)).toBe(300);
    expect(firstSaleBoostFor(300, 0)).toBe(0);
  });

  it('charges less by a seller’s shipping discount, which comes out of the seller’s share alone', () => {
    const line = fc.record({ priceMinor: fc.integer({ min: 1, max: 1_000_000 }), commissionBps: fc.integer({ min: 0, max: 5_000 }) });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, shippingMinor, platformFeeBps, discountShare, boostShare) => {
          const shippingDiscountMinor = Math.floor(shippingMinor * discountShare);
          const boostMinor = Math.floor((shippingMinor - shippingDiscountMinor) * boostShare);
          const plain = splitOrder({ lines, shippingMinor, platformFeeBps });
          const offered = splitOrder({ lines, shippingMinor, platformFeeBps, shippingDiscountMinor, boostMinor });
          expect(offered.totalMinor).toBe(plain.totalMinor - shippingDiscountMinor - boostMinor);
          expect(offered.sellerShareMinor).toBe(plain.sellerShareMinor - shippingDiscountMinor);
          expect([offered.commissionMinor, offered.platformFeeMinor]).toEqual([plain.commissionMinor, plain.platformFeeMinor]);
          expect(offered.sellerShareMinor + offered.commissionMinor + offered.platformFeeMinor - boostMinor).toBe(offered.totalMinor);
        },
      ),
    );
    const lines = [{ priceMinor: 10_000, commissionBps: 0 }];
    expect(() => splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, shippingDiscountMinor: 501 })).toThrow(RangeError);
    expect(() => splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, shippingDiscountMinor: 300, boostMinor: 201 })).toThrow(RangeError);
  });

  it('takes refunds from the seller first and refuses one larger than the charge', () => {
    const lines = [{ priceMinor: 10_000, commissionBps: 1_000 }];
    expect(splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500 })).toMatchObject({
      totalMinor: 10_500, commissionMinor: 1_000, platformFeeMinor: 500, sellerShareMinor: 9_000,
    });
    expect(splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, refundedMinor: 9_500 })).toMatchObject({
      commissionMinor: 500, platformFeeMinor: 500, sellerShareMinor: 0,
    });
    expect(() => splitOrder({ lines, shippingMinor: 500, platformFeeBps: 500, refundedMinor: 10_501 })).toThrow(RangeError);
  });
});

describe('parseMoneyInput', () => {
  it('reads what people type, in minor units, without float rounding', () => {
    expect(parseMoneyInput('45')).toBe(4500);
    expect(parseMoneyInput('19.99')).toBe(1999);
    expect(parseMoneyInput('0.1')).toBe(10);
    expect(parseMoneyInput(' $1,200.50 ')).toBe(120050);
    for (const bad of ['', '-5', '1.234', 'abc', '1e3', '12.']) expect(parseMoneyInput(bad)).toBeNull();
  });
  it('writes back what it reads', () => {
    for (const minor of [1, 10, 99, 100, 1999, 4500, 120050]) expect(parseMoneyInput(moneyInputOf(minor))).toBe(minor);
  });
});
