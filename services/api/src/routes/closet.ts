import {
  addAddress,
  createListing,
  deleteListing,
  findSessionUser,
  getClosetSettings,
  getListing,
  listAddresses,
  removeAddress,
  sessionTokenFromCookieHeader,
  setDefaultAddress,
  setListingState,
  updateClosetSettings,
  updateListing,
} from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TClosetEndpoints = 'listings.create' | 'listings.get' | 'listings.update' | 'listings.setState' | 'listings.delete'
  | 'closet.settings' | 'closet.updateSettings' | 'addresses.list' | 'addresses.add' | 'addresses.setDefault' | 'addresses.remove';

/** A seller's closet (its listings and terms) and a buyer's addresses. */
export const closetHandlers = (deps: TApiDeps): Pick<THandlers, TClosetEndpoints> => ({
  'listings.create': ({ user, body }) => createListing(deps, { seller: user, listing: body }),
  // Anyone opens a listed listing; its seller an unlisted one too.
  'listings.get': async ({ params, req }) =>
    getListing(deps, { listingId: params.id, viewerId: (await findSessionUser(deps.db, sessionTokenFromCookieHeader(req.headers.cookie)))?.id }),
  'listings.update': ({ user, params, body }) => updateListing(deps, { sellerId: user.id, listingId: params.id, listing: body }),
  'listings.setState': ({ user, params, body }) => setListingState(deps, { sellerId: user.id, listingId: params.id, state: body.state }),
  'listings.delete': ({ user, params }) => deleteListing(deps, { sellerId: user.id, listingId: params.id }),
  'closet.settings': ({ user }) => getClosetSettings(deps, user.id),
  'closet.updateSettings': ({ user, body }) => updateClosetSettings(deps, { sellerId: user.id, settings: body }),
  'addresses.list': async ({ user }) => ({ addresses: await listAddresses(deps, user.id) }),
  'addresses.add': ({ user, body: { makeDefault, ...address } }) => addAddress(deps, { userId: user.id, address, makeDefault }),
  'addresses.setDefault': async ({ user, params }) => ({ addresses: await setDefaultAddress(deps, { userId: user.id, addressId: params.id }) }),
  'addresses.remove': async ({ user, params }) => ({ addresses: await removeAddress(deps, { userId: user.id, addressId: params.id }) }),
});
