import { enqueue, JOBS, jobIds, withTransaction } from '@showcart/common';
import type { TNotificationKind, TNotificationPayload } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

/**
 * Who hears of an event: a list of users, or a named query read in keyset batches at
 * fan-out (so a host with many followers is never one array in memory or in a job):
 * the followers of a user, or the likers of a listing (its seller left out).
 */
export type TAudience =
  | { type: 'list'; userIds: string[] }
  | { type: 'followers'; userId: string }
  | { type: 'likers'; listingId: string };

/** An audience as `notification_events.audience` keeps it: a list's users are rows of notification_recipients. */
export const ZStoredAudience = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list') }),
  z.object({ type: z.literal('followers'), userId: z.uuid() }),
  z.object({ type: z.literal('likers'), listingId: z.uuid() }),
]);
export type TStoredAudience = z.infer<typeof ZStoredAudience>;

/** One thing that happened, to tell: `eventId` is derived from our own ids, so telling it twice tells it once. */
export type TNotifyEvent = { eventId: string; kind: TNotificationKind; audience: TAudience; payload: TNotificationPayload };

/**
 * Records an event and queues its fan-out (in batches, on the worker). Idempotent: an event
 * id seen before changes nothing and queues nothing new. Meant for after the change it
 * tells of is committed; a failure here is the caller's to log, never to undo that change.
 */
export const notify = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, event: TNotifyEvent): Promise<void> => {
  await withTransaction(deps.db, async (tx) => {
    const audience: TStoredAudience = event.audience.type === 'list' ? { type: 'list' } : event.audience;
    const { rowCount } = await tx.query(
      `insert into notification_events (id, kind, payload, audience) values ($1, $2, $3, $4) on conflict (id) do nothing`,
      [event.eventId, event.kind, event.payload, audience],
    );
    if (rowCount && event.audience.type === 'list') {
      await tx.query(
        `insert into notification_recipients (event_id, user_id) select $1, u from unnest($2::uuid[]) u on conflict do nothing`,
        [event.eventId, event.audience.userIds],
      );
    }
  });
  await enqueue(deps.queue, JOBS.notifyEvent.name, { eventId: event.eventId }, jobIds.notifyEvent(event.eventId));
};

/** For triggers: telling is a follow-up of a change already made, whose failure is logged, not thrown. */
export const notifyQuietly = async (deps: Pick<TDomainDeps, 'db' | 'queue' | 'logger'>, event: TNotifyEvent): Promise<void> => {
  await notify(deps, event).catch((error: unknown) => deps.logger.error({ err: error, eventId: event.eventId }, 'could not queue a notification'));
};
