import webpush from 'web-push';
import { AppError } from '@showcart/shared';
import type { TConfig } from './config.ts';

/** One browser's subscription, as its PushSubscription gave it. */
export type TPushTarget = { endpoint: string; p256dh: string; auth: string };

/** What the push service answered: delivered, gone (404/410: the subscription is dead), or another failure. */
export type TPushOutcome = 'sent' | 'gone' | 'failed';

export type TPushSender = {
  /** The VAPID public key browsers subscribe with; undefined when push is off. */
  publicKey: string | undefined;
  send: (target: TPushTarget, payload: string, opts: { ttlSeconds: number }) => Promise<TPushOutcome>;
};

/** A push service slower than this is given up on for this notification. */
const PUSH_TIMEOUT_MS = 10_000;
/** A VAPID token is signed once per push service for this long (RFC 8292 allows up to 24 h), not once per push. */
const VAPID_TOKEN_S = 12 * 3_600;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), encrypted
 * and signed by the `web-push` package. Its request is sent with fetch rather than its own
 * https-only sender, so that a test's local push service on http://127.0.0.1 receives the
 * same bytes a browser's would (which endpoints are allowed is checked at subscribing).
 */
export const createPushSender = (config: TConfig['push']): TPushSender => {
  if (!config) {
    return {
      publicKey: undefined,
      send: async () => {
        throw new AppError('NOT_CONFIGURED', 'This server has no Web Push (VAPID keys) set up.');
      },
    };
  }
  const tokens = new Map<string, { authorization: string; renewAtMs: number }>();
  const authorizationFor = (endpoint: string) => {
    const audience = new URL(endpoint).origin;
    const held = tokens.get(audience);
    if (held && held.renewAtMs > Date.now()) return held.authorization;
    const expiration = Math.floor(Date.now() / 1_000) + VAPID_TOKEN_S;
    const { Authorization } = webpush.getVapidHeaders(audience, config.subject, config.publicKey, config.privateKey, 'aes128gcm', expiration);
    // Renewed an hour before it expires, so a push service never sees a token about to lapse.
    tokens.set(audience, { authorization: Authorization, renewAtMs: (expiration - 3_600) * 1_000 });
    return Authorization;
  };
  return {
    publicKey: config.publicKey,
    send: async (target, payload, opts) => {
      const request = webpush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        { TTL: opts.ttlSeconds, contentEncoding: 'aes128gcm' },
      );
      try {
        const res = await fetch(request.endpoint, {
          method: request.method,
          headers: { ...(request.headers as Record<string, string>), authorization: authorizationFor(target.endpoint) },
          body: request.body ? new Uint8Array(request.body) : null,
          signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
        });
        await res.body?.cancel();
        if (res.status === 404 || res.status === 410) return 'gone';
        return res.ok ? 'sent' : 'failed';
      } catch {
        return 'failed';
      }
    },
  };
};
