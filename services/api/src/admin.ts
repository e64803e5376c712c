import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { MAINTENANCE_QUEUE } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response, Router } from 'express';
import { resolveSession, sessionTokenFromCookieHeader } from '@showcart/domain';
import type { TApiDeps } from './deps.ts';

export const ADMIN_QUEUES_PATH = '/admin/queues';

/**
 * bull-board for operators: the settlement queue's jobs, failed ones to inspect and retry,
 * and the maintenance queue's (compact-redis-log).
 * Only signed-in users marked admin get in. A browser opening the page is sent to a page
 * of the app instead of an error body: to sign in (and back here), or to the page saying
 * it is for operators; other requests get the 401 or 403.
 */
export const adminRoutes = (deps: TApiDeps): [(req: Request, res: Response, next: NextFunction) => Promise<void>, ...Router[]] => {
  const board = new ExpressAdapter();
  board.setBasePath(ADMIN_QUEUES_PATH);
  // Read through the settlement queue's connection and prefix: the same Redis, the same namespace.
  const { connection, prefix } = deps.queue.opts;
  const maintenanceQueue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  createBullBoard({
    queues: [new BullMQAdapter(deps.queue), new BullMQAdapter(maintenanceQueue, { readOnlyMode: true })],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Showcart jobs' } },
  });
  const adminOnly = async (req: Request, res: Response, next: NextFunction) => {
    const browsing = req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
    let refusal: AppError | undefined;
    try {
      const user = await resolveSession(deps.db, sessionTokenFromCookieHeader(req.headers.cookie));
      if (!user.isAdmin) refusal = new AppError('FORBIDDEN', 'Operators only.');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refusal = error;
    }
    if (!refusal) return next();
    if (!browsing) throw refusal;
    const page = encodeURIComponent(req.originalUrl.slice(0, 200));
    res.redirect(303, refusal.status === 401 ? `/login?next=${page}` : `/not-allowed?page=${page}`);
  };
  return [adminOnly, board.getRouter() as Router];
};
