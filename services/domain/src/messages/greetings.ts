import { execute, queryRow, withTransaction } from '@showcart/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { conversationOf, personByHandle } from './people.ts';

/** A seller sets its greeting (null: off, as it is for every closet until its seller says). */
export const setGreeting = async (deps: Pick<TDomainDeps, 'db'>, p: { sellerId: string; greeting: string | null }) => {
  await execute(deps.db, 'update users set greeting = $2 where id = $1', [p.sellerId, p.greeting]);
  return { greeting: p.greeting };
};

export const getGreeting = async (deps: Pick<TDomainDeps, 'db'>, sellerId: string) =>
  ({ greeting: (await queryRow(deps.db, z.object({ greeting: z.string().nullable() }), 'select greeting from users where id = $1', [sellerId]))!.greeting });

/**
 * A signed-in visitor opened the closet (or a show) of the seller with this handle. If the
 * seller has a greeting, the visitor never bought from it (no order, no claim in a show), neither blocked the other, and
 * it was never sent to this visitor, it arrives in their messages from the seller, once
 * (greetings_sent's key makes a second visit, or two at once, send nothing).
 */
export const greetVisitor = async (deps: Pick<TDomainDeps, 'db'>, p: { visitorId: string; sellerHandle: string }) => {
  const seller = await personByHandle(deps.db, p.sellerHandle);
  if (seller.id === p.visitorId) return { greeted: false };
  const greeted = await withTransaction(deps.db, async (tx) => {
    const due = await queryRow(tx, z.object({ greeting: z.string() }),
      `select u.greeting from users u
        where u.id = $1 and u.greeting is not null
          and not exists (select 1 from orders o where o.seller_id = $1 and o.buyer_id = $2)
          and not exists (select 1 from claims c join show_entries e on e.id = c.entry_id where e.seller_id = $1 and c.buyer_id = $2)
          and not exists (select 1 from blocks b where (b.blocker_id = $1 and b.blocked_id = $2) or (b.blocker_id = $2 and b.blocked_id = $1))`,
      [seller.id, p.visitorId]);
    if (!due) return false;
    const first = await execute(tx, 'insert into greetings_sent (seller_id, visitor_id) values ($1, $2) on conflict do nothing', [seller.id, p.visitorId]);
    if (first === 0) return false;
    const conversationId = await conversationOf(tx, seller.id, p.visitorId);
    await execute(tx, `insert into messages (conversation_id, sender_id, body, kind, client_id) values ($1, $2, $3, 'greeting', $4)`,
      [conversationId, seller.id, due.greeting, randomUUID()]);
    await execute(tx, 'update conversations set last_message_at = now() where id = $1', [conversationId]);
    return true;
  });
  return { greeted };
};
