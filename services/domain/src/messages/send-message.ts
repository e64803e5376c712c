import { queryRow, withTransaction } from '@showcart/common';
import { AppError, type TMessage, type TMessageBody } from '@showcart/shared';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { blocksBetween, conversationOf, personByHandle } from './people.ts';
import { messageById } from './threads.ts';

/** Messages one person may send: a conversation's pace, not a spammer's. */
const MESSAGES_PER_MINUTE = 20;
const MESSAGES_PER_DAY = 300;

export const createMessaging = (deps: Pick<TDomainDeps, 'db' | 'redis' | 'config'>) => {
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: `${deps.config.queuePrefix}:rl:messages:${name}`, points, duration });
  const perMinute = limiter('minute', MESSAGES_PER_MINUTE, 60);
  const perDay = limiter('day', MESSAGES_PER_DAY, 86_400);

  /**
   * Sends a message to the person with this handle. Refused to oneself, to someone who
   * blocked the sender or whom the sender blocked (BLOCKED), past the rate (RATE_LIMITED);
   * a listing card must be of a listed listing. A retry with the same client id answers
   * the message it made.
   */
  const sendMessage = async (p: { senderId: string; toHandle: string; message: TMessageBody }): Promise<TMessage> => {
    const to = await personByHandle(deps.db, p.toHandle);
    if (to.id === p.senderId) throw new AppError('INVALID_INPUT', 'You cannot message yourself.');
    const again = await queryRow(deps.db, z.object({ id: z.string() }),
      'select id from messages where sender_id = $1 and client_id = $2', [p.senderId, p.message.clientId]);
    if (again) return (await messageById(deps.db, again.id, p.senderId))!;
    const blocks = await blocksBetween(deps.db, p.senderId, to.id);
    if (blocks.byFirst) throw new AppError('BLOCKED', 'You blocked this person: unblock them to send a message.');
    if (blocks.bySecond) throw new AppError('BLOCKED');
    if (p.message.listingId) {
      const listed = await queryRow(deps.db, z.object({ id: z.string() }),
        'select id from listings where id = $1 and deleted_at is null and unlisted_at is null', [p.message.listingId]);
      if (!listed) throw new AppError('LISTING_UNAVAILABLE');
    }
    try {
      await perMinute.consume(p.senderId);
      await perDay.consume(p.senderId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
      throw new AppError('RATE_LIMITED', `You sent many messages just now; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
    const id = await withTransaction(deps.db, async (tx) => {
      const conversationId = await conversationOf(tx, p.senderId, to.id);
      const row = await queryRow(tx, z.object({ id: z.string() }),
        `insert into messages (conversation_id, sender_id, body, listing_id, client_id) values ($1, $2, $3, $4, $5)
         on conflict (sender_id, client_id) do update set client_id = excluded.client_id returning id`,
        [conversationId, p.senderId, p.message.body, p.message.listingId ?? null, p.message.clientId]);
      await tx.query('update conversations set last_message_at = now() where id = $1', [conversationId]);
      return row!.id;
    });
    return (await messageById(deps.db, id, p.senderId))!;
  };

  return { sendMessage };
};

export type TMessaging = ReturnType<typeof createMessaging>;
