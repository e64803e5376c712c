import { execute, queryRow, queryRows, type TQueryable } from '@showcart/common';
import { photoUrl, ZConversation, ZMessage, ZPerson, type TConversation, type TMessage, type TThread } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { blocksBetween, personByHandle } from './people.ts';

/** A thread shows its latest messages; older ones are rarely read again. */
const THREAD_MESSAGES = 200;

const MESSAGE_COLUMNS = `m.id, m.sender_id = $2 as mine, m.body, m.kind, m.created_at as "createdAt",
  case when l.id is null then null else json_build_object('id', l.id, 'title', l.title, 'photoUrl', l.photo_url,
    'priceMinor', l.price_minor, 'currency', l.currency) end as listing`;
const ZMessageRow = ZMessage.extend({ createdAt: z.date() });
const toMessage = (m: z.infer<typeof ZMessageRow>): TMessage => ({ ...m, createdAt: m.createdAt.toISOString() });

export const messageById = async (db: TQueryable, id: string, readerId: string): Promise<TMessage | undefined> => {
  const row = await queryRow(db, ZMessageRow, `select ${MESSAGE_COLUMNS} from messages m left join listings l on l.id = m.listing_id where m.id = $1`, [id, readerId]);
  return row && toMessage(row);
};

/** A person's threads, the latest first, each with its last message and what is unread. */
export const listConversations = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TConversation[]> => {
  const rows = await queryRows(deps.db, ZConversation.extend({
    other: ZPerson.omit({ avatarUrl: true }).extend({ avatarPhotoId: z.string().nullable() }),
    last: z.object({ body: z.string(), mine: z.boolean(), createdAt: z.string() }).nullable(),
  }),
    `select c.id,
            json_build_object('id', u.id, 'handle', u.handle, 'displayName', u.display_name, 'avatarPhotoId', u.avatar_photo_id) as other,
            (select json_build_object('body', m.body, 'mine', m.sender_id = $1, 'createdAt', to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
               from messages m where m.conversation_id = c.id order by m.created_at desc, m.id desc limit 1) as last,
            (select count(*)::int from messages m where m.conversation_id = c.id and m.sender_id <> $1 and m.read_at is null) as unread
       from conversations c join users u on u.id = case when c.low_id = $1 then c.high_id else c.low_id end
      where (c.low_id = $1 or c.high_id = $1)
        and exists (select 1 from messages m where m.conversation_id = c.id)
      order by c.last_message_at desc limit 100`,
    [userId],
  );
  return rows.map(({ other: { avatarPhotoId, ...other }, ...c }) => ({ ...c, other: { ...other, avatarUrl: avatarPhotoId ? photoUrl(avatarPhotoId, 'thumb') : null } }));
};

/** The thread with the person of this handle (empty until the first message); opening it reads what they sent. */
export const getThread = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; withHandle: string }): Promise<TThread> => {
  const other = await personByHandle(deps.db, p.withHandle, { orDeleted: true });
  const [low, high] = p.userId < other.id ? [p.userId, other.id] : [other.id, p.userId];
  const rows = await queryRows(deps.db, ZMessageRow,
    `select * from (
       select ${MESSAGE_COLUMNS}, m.id as sort_id from messages m join conversations c on c.id = m.conversation_id
         left join listings l on l.id = m.listing_id
        where c.low_id = $1 and c.high_id = $3
        order by m.created_at desc, m.id desc limit ${THREAD_MESSAGES}) t
      order by "createdAt", sort_id`,
    [low, p.userId, high],
  );
  await execute(deps.db,
    `update messages m set read_at = now() from conversations c
      where c.id = m.conversation_id and c.low_id = $1 and c.high_id = $2 and m.sender_id = $3 and m.read_at is null`,
    [low, high, other.id]);
  const blocks = await blocksBetween(deps.db, p.userId, other.id);
  return { other, messages: rows.map(toMessage), blockedByMe: blocks.byFirst, blockedMe: blocks.bySecond };
};
