import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyShowEvent, emptyShowState, featuredEntry, reduceShowEvents, unitsHeldBy, ZShowEvent, type TShowEntry, type TShowEvent } from './show.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entry = (n: number, quantity: number): TShowEntry => ({
  entryId: id(n), listingId: id(100 + n), variantId: id(200 + n), title: `Item ${n}`, variantLabel: 'M',
  photoUrl: '/p.svg', sellerId: id(300), sellerName: 'Seller', priceMinor: 1_000 * n, currency: 'usd',
  quantity, perBuyerLimit: quantity, claimed: 0, offered: 0, cohosted: n % 2 === 0,
});

const opened: TShowEvent = { seq: 1, at: 1, type: 'show.opened', showId: id(1), hostId: id(2), title: 'Show', entries: [entry(1, 2), entry(2, 1)] };

describe('applyShowEvent', () => {
  it('follows a show from opening to its end', () => {
    const state = reduceShowEvents([
      opened,
      { seq: 2, at: 2, type: 'show.started' },
      { seq: 3, at: 3, type: 'entry.featured', entryId: id(1) },
      { seq: 4, at: 4, type: 'entry.priceChanged', entryId: id(1), priceMinor: 750 },
      { seq: 5, at: 5, type: 'claim.created', claimId: id(9), entryId: id(1), userId: id(7), displayName: 'Sam', position: 1, priceMinor: 750 },
    ]);
    expect(state.status).toBe('live');
    expect(featuredEntry(state)).toMatchObject({ entryId: id(1), priceMinor: 750, claimed: 1 });
    expect(state.claims).toEqual([{ claimId: id(9), entryId: id(1), userId: id(7), displayName: 'Sam', position: 1, priceMinor: 750, at: 5, seq: 5 }]);
    const ended = applyShowEvent(state, { seq: 6, at: 6, type: 'show.ended' });
    expect(ended).toMatchObject({ status: 'ended', featuredEntryId: null, seq: 6 });
    // The reducer never mutates the state it is given.
    expect(state.status).toBe('live');
  });

  it('counts the units each buyer holds, less voided claims', () => {
    const claim = (seq: number, claimId: number, entryId: number, userId: number): TShowEvent => ({
      seq, at: seq, type: 'claim.created', claimId: id(claimId), entryId: id(entryId), userId: id(userId), displayName: 'B', position: seq, priceMinor: 1_000,
    });
    const state = reduceShowEvents([
      opened, { seq: 2, at: 2, type: 'show.started' },
      claim(3, 11, 1, 7), claim(4, 12, 1, 7), claim(5, 13, 1, 8), claim(6, 14, 2, 7),
      { seq: 7, at: 7, type: 'claim.voided', claimId: id(11), entryId: id(1), userId: id(7), reason: 'test' },
    ]);
    expect(unitsHeldBy(state, id(1), id(7))).toBe(1);
    expect(unitsHeldBy(state, id(1), id(8))).toBe(1);
    expect(unitsHeldBy(state, id(2), id(7))).toBe(1);
    expect(unitsHeldBy(state, id(2), id(8))).toBe(0);
  });

  it('refuses an event that is not the next in sequence', () => {
    const state = applyShowEvent(emptyShowState(), opened);
    expect(() => applyShowEvent(state, { seq: 3, at: 3, type: 'show.started' })).toThrow(RangeError);
    expect(() => applyShowEvent(state, { ...opened, seq: 1 })).toThrow(RangeError);
  });

  it('counts claims per entry as the log says, for any sequence of claims', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 40 }), (picks) => {
        const events: TShowEvent[] = [opened];
        picks.forEach((n, i) =>
          events.push({ seq: i + 2, at: i, type: 'claim.created', claimId: id(1_000 + i), entryId: id(n), userId: id(7), displayName: 'x', position: i + 1, priceMinor: 1 }),
        );
        const state = reduceShowEvents(events);
        for (const e of state.entries) {
          expect(e.claimed).toBe(picks.filter((n) => id(n) === e.entryId).length);
        }
        expect(state.seq).toBe(picks.length + 1);
      }),
    );
  });
});

describe('events logged by older versions', () => {
  it('still parse, with the meaning they had then', () => {
    const { perBuyerLimit: _limit, offered: _offered, ...old } = entry(1, 4);
    const parsed = ZShowEvent.parse({ ...opened, entries: [old] });
    if (parsed.type !== 'show.opened') throw new Error('wrong type');
    expect(parsed.entries[0]).toMatchObject({ quantity: 4, perBuyerLimit: 4, offered: 0 });
  });
});
