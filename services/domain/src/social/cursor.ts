import { AppError } from '@showcart/shared';
import { z } from 'zod';

/** A keyset page's position: the sort key of its last row (an instant) and the ids that break ties. */
const ZCursor = z.tuple([z.iso.datetime({ offset: true })]).rest(z.string().max(40));

export const encodeCursor = (at: Date, ...ids: string[]) => Buffer.from(JSON.stringify([at.toISOString(), ...ids])).toString('base64url');

export const decodeCursor = (text: string | undefined, ids: number): [string, ...string[]] | undefined => {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const cursor = ZCursor.safeParse(parsed);
  if (!cursor.success || cursor.data.length !== ids + 1) throw new AppError('INVALID_INPUT', 'cursor: not a cursor of ours; start from the first page.');
  return cursor.data;
};
