import {
  API,
  AppError,
  isErrorCode,
  pathOf,
  type TBodyOf,
  type TEndpoint,
  type TEndpointName,
  type TParamsInputOf,
  type TQueryInputOf,
  type TResponseOf,
} from '@showcart/shared';
import { queryOptions, type QueryClient } from '@tanstack/react-query';

/**
 * Responses are parsed with their endpoint's schema in development, in tests, and in the
 * production build the browser tests serve (`VITE_CHECK_RESPONSES=1`): a server that
 * drifts from the contract fails there, not in a buyer's hands.
 */
const CHECK_RESPONSES = import.meta.env.DEV || import.meta.env.VITE_CHECK_RESPONSES === '1';

/** The endpoints that answer JSON. Raw ones (playlists, segments, webhooks) are not called through `call`. */
export type TJsonEndpoint = { [N in TEndpointName]: (typeof API)[N] extends { raw: true } ? never : N }[TEndpointName];

type TArgs<N extends TJsonEndpoint> = (TParamsInputOf<N> extends undefined ? { params?: undefined } : { params: TParamsInputOf<N> }) &
  (TQueryInputOf<N> extends undefined ? { query?: undefined }
    : object extends TQueryInputOf<N> ? { query?: TQueryInputOf<N> } : { query: TQueryInputOf<N> }) &
  (TBodyOf<N> extends undefined ? { body?: undefined } : { body: TBodyOf<N> });

/** What `call` takes after the name: nothing for an endpoint without path parameters, a required query or body. */
export type TCallArgs<N extends TJsonEndpoint> = object extends TArgs<N> ? [args?: TArgs<N>] : [args: TArgs<N>];

/** A response the contract does not allow: a bug in the server or in the contract, never the user's doing. */
export class ContractMismatch extends Error {
  constructor(name: TJsonEndpoint, issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
    const where = issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(the body)'}: ${i.message}`);
    super(`${API[name].method} ${API[name].path} (${name}) answered what its response schema does not allow: ${where.join('; ')}`);
    this.name = 'ContractMismatch';
  }
}

/** `?a=1&b=x` of the values given (none for undefined), or nothing. */
const queryString = (query: object | undefined) => {
  const given = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return given.length === 0 ? '' : `?${new URLSearchParams(given.map(([k, v]) => [k, String(v)])).toString()}`;
};

/**
 * Calls an endpoint of the contract with the session cookie: its method, its path with the
 * parameters filled in and the query string, the body as JSON. The answer has the endpoint's response type
 * (undefined for 204); a failure becomes an AppError with its code and message.
 */
export const call = async <N extends TJsonEndpoint>(name: N, ...[args]: TCallArgs<N>): Promise<TResponseOf<N>> => {
  const endpoint: TEndpoint = API[name];
  const body: unknown = args?.body;
  const res = await fetch(pathOf(endpoint.path, args?.params) + queryString(args?.query), {
    method: endpoint.method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as TResponseOf<N>;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = isErrorCode(error?.code) ? error.code : 'INTERNAL';
    throw new AppError(code, typeof error?.message === 'string' ? error.message : undefined);
  }
  if (!CHECK_RESPONSES || !endpoint.response) return data as TResponseOf<N>;
  const checked = endpoint.response.safeParse(data);
  if (!checked.success) {
    const mismatch = new ContractMismatch(name, checked.error.issues);
    // Pages tell the user only that something went wrong; the console (and the browser tests' log) says what.
    console.error(mismatch.message);
    throw mismatch;
  }
  return checked.data as TResponseOf<N>;
};

/**
 * A query's key: the endpoint's name, then its path parameters, then its query string's.
 * Invalidating `[name]` reaches every one.
 */
export const keyOf = <N extends TJsonEndpoint>(name: N, params?: TParamsInputOf<N>, query?: TQueryInputOf<N>) =>
  query !== undefined ? ([name, params ?? null, query] as const) : params === undefined ? ([name] as const) : ([name, params] as const);

/** The query of an endpoint: its key and its call, for `useQuery`, `setQueryData` and `invalidateQueries`. */
export const queryOf = <N extends TJsonEndpoint>(name: N, ...args: TCallArgs<N>) =>
  queryOptions({ queryKey: keyOf(name, args[0]?.params, args[0]?.query), queryFn: () => call(name, ...args) });

/** Marks the queries of these endpoints stale, whatever their parameters; those on screen are fetched again. */
export const invalidate = (client: QueryClient, ...names: TJsonEndpoint[]) =>
  Promise.all(names.map((name) => client.invalidateQueries({ queryKey: keyOf(name) })));

/** Failures worth another try a moment later: the network's and the server's own (5xx), not a refusal. */
export const isTransient = (error: unknown) =>
  error instanceof TypeError || (error instanceof AppError && error.status >= 500);

export const messageOf = (error: unknown) =>
  error instanceof AppError ? error.message : 'Something went wrong; please try again.';

/** A client-made operation id: a retried tap sends the same one. */
export const newOpId = () => crypto.randomUUID().replaceAll('-', '');
