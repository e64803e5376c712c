import { queryRow, type TQueryable } from '@showcart/common';
import { AppError, MAX_SCHEDULE_DAYS, ZShowStatus, type TShowStatus } from '@showcart/shared';
import { z } from 'zod';

const DAY_MS = 86_400_000;

/**
 * The start time a host picks, checked on create and on every edit: in the future
 * (IN_THE_PAST otherwise) and within MAX_SCHEDULE_DAYS (INVALID_INPUT).
 */
export const checkStartTime = (at: string, nowMs = Date.now()): Date => {
  const start = new Date(at);
  if (start.getTime() <= nowMs) throw new AppError('IN_THE_PAST', 'scheduledAt: pick a time in the future.');
  if (start.getTime() > nowMs + MAX_SCHEDULE_DAYS * DAY_MS) {
    throw new AppError('INVALID_INPUT', `scheduledAt: pick a time within ${MAX_SCHEDULE_DAYS} days.`);
  }
  return start;
};

/**
 * A host's show, its row locked until the transaction ends: edits, cancelling and Go live
 * take this lock, so each sees the show as the one before it left it, and an entry added
 * meanwhile waits for it (addShowEntry). NOT_FOUND for an unknown show, FORBIDDEN for
 * anyone but its host. `no key update`: rows that merely reference the show (a co-hosted
 * item's entry) do not wait, which keeps cancelling free of deadlocks with their own locks.
 */
export const lockHostShow = async (tx: TQueryable, p: { showId: string; hostId: string }) => {
  const show = await queryRow(tx, z.object({ hostId: z.string(), status: ZShowStatus }),
    'select host_id as "hostId", status from shows where id = $1 for no key update', [p.showId]);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.hostId !== p.hostId) throw new AppError('FORBIDDEN', 'Only the host of this show can change it.');
  return show;
};

/** A show is changed only before it starts: SHOW_STARTED once live or over, SHOW_CANCELLED once called off. */
export const refuseUnlessScheduled = (status: TShowStatus) => {
  if (status === 'cancelled') throw new AppError('SHOW_CANCELLED');
  if (status !== 'scheduled') throw new AppError('SHOW_STARTED');
};
