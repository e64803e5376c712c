import { resolveSession, sessionTokenFromCookieHeader, type TSessionUser } from '@showcart/domain';
import {
  API,
  AppError,
  type TBodyOf,
  type TEndpoint,
  type TEndpointName,
  type TParamsOf,
  type TQueryOf,
  type TResponseOf,
} from '@showcart/shared';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { TApiDeps } from './deps.ts';
import { parseWith } from './http.ts';

/** JSON bodies of this API are small; anything larger is refused before parsing. */
const JSON_BODY_LIMIT = '100kb';
/** Webhook bodies are small JSON; both providers sign the raw bytes. */
const WEBHOOK_BODY_LIMIT = '256kb';

type TEndpointOf<N extends TEndpointName> = (typeof API)[N];

/** What a handler gets: its parsed path parameters, query string and body, the signed-in user where the endpoint needs one. */
export type TRequestOf<N extends TEndpointName> = {
  params: TParamsOf<N>;
  query: TQueryOf<N>;
  body: TBodyOf<N>;
  user: TEndpointOf<N>['auth'] extends 'user' ? TSessionUser : undefined;
  req: Request;
  res: Response;
};

/** A JSON endpoint's handler returns its response; a raw one writes the response itself. */
export type THandler<N extends TEndpointName> = (request: TRequestOf<N>) => Promise<TEndpointOf<N> extends { raw: true } ? void : TResponseOf<N> extends undefined ? void : TResponseOf<N>>;

/** A handler for every endpoint of the contract: one missing, or one too many, does not compile. */
export type THandlers = { [N in TEndpointName]: THandler<N> };

/**
 * Mounts every endpoint of the contract on the router: its method and path, the session
 * check (`user`), the body parser (JSON, or the raw bytes a webhook signs), parsing of path
 * parameters, query string and body with its schemas (INVALID_INPUT naming the first bad field), and the
 * success status. Outside production each JSON response is checked against its schema, so
 * a handler that drifts from the contract fails the tests rather than a client.
 */
export const mountContract = (router: Router, handlers: THandlers, deps: Pick<TApiDeps, 'db' | 'config' | 'logger'>) => {
  const checkResponses = deps.config.env !== 'production';
  const json = express.json({ limit: JSON_BODY_LIMIT });
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const signedIn: RequestHandler = async (req, res, next) => {
    res.locals.user = await resolveSession(deps.db, sessionTokenFromCookieHeader(req.headers.cookie));
    next();
  };
  for (const [name, endpoint] of Object.entries(API) as [TEndpointName, TEndpoint][]) {
    const handle = handlers[name] as (request: TRequestOf<TEndpointName>) => Promise<unknown>;
    const before: RequestHandler[] = [];
    if (endpoint.auth === 'signed') before.push(raw);
    else if (endpoint.body) before.push(json);
    if (endpoint.auth === 'user') before.push(signedIn);
    const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](endpoint.path, ...before, async (req: Request, res: Response) => {
      const params = endpoint.params ? parseWith(endpoint.params, req.params) : undefined;
      const query = endpoint.query ? parseWith(endpoint.query, req.query) : undefined;
      const body = endpoint.body ? parseWith(endpoint.body, req.body) : undefined;
      const result = await handle({ params, query, body, user: res.locals.user, req, res } as TRequestOf<TEndpointName>);
      if (endpoint.raw) return;
      if (endpoint.response === null) {
        res.status(endpoint.status ?? 204).end();
        return;
      }
      if (checkResponses) {
        const checked = endpoint.response.safeParse(result);
        if (!checked.success) {
          deps.logger.error({ endpoint: name, issues: checked.error.issues.slice(0, 5) }, 'a response does not match the contract');
          throw new AppError('INTERNAL', undefined, { cause: checked.error });
        }
      }
      res.status(endpoint.status ?? 200).json(result);
    });
  }
};
