import { AppError } from '@showcart/shared';

/** The constraint behind invariant 1: a variant's reserved units never exceed its closet quantity. */
export const STOCK_CONSTRAINT = 'listing_variants_reserved_within';

type TPgError = { code: string; constraint?: string };

const isPgError = (error: unknown): error is TPgError =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code);

/** True when Postgres refused a statement because the closet has too few free units. */
export const isStockRefusal = (error: unknown) =>
  isPgError(error) && error.code === '23514' && error.constraint === STOCK_CONSTRAINT;

/**
 * The client's mistake behind a Postgres error, if it was one: a value Postgres cannot
 * store (class 22: a NUL byte in text, a number out of range, a malformed date), a
 * duplicate that a racing retry made (23505), or units the closet does not have. Every
 * other database error is a fault of ours and stays undefined.
 */
export const appErrorFromDb = (error: unknown): AppError | undefined => {
  if (!isPgError(error)) return undefined;
  if (isStockRefusal(error)) return new AppError('NOT_ENOUGH_STOCK', undefined, { cause: error });
  if (error.code.startsWith('22')) return new AppError('INVALID_INPUT', 'A value in the request cannot be stored.', { cause: error });
  if (error.code === '23505') return new AppError('CONFLICT', 'That was done already, or at the same time by another request.', { cause: error });
  return undefined;
};
