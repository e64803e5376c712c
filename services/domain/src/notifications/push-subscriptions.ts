import { createECDH } from 'node:crypto';
import { execute } from '@showcart/common';
import { AppError, type TPushSubscriptionBody } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The browser's key must be a point on P-256, or nothing sent to it could be read. */
const isP256Point = (base64url: string) => {
  const bytes = Buffer.from(base64url, 'base64url');
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * Keeps a browser's push subscription for the user. Its endpoint is https (a push
 * service); outside production a loopback http one is taken too, for a local push service.
 * An endpoint already kept (the same browser, maybe another account signed in on it) is the user's now.
 */
export const subscribePush = async (deps: Pick<TDomainDeps, 'db' | 'config'>, userId: string, body: TPushSubscriptionBody) => {
  if (!deps.config.push) throw new AppError('NOT_CONFIGURED', 'This server has no Web Push set up.');
  const url = new URL(body.endpoint);
  const local = deps.config.env !== 'production' && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !local) throw new AppError('BAD_PUSH_SUBSCRIPTION', 'A push endpoint is an https:// address of a push service.');
  if (!isP256Point(body.keys.p256dh)) throw new AppError('BAD_PUSH_SUBSCRIPTION', 'keys.p256dh: not a P-256 public key.');
  if (Buffer.from(body.keys.auth, 'base64url').length !== 16) throw new AppError('BAD_PUSH_SUBSCRIPTION', 'keys.auth: not 16 bytes.');
  await execute(deps.db,
    `insert into push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4)
     on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth`,
    [userId, body.endpoint, body.keys.p256dh, body.keys.auth]);
};

/** Forgets one of the user's subscriptions (the browser turned notifications off); another's is left alone. */
export const unsubscribePush = async (deps: Pick<TDomainDeps, 'db'>, userId: string, endpoint: string) => {
  await execute(deps.db, 'delete from push_subscriptions where endpoint = $1 and user_id = $2', [endpoint, userId]);
};
