import { createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, createDecipheriv, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A push a local push service received, with what it could prove about it. */
export type TReceivedPush = {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
};

/** A browser's side of a subscription: its key pair and auth secret, and the keys as PushSubscription.toJSON() gives them. */
export type TTestSubscription = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** Decrypts a push's body as the browser would (RFC 8291 over RFC 8188 aes128gcm). */
  decrypt: (body: Buffer) => string;
};

/**
 * A push service on 127.0.0.1, as a browser vendor runs one: it takes Web Push requests
 * (RFC 8030), answers 201 (or what `answer` says for a path), and keeps what arrived.
 * Subscriptions it makes hold real keys, so a test reads what the server encrypted.
 */
export const startPushEndpoint = async () => {
  const received: TReceivedPush[] = [];
  const answers = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = answers.get(req.url ?? '') ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const subscribe = (): TTestSubscription => {
    const ecdh = createECDH('prime256v1');
    const uaPublic = ecdh.generateKeys();
    const authSecret = randomBytes(16);
    return {
      endpoint: `${origin}/push/${randomUUID()}`,
      keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') },
      decrypt: (body) => {
        // RFC 8188 header: salt (16), record size (4), key id length (1), key id (the sender's public key).
        const salt = body.subarray(0, 16);
        const idLength = body[20]!;
        const asPublic = body.subarray(21, 21 + idLength);
        const record = body.subarray(21 + idLength);
        // RFC 8291 §3.3-3.4: the input keying material from the ECDH secret and the auth secret.
        const secret = ecdh.computeSecret(asPublic);
        const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
        const ikm = Buffer.from(hkdfSync('sha256', secret, authSecret, keyInfo, 32));
        const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
        const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
        const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
        decipher.setAuthTag(record.subarray(record.length - 16));
        const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
        // The last record ends with the delimiter 0x02, then zero padding.
        let end = padded.length - 1;
        while (end >= 0 && padded[end] === 0) end--;
        if (padded[end] !== 2) throw new Error('no last-record delimiter');
        return padded.subarray(0, end).toString('utf8');
      },
    };
  };

  /**
   * The VAPID claims of a push (RFC 8292), once its ES256 signature is checked against the
   * key it names (`k=`); throws if it does not verify.
   */
  const vapidOf = (push: TReceivedPush) => {
    const header = String(push.headers.authorization ?? '');
    const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
    if (!match) throw new Error(`not a VAPID authorization: ${header}`);
    const [head, claims, signature] = match[1]!.split('.') as [string, string, string];
    const point = Buffer.from(match[2]!, 'base64url');
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
      format: 'jwk',
    });
    const valid = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    if (!valid) throw new Error('VAPID signature does not verify');
    return {
      publicKey: match[2]!,
      header: JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg: string; typ: string },
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string },
    };
  };

  return {
    origin,
    received,
    subscribe,
    vapidOf,
    /** What the endpoint answers for a subscription's pushes from now on (404/410: it is gone). */
    answer: (endpoint: string, status: number) => void answers.set(new URL(endpoint).pathname, status),
    pushesTo: (endpoint: string) => received.filter((r) => r.path === new URL(endpoint).pathname),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
