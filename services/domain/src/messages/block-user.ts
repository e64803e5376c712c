import { execute } from '@showcart/common';
import { AppError } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { personByHandle } from './people.ts';

/** Blocks (or unblocks) a person: while blocked, neither can message the other, and no greeting goes. */
export const setBlocked = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; handle: string; blocked: boolean }) => {
  const other = await personByHandle(deps.db, p.handle);
  if (other.id === p.userId) throw new AppError('INVALID_INPUT', 'You cannot block yourself.');
  if (p.blocked) await execute(deps.db, 'insert into blocks (blocker_id, blocked_id) values ($1, $2) on conflict do nothing', [p.userId, other.id]);
  else await execute(deps.db, 'delete from blocks where blocker_id = $1 and blocked_id = $2', [p.userId, other.id]);
  return { blocked: p.blocked };
};
