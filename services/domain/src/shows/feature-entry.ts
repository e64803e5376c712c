import type { TDomainDeps } from '../deps.ts';
import { tellFeatured, tellLivePriceDrop } from '../notifications/tell-likers.ts';
import { openShow } from './lifecycle.ts';

type TEntryOp = { showId: string; actorId: string; clientOpId: string; entryId: string };
type TDeps = Pick<TDomainDeps, 'db' | 'engine' | 'queue' | 'logger'>;

/** The host features an entry (the engine decides); in a live show, the listing's likers hear of it. */
export const featureEntry = async (deps: TDeps, p: TEntryOp) => {
  await openShow(deps, p.showId);
  const applied = await deps.engine.feature(p);
  await tellFeatured(deps, p);
  return applied;
};

/**
 * The host changes an entry's price (the engine decides); in a live show, a price below
 * the one before and below the closet's is told to the listing's likers.
 */
export const setEntryPrice = async (deps: TDeps, p: TEntryOp & { priceMinor: number }) => {
  await openShow(deps, p.showId);
  const before = await deps.engine.entryPrice(p.showId, p.entryId);
  const applied = await deps.engine.setPrice(p);
  if (before !== null) await tellLivePriceDrop(deps, { showId: p.showId, entryId: p.entryId, fromMinor: before, toMinor: p.priceMinor, seq: applied.seq });
  return applied;
};
