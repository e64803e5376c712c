import { availableOf, featuredEntry, formatMoney, isShowOver, unitsHeldBy, type TOffer, type TShowState } from '@showcart/shared';

/**
 * What the show means for one viewer right now, derived from the show's state alone, so
 * every message is true at the moment it is shown and goes away when it stops being true.
 */

/** What the featured item's one button does for this viewer, and why it is off when it is. */
export type TClaimButton = {
  label: string;
  /** claim: a first unit, one tap. another: a further unit, only after a confirm that states the total. */
  action: 'claim' | 'another' | 'take-offer' | 'none';
  /** Why the button does nothing, said beside it. */
  why?: string;
};

export const claimButtonOf = (state: TShowState, meId: string): TClaimButton | undefined => {
  const featured = featuredEntry(state);
  if (!featured || isShowOver(state.status)) return undefined;
  if (state.bannedUserIds.includes(meId)) {
    return { label: 'Claim', action: 'none', why: 'The host removed you from this show: you can watch, but not claim or chat.' };
  }
  if (state.status !== 'live') return { label: 'Claim', action: 'none', why: 'Claiming opens when the show goes live.' };
  if (state.offers.some((o) => o.entryId === featured.entryId && o.userId === meId)) return { label: 'Take yours', action: 'take-offer' };
  const held = unitsHeldBy(state, featured.entryId, meId);
  const soldOut = availableOf(featured) <= 0;
  if (held > 0) {
    const claimed = held === 1 ? 'Claimed ✓' : `Claimed ✓ × ${held}`;
    if (held >= featured.perBuyerLimit) return { label: claimed, action: 'none', why: 'You have as many of this item as one buyer may claim.' };
    if (soldOut) return { label: claimed, action: 'none' };
    return { label: `${claimed} · Claim another`, action: 'another' };
  }
  if (soldOut) return { label: 'Sold out', action: 'none' };
  return { label: 'Claim', action: 'claim' };
};

/** The line a confirm of a further unit shows: what the viewer will have claimed, in all. */
export const anotherUnitSummary = (state: TShowState, meId: string) => {
  const featured = featuredEntry(state);
  if (!featured) return '';
  const held = unitsHeldBy(state, featured.entryId, meId);
  const total = formatMoney(featured.priceMinor * (held + 1), featured.currency);
  return `You already claimed ${held === 1 ? 'one' : held}. Another makes ${held + 1} for ${total}, charged after the show with one shipping fee for everything from ${featured.sellerName}.`;
};

/** The viewer's claims of the show, newest first, each with what became of it. */
export const myClaimsOf = (state: TShowState, meId: string) => {
  const titles = new Map(state.entries.map((e) => [e.entryId, { title: e.title, currency: e.currency }]));
  return state.claims
    .filter((c) => c.userId === meId)
    .reverse()
    .map((c) => ({
      claimId: c.claimId,
      title: titles.get(c.entryId)?.title ?? 'An item',
      price: formatMoney(c.priceMinor, titles.get(c.entryId)?.currency ?? 'usd'),
      position: c.position,
      voidedReason: c.voidedReason,
    }));
};

/** Why this viewer cannot chat now, if it cannot: banned, or muted until a time. */
export const chatBlockOf = (state: TShowState, meId: string, now: number): string | undefined => {
  if (state.bannedUserIds.includes(meId)) return 'The host removed you from this show, so you cannot chat or claim.';
  const until = state.mutedUntil[meId] ?? 0;
  if (until > now) {
    const minutes = Math.ceil((until - now) / 60_000);
    return `A moderator muted you: you can chat again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`;
  }
  return undefined;
};

/**
 * Offers of this viewer that ended without being taken, between two states of the show:
 * gone from the offers, and no more units of that item held than before. Each becomes a
 * one-time notice.
 */
export const expiredOffers = (before: TShowState, after: TShowState, meId: string): TOffer[] =>
  before.offers.filter(
    (o) =>
      o.userId === meId &&
      !after.offers.some((n) => n.entryId === o.entryId && n.userId === meId) &&
      unitsHeldBy(after, o.entryId, meId) <= unitsHeldBy(before, o.entryId, meId),
  );
