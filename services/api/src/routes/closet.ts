import { listListings } from '@showcart/domain';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';

export const closetRoutes = ({ db }: TApiDeps) => {
  const router = Router();

  router.get('/mine', async (_req, res) => {
    res.json({ listings: await listListings(db, currentUser(res).id) });
  });

  return router;
};
