import { AppError, type TErrorCode } from '@showcart/shared';
import type { TLogger } from '@showcart/common';
import type { ErrorRequestHandler, Request, Response } from 'express';
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

export const ZIdParam = z.strictObject({ id: z.uuid() });

/** Turns every error into `{ error: { code, message } }`; internal details stay in the log. */
export const errorHandler =
  (logger: TLogger): ErrorRequestHandler =>
  (error: unknown, req: Request, res: Response, _next) => {
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else if (isBodyParserError(error)) {
      const code: TErrorCode = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'INVALID_INPUT';
      appError = new AppError(code, code === 'INVALID_INPUT' ? 'The body is not valid JSON.' : undefined);
    } else {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
      appError = new AppError('INTERNAL');
    }
    if (res.headersSent) return;
    res.status(appError.status).json({ error: appError.toBody() });
  };

const isBodyParserError = (error: unknown): error is { type: string } =>
  typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' &&
  (error.type === 'entity.parse.failed' || error.type === 'entity.too.large' ||
    error.type === 'encoding.unsupported' || error.type === 'charset.unsupported');
