import { execute, queryRow } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { personByHandle } from './people.ts';

/**
 * Reports a person to the platform's moderators, about one of the messages they sent the
 * reporter or in general. A message named must be theirs, in a thread with the reporter.
 */
export const reportUser = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; handle: string; reason: string; messageId?: string }) => {
  const other = await personByHandle(deps.db, p.handle);
  if (other.id === p.userId) throw new AppError('INVALID_INPUT', 'You cannot report yourself.');
  if (p.messageId) {
    const theirs = await queryRow(deps.db, z.object({ id: z.string() }),
      `select m.id from messages m join conversations c on c.id = m.conversation_id
        where m.id = $1 and m.sender_id = $2 and $3 in (c.low_id, c.high_id)`, [p.messageId, other.id, p.userId]);
    if (!theirs) throw new AppError('NOT_FOUND', 'No such message from them to you.');
  }
  await execute(deps.db, 'insert into reports (reporter_id, reported_id, message_id, reason) values ($1, $2, $3, $4)',
    [p.userId, other.id, p.messageId ?? null, p.reason]);
  return { reported: true as const };
};
