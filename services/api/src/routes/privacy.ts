import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { clearedSessionCookie, createAccountExport, deleteAccount, findAccountObligations } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

/** A person's own data: the export file, what keeps the account from being deleted, and deleting it. */
export const privacyHandlers = (deps: TApiDeps): Pick<THandlers, 'me.export' | 'me.deletion' | 'me.delete'> => {
  const secure = deps.config.publicUrl.startsWith('https:');
  const exportAccount = createAccountExport(deps);
  return {
    'me.export': async ({ user, res }) => {
      const chunks = await exportAccount(user.id);
      const day = new Date().toISOString().slice(0, 10);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="showcart-${user.handle}-${day}.json"`);
      res.setHeader('Cache-Control', 'no-store');
      await pipeline(Readable.from(chunks), res);
    },
    'me.deletion': async ({ user }) => ({ obligations: await findAccountObligations(deps, user.id) }),
    'me.delete': async ({ user, body, res }) => {
      const deleted = await deleteAccount(deps, { userId: user.id, password: body.password });
      res.setHeader('Set-Cookie', clearedSessionCookie(secure));
      return deleted;
    },
  };
};
