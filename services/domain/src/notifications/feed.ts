import { execute, queryRow, queryRows } from '@showcart/common';
import { AppError, ZNotificationKind, ZNotificationPayload, type TNotification } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

/** Notifications per page of the feed. */
const PAGE = 30;

const ZCursor = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);
const encodeCursor = (createdAt: string, id: string) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
const decodeCursor = (text: string) => {
  try {
    return ZCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor of ours');
  }
};

const ZRow = z.object({ id: z.string(), kind: ZNotificationKind, payload: ZNotificationPayload, createdAt: z.date(), readAt: z.date().nullable() });

export const countUnread = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<number> =>
  (await queryRow(deps.db, z.object({ n: z.coerce.number() }),
    'select count(*) as n from notifications where user_id = $1 and read_at is null', [userId]))?.n ?? 0;

/** A user's feed, newest first, a page at a time (keyset on created_at, id). */
export const listNotifications = async (deps: Pick<TDomainDeps, 'db'>, userId: string, p: { cursor?: string | undefined }) => {
  const after = p.cursor === undefined ? null : decodeCursor(p.cursor);
  const rows = await queryRows(deps.db, ZRow,
    `select id, kind, payload, created_at as "createdAt", read_at as "readAt" from notifications
      where user_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [userId, after?.[0] ?? null, after?.[1] ?? null, PAGE + 1]);
  const page = rows.slice(0, PAGE);
  const notifications: TNotification[] = page.map((r) => ({
    id: r.id, kind: r.kind, createdAt: r.createdAt.toISOString(), readAt: r.readAt?.toISOString() ?? null, ...r.payload,
  }));
  const last = page.at(-1);
  return {
    notifications,
    nextCursor: rows.length > PAGE && last ? encodeCursor(last.createdAt.toISOString(), last.id) : null,
    unread: await countUnread(deps, userId),
  };
};

/** Marks one of the user's notifications read (another's is NOT_FOUND), or all of them; returns the unread count after. */
export const markNotificationsRead = async (deps: Pick<TDomainDeps, 'db'>, userId: string, which: { id: string } | 'all'): Promise<number> => {
  if (which === 'all') {
    await execute(deps.db, 'update notifications set read_at = now() where user_id = $1 and read_at is null', [userId]);
  } else {
    const found = await queryRow(deps.db, z.object({ id: z.string() }),
      'update notifications set read_at = coalesce(read_at, now()) where id = $1 and user_id = $2 returning id', [which.id, userId]);
    if (!found) throw new AppError('NOT_FOUND', 'No such notification.');
  }
  return countUnread(deps, userId);
};
