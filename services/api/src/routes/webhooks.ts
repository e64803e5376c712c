import { AppError } from '@showcart/shared';
import express, { Router } from 'express';
import type { TApiDeps } from '../deps.ts';

/** LiveKit signs webhooks with a JWT over the body's hash; bodies are small JSON. */
const WEBHOOK_BODY_LIMIT = '64kb';

export const webhookRoutes = ({ db, livekit, logger }: TApiDeps) => {
  const router = Router();

  router.post(
    '/livekit',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      let event;
      try {
        event = await livekit.webhooks.receive(body, req.get('authorization'));
      } catch (error) {
        logger.warn({ err: error }, 'rejected a LiveKit webhook');
        throw new AppError('BAD_SIGNATURE');
      }
      const { rowCount } = await db.query(
        `insert into webhook_events (provider, event_id, type, payload)
         values ('livekit', $1, $2, $3) on conflict do nothing`,
        [event.id, event.event, body],
      );
      logger.info(
        { event: event.event, room: event.room?.name, participant: event.participant?.identity, duplicate: rowCount === 0 },
        'LiveKit webhook',
      );
      res.status(200).json({ ok: true });
    },
  );

  return router;
};
