import { findSessionUser, getHome, search, sessionTokenFromCookieHeader } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

/** The home page and search: open to anyone, signed in or not (a buyer arrives from a link). */
export const discoveryHandlers = (deps: TApiDeps): Pick<THandlers, 'discovery.home' | 'discovery.search'> => ({
  'discovery.home': () => getHome(deps),
  // A signed-in searcher sees which results they like.
  'discovery.search': async ({ query, req }) =>
    search(deps, query, (await findSessionUser(deps.db, sessionTokenFromCookieHeader(req.headers.cookie)))?.id),
});
