import { AppError } from '@showcart/shared';
import express, { type Request } from 'express';
import helmet from 'helmet';
import { ADMIN_QUEUES_PATH, adminRoutes } from './admin.ts';
import { authRoutes, currentUser, requireUser } from './auth.ts';
import type { TApiDeps } from './deps.ts';
import { errorHandler } from './http.ts';
import { closetRoutes } from './routes/closet.ts';
import { cohostRoutes } from './routes/cohost.ts';
import { replayRoutes } from './routes/replays.ts';
import { healthRoutes } from './routes/health.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { showRoutes } from './routes/shows.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/** JSON bodies of this API are small; anything larger is refused before parsing. */
const JSON_BODY_LIMIT = '100kb';

/**
 * A state-changing request from a browser must come from our own origin: with SameSite
 * cookies and JSON-only bodies this closes cross-site request forgery.
 */
const sameOrigin = (publicUrl: string) => {
  const allowed = new URL(publicUrl).origin;
  return (req: Request, _res: unknown, next: () => void) => {
    const origin = req.get('origin');
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin && origin !== allowed) {
      throw new AppError('FORBIDDEN', 'Cross-origin requests are not allowed.');
    }
    next();
  };
};

export const createApi = (deps: TApiDeps) => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // bull-board's page runs its own scripts and styles: it gets helmet without the CSP
  // that the rest of the app has, and only operators reach it.
  app.use(ADMIN_QUEUES_PATH, helmet({ contentSecurityPolicy: false }), ...adminRoutes(deps));
  app.use(helmet());

  app.use('/api/webhooks', webhookRoutes(deps));
  app.use('/api/health', healthRoutes(deps));

  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(sameOrigin(deps.config.publicUrl));
  app.use('/api/auth', authRoutes(deps));

  const signedIn = requireUser(deps);
  app.get('/api/me', signedIn, (_req, res) => {
    res.json(currentUser(res));
  });
  app.use('/api/shows', signedIn, showRoutes(deps));
  app.use('/api/listings', signedIn, closetRoutes(deps));
  app.use('/api', signedIn, orderRoutes(deps));
  app.use('/api', signedIn, paymentRoutes(deps));
  app.use('/api', signedIn, cohostRoutes(deps));
  app.use('/api', signedIn, replayRoutes(deps));

  app.use('/api', (_req) => {
    throw new AppError('NOT_FOUND', 'No such endpoint.');
  });
  app.use(errorHandler(deps.logger));
  return app;
};
