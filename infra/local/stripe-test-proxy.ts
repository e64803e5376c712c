import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';

/**
 * A proxy in front of stripe-mock that supplies the behaviours stripe-mock cannot
 * produce, with exactly the shapes of Stripe's API:
 *
 * - outcomes: stripe-mock answers every confirmed PaymentIntent with a fixed status. Here a
 *   confirmed PaymentIntent succeeds (like Stripe's `pm_card_visa`), unless its payment
 *   method is one of Stripe's documented declining test methods, which get Stripe's 402
 *   error body.
 * - idempotency: stripe-mock ignores `Idempotency-Key`; Stripe replays the first response
 *   for a key. The proxy does the same, and counts requests per key so tests can check
 *   that each charge was made once.
 * - test cards: attaching one of Stripe's test payment methods makes a new PaymentMethod
 *   that behaves like the card it was made from, also after a restart (its id says which).
 * - latency (tests only, per secret key): Stripe's answers take a while, and a client that
 *   dies meanwhile leaves behind a request Stripe still carried out.
 *
 * It is only ever used in front of stripe-mock; with real Stripe keys nothing is proxied.
 */

/** Stripe's test payment methods that decline, with the error each one gets. */
const DECLINING_METHODS: Record<string, { code: string; decline_code?: string; message: string }> = {
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_authenticationRequired: {
    code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
};

/**
 * Stripe's test cards by test payment method, as a saved card shows them, each with the
 * mark its attached copies carry in their ids (see attachTestMethod).
 */
const TEST_CARDS: Record<string, { brand: string; last4: string; mark: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', mark: 'Visa' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', mark: 'Mastercard' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', mark: 'Declined' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', mark: 'Insufficient' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', mark: 'Authentication' },
};

/** Attached copies of test methods have ids `pm_test<Mark>_<hex>`. */
const ATTACHED_ID = /^pm_test([A-Za-z]+)_[0-9a-f]+$/;

/**
 * Attaching a test method to a customer makes a new PaymentMethod, as Stripe does; the
 * new one behaves like the card it was made from (it declines if that one does). Which
 * card that was is written into the new id itself, so it is known after the proxy (or
 * `npm start`) restarts, from nothing but the id the database kept.
 */
const attachTestMethod = (body: string, testMethod: string): TStored => {
  const method = JSON.parse(body) as { id: string; card?: Record<string, unknown> };
  const { mark, ...card } = TEST_CARDS[testMethod]!;
  const id = `pm_test${mark}_${randomBytes(12).toString('hex')}`;
  return { status: 200, body: JSON.stringify({ ...method, id, card: { ...method.card, ...card } }) };
};

/** The test method a payment method behaves like: itself, or the one its attached copy was made from. */
const testMethodOf = (paymentMethod: string) => {
  const mark = ATTACHED_ID.exec(paymentMethod)?.[1];
  if (!mark) return paymentMethod;
  return Object.entries(TEST_CARDS).find(([, card]) => card.mark === mark)?.[0] ?? paymentMethod;
};

/**
 * One request as the proxy saw it; `client` tells apart clients with different (test) secret keys;
 * `amount` is the amount a PaymentIntent was created for (what the card is charged), else null.
 */
export type TRecorded = {
  method: string; path: string; idempotencyKey: string | null; status: number; replayed: boolean; client: string; at: number; amount: number | null;
};
type TStored = { status: number; body: string };

const isPaymentIntentConfirm = (method: string, path: string, form: URLSearchParams) =>
  method === 'POST' &&
  ((path === '/v1/payment_intents' && form.get('confirm') === 'true') ||
    /^\/v1\/payment_intents\/[^/]+\/confirm$/.test(path));

const settlePaymentIntent = (body: string, form: URLSearchParams): TStored => {
  const intent = JSON.parse(body) as Record<string, unknown>;
  const paymentMethod = form.get('payment_method') ?? String(intent.payment_method ?? '');
  const decline = DECLINING_METHODS[testMethodOf(paymentMethod)];
  if (decline) {
    const failed = {
      ...intent,
      status: 'requires_payment_method',
      amount_received: 0,
      latest_charge: `ch_${randomBytes(12).toString('hex')}`,
      last_payment_error: { type: 'card_error', ...decline },
      next_action: null,
    };
    return {
      status: 402,
      body: JSON.stringify({
        error: {
          type: 'card_error',
          ...decline,
          doc_url: `https://stripe.com/docs/error-codes/${decline.code.replaceAll('_', '-')}`,
          payment_intent: failed,
          payment_method: { id: paymentMethod, object: 'payment_method' },
          request_log_url: '',
        },
      }),
    };
  }
  return {
    status: 200,
    body: JSON.stringify({
      ...intent,
      status: 'succeeded',
      amount_received: intent.amount,
      latest_charge: `ch_${randomBytes(12).toString('hex')}`,
      last_payment_error: null,
      next_action: null,
      canceled_at: null,
    }),
  };
};

/** A short fingerprint of the secret key a request came with; the key itself is not kept. */
const clientOf = (authorization: string | undefined) =>
  createHash('sha256').update(authorization ?? '').digest('hex').slice(0, 12);

/**
 * What the proxy at `proxyUrl` recorded for one secret key: a test's or benchmark's own
 * requests, whoever else shares the proxy with other keys.
 */
export const recordedRequests = async (proxyUrl: string, secretKey: string): Promise<TRecorded[]> => {
  const mine = clientOf(`Bearer ${secretKey}`);
  const all = (await (await fetch(`${proxyUrl}/__test/requests`)).json()) as TRecorded[];
  return all.filter((r) => r.client === mine);
};

export const startStripeTestProxy = async (p: { port: number; upstream: string; host?: string }) => {
  const replies = new Map<string, TStored>();
  const recorded: TRecorded[] = [];
  const latency = new Map<string, number>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';

    if (url.pathname === '/__test/requests') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded));
      return;
    }
    if (url.pathname === '/__test/latency' && method === 'POST') {
      // Requests made with this secret key take this long, as real Stripe's do (~0.3 s):
      // a client killed meanwhile leaves a request that Stripe still carried out.
      const { secretKey, ms } = JSON.parse(raw) as { secretKey: string; ms: number };
      latency.set(`Bearer ${secretKey}`, ms);
      res.writeHead(204).end();
      return;
    }

    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const replayKey = idempotencyKey && method === 'POST' ? `${req.headers.authorization}|${idempotencyKey}` : null;
    const amount = method === 'POST' && url.pathname === '/v1/payment_intents' ? Number(new URLSearchParams(raw).get('amount')) : null;
    const send = (stored: TStored, replayed: boolean) => {
      recorded.push({
        method, path: url.pathname, idempotencyKey, status: stored.status, replayed, client: clientOf(req.headers.authorization), at: Date.now(), amount,
      });
      res.writeHead(stored.status, {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(8).toString('hex')}`,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(stored.body);
    };

    const earlier = replayKey ? replies.get(replayKey) : undefined;
    if (earlier) {
      send(earlier, true);
      return;
    }

    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'stripe-version', 'stripe-account']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const delay = latency.get(req.headers.authorization ?? '');
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const upstream = await fetch(new URL(url.pathname + url.search, p.upstream), {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: raw }),
      });
      let stored: TStored = { status: upstream.status, body: await upstream.text() };
      const form = new URLSearchParams(raw);
      if (stored.status === 200 && isPaymentIntentConfirm(method, url.pathname, form)) {
        stored = settlePaymentIntent(stored.body, form);
      }
      const attached = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(url.pathname)?.[1];
      if (stored.status === 200 && method === 'POST' && attached && TEST_CARDS[attached]) {
        stored = attachTestMethod(stored.body, attached);
      }
      if (replayKey && stored.status < 500) replies.set(replayKey, stored);
      send(stored, false);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    }
  });

  await new Promise<void>((resolve) => server.listen(p.port, p.host ?? '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${p.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
