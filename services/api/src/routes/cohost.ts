import { decideCohostItem, listCohostItems, proposeCohostItem, withdrawCohostItem } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

/** Co-hosted items: consent asked, given, refused and taken back (invariant 6). */
export const cohostHandlers = (deps: TApiDeps): Pick<THandlers, 'cohost.request' | 'cohost.offer' | 'cohost.list' | 'cohost.decide' | 'cohost.withdraw'> => ({
  'cohost.request': ({ user, params, body }) => proposeCohostItem(deps, { as: 'host', userId: user.id, showId: params.id, proposal: body }),
  'cohost.offer': ({ user, params, body }) => proposeCohostItem(deps, { as: 'seller', userId: user.id, showId: params.id, proposal: body }),
  'cohost.list': async ({ user }) => ({ items: await listCohostItems(deps, user.id) }),
  'cohost.decide': ({ user, params, body }) => decideCohostItem(deps, { userId: user.id, itemId: params.id, approve: body.approve }),
  'cohost.withdraw': ({ user, params }) => withdrawCohostItem(deps, { userId: user.id, itemId: params.id }),
});
