import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, shareOfMinor, sumMinor } from './money.ts';

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
});
