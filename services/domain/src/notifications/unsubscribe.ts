import { createHash } from 'node:crypto';
import { queryRow, withTransaction } from '@showcart/common';
import { AppError, NOTIFICATION_KINDS, ZNotificationKind } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { setPreference } from './preferences.ts';

/**
 * An email's unsubscribe link: it turns off that kind's email for the user it was sent to,
 * and nothing else, whoever opens it (a link needs no session: it is opened from a mail
 * client). A token that is not one of ours is refused.
 */
export const unsubscribeByToken = async (deps: Pick<TDomainDeps, 'db'>, token: string) =>
  withTransaction(deps.db, async (tx) => {
    const found = await queryRow(tx, z.object({ userId: z.string(), kind: ZNotificationKind }),
      'select user_id as "userId", kind from unsubscribe_tokens where token_hash = $1',
      [createHash('sha256').update(token).digest()]);
    if (!found) throw new AppError('BAD_UNSUBSCRIBE_LINK');
    await setPreference(tx, found.userId, { kind: found.kind, channel: 'email', enabled: false });
    return { kind: found.kind, label: NOTIFICATION_KINDS[found.kind].label };
  });
