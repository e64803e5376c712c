import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
/** Connections kept open per push service: a fan-out sends thousands to the same few origins. */
const SOCKETS_PER_ORIGIN = 128;

/**
 * POSTs a push and answers its status. node:http with kept-alive connections rather than
 * fetch: for a fan-out of 100,000 pushes, fetch's streams, abort signals and their garbage
 * took more of the worker's CPU than the encryption (bench/notifications.ts).
 */
const post = (url: URL, agent: HttpAgent, headers: RequestOptions['headers'], body: Buffer) =>
  new Promise<number>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', agent, headers, timeout: PUSH_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('push service timed out')));
    req.on('error', reject);
    req.end(body);
  });

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), encrypted
 * and signed by the `web-push` package. Its request is sent by us rather than by its own
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
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: SOCKETS_PER_ORIGIN }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: SOCKETS_PER_ORIGIN }),
  };
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
        const url = new URL(request.endpoint);
        const status = await post(url, url.protocol === 'https:' ? agents.https : agents.http,
          { ...(request.headers as Record<string, string>), authorization: authorizationFor(target.endpoint) }, request.body);
        if (status === 404 || status === 410) return 'gone';
        return status >= 200 && status < 300 ? 'sent' : 'failed';
      } catch {
        return 'failed';
      }
    },
  };
};
