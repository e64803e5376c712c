import {
  addShowEntry,
  cancelShow,
  createShow,
  findShowDetail,
  listListings,
  listSellers,
  listShows,
  liveKitGrant,
  showReceipts,
  updateShow,
} from '@showcart/domain';
import { AppError } from '@showcart/shared';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TShowEndpoints = 'shows.list' | 'shows.get' | 'shows.create' | 'shows.update' | 'shows.cancel' | 'shows.addEntry' | 'shows.receipts' | 'shows.livekit'
  | 'closet.mine' | 'sellers.list' | 'sellers.listings';

/** Shows and closets. */
export const showHandlers = (deps: TApiDeps): Pick<THandlers, TShowEndpoints> => ({
  'shows.list': async () => ({ shows: await listShows(deps.db) }),
  'shows.get': async ({ params }) => {
    const show = await findShowDetail(deps.db, params.id);
    if (!show) throw new AppError('NOT_FOUND', 'No such show.');
    return show;
  },
  'shows.create': ({ user, body }) => createShow(deps, { host: user, show: body }),
  'shows.update': ({ user, params, body }) => updateShow(deps, { showId: params.id, hostId: user.id, changes: body }),
  'shows.cancel': ({ user, params }) => cancelShow(deps, { showId: params.id, hostId: user.id }),
  'shows.addEntry': ({ user, params, body }) => addShowEntry(deps, { showId: params.id, hostId: user.id, entry: body }),
  'shows.receipts': async ({ params }) => ({ items: await showReceipts(deps, params.id) }),
  'shows.livekit': ({ user, params }) => liveKitGrant(deps, { showId: params.id, user }),
  'closet.mine': async ({ user }) => ({ listings: await listListings(deps.db, user.id, { includeUnlisted: true }) }),
  'sellers.list': async ({ user }) => ({ sellers: await listSellers(deps.db, user.id) }),
  'sellers.listings': async ({ params }) => ({ listings: await listListings(deps.db, params.id) }),
});
