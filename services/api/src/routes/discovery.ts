import { getHome, search } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

/** The home page and search: open to anyone, signed in or not (a buyer arrives from a link). */
export const discoveryHandlers = (deps: TApiDeps): Pick<THandlers, 'discovery.home' | 'discovery.search'> => ({
  'discovery.home': () => getHome(deps),
  'discovery.search': ({ query }) => search(deps, query),
});
