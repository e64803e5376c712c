import { randomUUID } from 'node:crypto';
import { AppError, type TErrorCode } from '@showcart/shared';
import { appErrorFromDb, type TLogger } from '@showcart/common';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/** Parses a request part with its schema; INVALID_INPUT names the first bad field. */
export const parseWith = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AppError('INVALID_INPUT', `${where}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
};

/** Response header that names a request; the log names it too. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Gives every request an id of ours (never the client's): error bodies and log lines carry it. */
export const requestIds = (_req: Request, res: Response, next: NextFunction) => {
  const id = randomUUID();
  res.locals.requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
};

/** What a library's client error (http-errors' status, set by body-parser, the router, multer) means to us. */
const CODE_OF_STATUS: Record<number, TErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Sentences for the libraries' own error types, which may quote internals we do not echo. */
const MESSAGE_OF_TYPE: Record<string, string> = {
  'entity.parse.failed': 'The body is not valid JSON.',
  'encoding.unsupported': 'That Content-Encoding is not supported; send identity, gzip, deflate or br.',
  'charset.unsupported': 'That charset is not supported; send UTF-8.',
  'entity.too.large': 'The request body is too large.',
  'request.size.invalid': 'The body is not as long as its Content-Length says.',
  'request.aborted': 'The request was cut off before its body arrived.',
};

const libraryStatusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

/** Stripe could not be reached, or failed on its side: the payment can be tried again. */
const STRIPE_UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);
const stripeTypeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' && error.type.startsWith('Stripe') ? error.type : undefined;

/**
 * The one place where an error becomes an answer: ours (AppError) as they are; Stripe out
 * of reach or failing on its side as 503 UNAVAILABLE (a retry with the same attempt id is
 * the same payment); a client
 * error a library raised (a body that is not JSON or not gzip, a broken percent-encoding
 * in the path, a body too large or of a type we do not take) as its 4xx code; a value the
 * database cannot store as INVALID_INPUT. Anything else is a fault of ours: 500 INTERNAL,
 * logged with the request's id, which the body carries so that a report can name it.
 */
export const toClientError = (error: unknown): { error: AppError; fromLibrary: boolean } | undefined => {
  if (error instanceof AppError) return { error, fromLibrary: false };
  const stripeType = stripeTypeOf(error);
  // Any other Stripe error (a 4xx of Stripe's) is a fault of ours, not the client's.
  if (stripeType !== undefined) {
    return STRIPE_UNAVAILABLE.has(stripeType)
      ? { error: new AppError('UNAVAILABLE', 'Payments are not answering right now: try again in a moment (nothing is charged twice).', { cause: error }), fromLibrary: true }
      : undefined;
  }
  const status = libraryStatusOf(error);
  if (status !== undefined) {
    const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
    const code = CODE_OF_STATUS[status] ?? 'INVALID_INPUT';
    const message = MESSAGE_OF_TYPE[type] ?? (error instanceof URIError ? 'The path has a broken percent-encoding.' : undefined);
    return { error: new AppError(code, message, { cause: error }), fromLibrary: true };
  }
  const fromDb = appErrorFromDb(error);
  return fromDb && { error: fromDb, fromLibrary: true };
};

/** Turns every error into `{ error: { code, message, requestId } }`; internal details stay in the log. */
export const errorHandler =
  (logger: TLogger): ErrorRequestHandler =>
  (error: unknown, req: Request, res: Response, _next) => {
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    const known = toClientError(error);
    if (!known) logger.error({ err: error, requestId, method: req.method, url: req.originalUrl }, 'request failed');
    else if (known.error.code === 'UNAVAILABLE') logger.error({ err: error, requestId, method: req.method, url: req.originalUrl }, 'a service we call is unavailable');
    else if (known.fromLibrary) logger.warn({ err: error, requestId, method: req.method, url: req.originalUrl }, 'client error');
    const appError = known?.error ?? new AppError('INTERNAL');
    if (res.headersSent) return;
    if (appError.code === 'RATE_LIMITED' && appError.retryAfterSeconds) res.setHeader('retry-after', String(appError.retryAfterSeconds));
    res.status(appError.status).json({ error: { ...appError.toBody(), requestId } });
  };
