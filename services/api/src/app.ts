import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '@showcart/shared';
import express, { type Request } from 'express';
import helmet from 'helmet';
import { ADMIN_QUEUES_PATH, adminRoutes } from './admin.ts';
import { authHandlers } from './auth.ts';
import { mountContract } from './contract.ts';
import type { TApiDeps } from './deps.ts';
import { errorHandler, REQUEST_ID_HEADER, requestIds } from './http.ts';
import { closetHandlers } from './routes/closet.ts';
import { likerOfferHandlers } from './routes/liker-offers.ts';
import { cohostHandlers } from './routes/cohost.ts';
import { discoveryHandlers } from './routes/discovery.ts';
import { messageHandlers } from './routes/messages.ts';
import { notificationHandlers } from './routes/notifications.ts';
import { orderHandlers } from './routes/orders.ts';
import { shipTogetherHandlers } from './routes/ship-together.ts';
import { paymentHandlers } from './routes/payments.ts';
import { photoHandlers } from './routes/photos.ts';
import { replayHandlers } from './routes/replays.ts';
import { showHandlers } from './routes/shows.ts';
import { privacyHandlers } from './routes/privacy.ts';
import { socialHandlers } from './routes/social.ts';
import { webhookHandlers } from './routes/webhooks.ts';

/** The job dashboard's JSON bodies are small; anything larger is refused before parsing. */
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
  // Who the client is (req.ip, which sign-in limits key on) comes from X-Forwarded-For only
  // when the peer is a proxy named in TRUST_PROXY; otherwise anyone could name any address.
  app.set('trust proxy', deps.config.trustProxy);
  app.use(requestIds);
  // bull-board's page runs its own scripts and styles: it gets helmet without the CSP
  // that the rest of the app has, and only operators reach it. Its own JSON parser would
  // answer a broken body in its own words: ours parses first.
  // A write from another site's page is refused before anything else, the dashboard's too
  // (cookies alone would carry an operator's session there).
  app.use(sameOrigin(deps.config.publicUrl));
  app.use(ADMIN_QUEUES_PATH, helmet({ contentSecurityPolicy: false }), express.json({ limit: JSON_BODY_LIMIT }), ...adminRoutes(deps));
  app.use(helmet());
  // Every endpoint of the contract (shared/src/contract.ts), each with its handler.
  const router = express.Router();
  mountContract(router, {
    ...authHandlers(deps),
    ...showHandlers(deps),
    ...socialHandlers(deps),
    ...privacyHandlers(deps),
    ...closetHandlers(deps),
    ...likerOfferHandlers(deps),
    ...cohostHandlers(deps),
    ...discoveryHandlers(deps),
    ...messageHandlers(deps),
    ...notificationHandlers(deps),
    ...orderHandlers(deps),
    ...shipTogetherHandlers(deps),
    ...paymentHandlers(deps),
    ...photoHandlers(deps),
    ...replayHandlers(deps),
    ...webhookHandlers(deps),
  }, deps);
  app.use(router);

  app.use((_req) => {
    throw new AppError('NOT_FOUND', 'No such endpoint.');
  });
  app.use(errorHandler(deps.logger));
  return app;
};

/**
 * A request that is not HTTP at all (bytes outside a URL's alphabet, a broken header) or
 * whose headers are too large never reaches Express: Node's parser refuses it. It gets an
 * error body of ours all the same, and the connection is closed.
 */
const answerClientError = (error: Error & { code?: string }, socket: Duplex) => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const appError = error.code === 'HPE_HEADER_OVERFLOW'
    ? new AppError('HEADERS_TOO_LARGE')
    : new AppError('INVALID_INPUT', 'The request is not valid HTTP.');
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { ...appError.toBody(), requestId } });
  socket.end(
    `HTTP/1.1 ${appError.status} ${appError.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
};

/** The api's HTTP server: the app, and answers of ours for what Node's parser refuses. */
export const createApiServer = (deps: TApiDeps): Server => {
  const server = createServer(createApi(deps));
  server.on('clientError', answerClientError);
  return server;
};
