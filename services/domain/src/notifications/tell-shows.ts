import { enqueue, JOBS, jobIds, queryRow } from '@showcart/common';
import { ZShowStatus } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { notifyQuietly } from './notify.ts';
import { clip } from './words.ts';

/**
 * What a host's shows tell the host's followers: a show scheduled, its start 15 minutes
 * away, and going live. Each event id is the show's (and the start time's, for the
 * reminder), so a retried step tells no one twice.
 */

/** How long before a scheduled start the followers are reminded (JOBS.showStartingSoon). */
export const STARTING_SOON_MS = 15 * 60_000;

type TTellDeps = Pick<TDomainDeps, 'db' | 'queue' | 'logger'>;

const ZShowNotice = z.object({
  hostId: z.string(), hostName: z.string(), title: z.string(), status: ZShowStatus, scheduledAt: z.date().nullable(), followers: z.number(),
});
const showNotice = (deps: Pick<TDomainDeps, 'db'>, showId: string) =>
  queryRow(deps.db, ZShowNotice,
    `select s.host_id as "hostId", u.display_name as "hostName", s.title, s.status, s.scheduled_at as "scheduledAt",
            u.follower_count as followers
       from shows s join users u on u.id = s.host_id where s.id = $1`,
    [showId]);

/**
 * Keeps the reminder of a show at its start time: the job of the old start (if any) is
 * removed, one for the new start is queued (delayed until 15 minutes before). A start
 * less than 15 minutes away gets none: the scheduling notice came just now.
 */
export const queueStartingSoon = async (
  deps: Pick<TDomainDeps, 'queue' | 'logger'>,
  p: { showId: string; scheduledAt: Date | null; previous: Date | null },
) => {
  if (p.previous && p.previous.getTime() !== p.scheduledAt?.getTime()) {
    // A job already running, or one a failure left behind, finds the show moved and tells nothing.
    await deps.queue.remove(jobIds.showStartingSoon(p.showId, p.previous))
      .catch((error: unknown) => deps.logger.warn({ err: error, showId: p.showId }, 'could not remove an old starting-soon reminder'));
  }
  if (!p.scheduledAt) return;
  const delay = p.scheduledAt.getTime() - STARTING_SOON_MS - Date.now();
  if (delay <= 0) return;
  await enqueue(deps.queue, JOBS.showStartingSoon.name, { showId: p.showId, scheduledAt: p.scheduledAt.toISOString() },
    jobIds.showStartingSoon(p.showId, p.scheduledAt), { delay });
};

/** A host scheduled a show with a start time (on create, or the first time one is set): its followers hear once. */
export const tellShowScheduled = async (deps: TTellDeps, showId: string) => {
  const show = await showNotice(deps, showId);
  // A host nobody follows has no one to tell (the count is kept by a trigger on follows).
  if (!show || show.status !== 'scheduled' || !show.scheduledAt || show.followers === 0) return;
  await notifyQuietly(deps, {
    eventId: `show-scheduled:${showId}`,
    kind: 'show_scheduled',
    audience: { type: 'followers', userId: show.hostId },
    payload: {
      title: clip(`${show.hostName} scheduled a show: ${show.title}`, 120),
      body: `It starts ${show.scheduledAt.toUTCString()}.`,
      url: `/shows/${showId}`,
    },
  });
};

/**
 * The job at 15 minutes before a start: the followers are told, unless the show was
 * cancelled, went live already, or was moved to another time (that time has its own job).
 */
export const tellShowStartingSoon = async (deps: TTellDeps, p: { showId: string; scheduledAt: string }) => {
  const show = await showNotice(deps, p.showId);
  const at = new Date(p.scheduledAt);
  if (!show || show.status !== 'scheduled' || show.scheduledAt?.getTime() !== at.getTime() || show.followers === 0) return { told: false };
  await notifyQuietly(deps, {
    eventId: `show-starting-soon:${p.showId}:${at.getTime()}`,
    kind: 'show_starting_soon',
    audience: { type: 'followers', userId: show.hostId },
    payload: {
      title: clip(`In 15 minutes: ${show.title}`, 120),
      body: `${show.hostName} goes live at ${at.toUTCString()}.`,
      url: `/shows/${p.showId}`,
    },
  });
  return { told: true };
};

/** The host went live: its followers hear once (a featured item already on opens the show at it). */
export const tellShowLive = async (deps: TTellDeps, p: { showId: string; featuredEntryId: string | null }) => {
  const show = await showNotice(deps, p.showId);
  if (!show || show.status !== 'live' || show.followers === 0) return;
  await notifyQuietly(deps, {
    eventId: `show-live:${p.showId}`,
    kind: 'show_live',
    audience: { type: 'followers', userId: show.hostId },
    payload: {
      title: clip(`${show.hostName} is live now: ${show.title}`, 120),
      body: 'Watch, chat and claim what you like before it is gone.',
      url: p.featuredEntryId ? `/shows/${p.showId}?item=${p.featuredEntryId}` : `/shows/${p.showId}`,
    },
  });
};
