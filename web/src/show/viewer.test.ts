import { reduceShowEvents, type TShowEntry, type TShowEvent } from '@showcart/shared';
import { describe, expect, it } from 'vitest';
import { anotherUnitSummary, chatBlockOf, claimButtonOf, expiredOffers, myClaimsOf } from './viewer.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ME = id(7);
const OTHER = id(8);
const entry = (n: number, quantity: number, perBuyerLimit = quantity): TShowEntry => ({
  entryId: id(n), listingId: id(100 + n), variantId: id(200 + n), title: `Item ${n}`, variantLabel: 'M',
  photoUrl: '/p.svg', sellerId: id(300), sellerName: 'Maya', priceMinor: 2_200, currency: 'usd',
  quantity, perBuyerLimit, claimed: 0, offered: 0, cohosted: false,
});
let seq = 0;
const ev = (e: Record<string, unknown>) => ({ seq: ++seq, at: seq, ...e }) as TShowEvent;
const live = (quantity: number, perBuyerLimit = quantity) => {
  seq = 0;
  return [
    ev({ type: 'show.opened', showId: id(1), hostId: id(2), title: 'Show', entries: [entry(1, quantity, perBuyerLimit)] }),
    ev({ type: 'show.started' }),
    ev({ type: 'entry.featured', entryId: id(1) }),
  ];
};
const claim = (userId: string, claimId: number, position: number) =>
  ev({ type: 'claim.created', claimId: id(claimId), entryId: id(1), userId, displayName: 'B', position, priceMinor: 2_200 });

describe('the claim button', () => {
  it('claims with one tap, then says Claimed and asks for a deliberate step for another unit', () => {
    const start = live(3);
    expect(claimButtonOf(reduceShowEvents(start), ME)).toEqual({ label: 'Claim', action: 'claim' });
    const once = reduceShowEvents([...start, claim(ME, 10, 1)]);
    expect(claimButtonOf(once, ME)).toEqual({ label: 'Claimed ✓ · Claim another', action: 'another' });
    expect(anotherUnitSummary(once, ME)).toBe('You already claimed one. Another makes 2 for $44.00, charged after the show with one shipping fee for everything from Maya.');
  });

  it('is off at the per-buyer limit, when sold out, when banned and before the show is live, and says why', () => {
    expect(claimButtonOf(reduceShowEvents([...live(3, 1), claim(ME, 10, 1)]), ME)).toMatchObject({ action: 'none', why: /as many/ });
    expect(claimButtonOf(reduceShowEvents([...live(1), claim(ME, 10, 1)]), ME)).toMatchObject({ label: 'Claimed ✓', action: 'none' });
    expect(claimButtonOf(reduceShowEvents([...live(1), claim(OTHER, 10, 1)]), ME)).toEqual({ label: 'Sold out', action: 'none' });
    expect(claimButtonOf(reduceShowEvents([...live(3), ev({ type: 'user.banned', userId: ME })]), ME)).toMatchObject({ action: 'none', why: /removed you/ });
    seq = 0;
    const scheduled = [
      ev({ type: 'show.opened', showId: id(1), hostId: id(2), title: 'Show', entries: [entry(1, 3)] }),
      ev({ type: 'entry.featured', entryId: id(1) }),
    ];
    expect(claimButtonOf(reduceShowEvents(scheduled), ME)).toMatchObject({ action: 'none', why: /goes live/ });
  });

  it('turns back into Claim when the host voids the only claim, and the claim says why', () => {
    const voided = reduceShowEvents([...live(1), claim(ME, 10, 1), ev({ type: 'claim.voided', claimId: id(10), entryId: id(1), userId: ME, reason: 'Wrong size listed' })]);
    expect(claimButtonOf(voided, ME)).toEqual({ label: 'Claim', action: 'claim' });
    expect(myClaimsOf(voided, ME)).toEqual([{ claimId: id(10), title: 'Item 1', price: '$22.00', position: 1, voidedReason: 'Wrong size listed' }]);
  });
});

describe('what stops a viewer', () => {
  it('says how long a mute lasts, and nothing once it is over', () => {
    const muted = reduceShowEvents([...live(1), ev({ type: 'user.muted', userId: ME, untilAt: 10 * 60_000 })]);
    expect(chatBlockOf(muted, ME, 5 * 60_000)).toBe('A moderator muted you: you can chat again in 5 minutes.');
    expect(chatBlockOf(muted, ME, 10 * 60_000)).toBeUndefined();
    expect(chatBlockOf(muted, OTHER, 0)).toBeUndefined();
  });

  it('tells an offer that ran out from one that was taken', () => {
    const events = [...live(1), claim(OTHER, 10, 1), ev({ type: 'waitlist.joined', entryId: id(1), userId: ME }),
      ev({ type: 'claim.voided', claimId: id(10), entryId: id(1), userId: OTHER, reason: 'cancelled' }),
      ev({ type: 'waitlist.offered', entryId: id(1), userId: ME, expiresAt: 99 })];
    const offered = reduceShowEvents(events);
    const ranOut = reduceShowEvents([...events, ev({ type: 'waitlist.offerExpired', entryId: id(1), userId: ME })]);
    seq -= 1; // the other branch from the same state
    const taken = reduceShowEvents([...events, claim(ME, 11, 2)]);
    expect(expiredOffers(offered, ranOut, ME)).toEqual([{ entryId: id(1), userId: ME, expiresAt: 99 }]);
    expect(expiredOffers(offered, taken, ME)).toEqual([]);
    expect(expiredOffers(offered, ranOut, OTHER)).toEqual([]);
  });
});
