import { ZShowEvent, type TShowEvent } from '@showcart/shared';
import type { Redis } from 'ioredis';
import { showKeys } from './redis-keys.ts';

/** The field of a log stream entry that holds the event's JSON. */
export const LOG_FIELD = 'e';

const parseEntry = ([, fields]: [string, string[]]): TShowEvent => {
  const json = fields[fields.indexOf(LOG_FIELD) + 1];
  return ZShowEvent.parse(JSON.parse(json ?? 'null'));
};

/** The show's events after `afterSeq`, in order, from its Redis log. */
export const readShowLog = async (
  redis: Redis,
  showId: string,
  afterSeq = 0,
  count?: number,
): Promise<TShowEvent[]> => {
  const key = showKeys(showId).log;
  const start = `${afterSeq + 1}-0`;
  const entries = (
    count === undefined
      ? await redis.xrange(key, start, '+')
      : await redis.xrange(key, start, '+', 'COUNT', count)
  ) as [string, string[]][];
  return entries.map(parseEntry);
};
