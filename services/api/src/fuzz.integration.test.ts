import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createLogger, createMailer, createPhotoStore, createRecordingStore } from '@showcart/common';
import { createShowEngine } from '@showcart/domain';
import { API, ERRORS } from '@showcart/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';
import { ADMIN_QUEUES_PATH, adminRoutes } from './admin.ts';
import { createApi } from './app.ts';

/**
 * Every route of the api, tried as an attacker and a careless client would: anonymous, as a
 * buyer, as a host and as an operator, with broken paths, bodies, encodings and sizes. A
 * client's mistake is a 4xx with a code of ours and a request id, never a 500, a stack
 * trace or SQL; and the api is healthy after it all. Routes come from the app itself, so a
 * new one is fuzzed (and needs an example body below) the day it is added.
 */
let stack: TStack;
type TRoute = { method: string; path: string };
let routes: TRoute[];
type TIdentity = { name: string; cookie?: string };
let identities: TIdentity[];
/** Ids of real rows, so that fuzzed requests reach past "not found" into the handlers. */
let realIds: string[];

type TLayer = {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  rawPath?: string | string[];
  handle?: { stack?: TLayer[]; router?: { stack?: TLayer[] } };
};
type TApp = { router: { stack: TLayer[] } };
const routesOf = (app: TApp): TRoute[] => {
  const found: TRoute[] = [];
  const walk = (layers: TLayer[], prefix: string) => {
    for (const layer of layers) {
      for (const part of [layer.route?.path ?? layer.rawPath ?? '/'].flat()) {
        const path = `${prefix === '/' ? '' : prefix}${part === '/' ? '' : part}` || '/';
        if (layer.route) {
          for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method: method.toUpperCase(), path });
        }
        const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
        if (!layer.route && inner) walk(inner, path);
      }
    }
  };
  walk(app.router.stack, '');
  return found;
};

/** A body each route takes when used right; the fuzzer breaks them. GET and DELETE take none. */
const EXAMPLES: Record<string, (ids: { variantId: string; attemptId: string }) => unknown> = {
  'POST /api/webhooks/livekit': () => ({ event: 'room_finished', id: 'EV_1', room: { name: 'show-x' } }),
  'POST /api/webhooks/stripe': () => ({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: {} } }),
  'POST /api/auth/login': () => ({ email: 'someone@showcart.test', password: 'a password' }),
  'POST /api/auth/logout': () => ({}),
  'POST /api/auth/signup': () => ({ email: 'fuzz-signup@showcart.test', password: 'a long fuzzed passphrase', displayName: 'Fuzz' }),
  'POST /api/auth/verify': () => ({ token: 'A'.repeat(43) }),
  'POST /api/auth/verify/resend': () => ({}),
  'POST /api/auth/reset-request': () => ({ email: 'someone@showcart.test' }),
  'POST /api/auth/reset': () => ({ token: 'A'.repeat(43), password: 'a long fuzzed passphrase' }),
  'POST /api/auth/password': () => ({ currentPassword: 'not it', password: 'a long fuzzed passphrase' }),
  'POST /api/auth/email': () => ({ currentPassword: 'not it', email: 'fuzz-new@showcart.test' }),
  'POST /api/auth/logout-everywhere': () => ({}),
  'PATCH /api/me/profile': () => ({ bio: 'Fuzzed bio' }),
  // Never the right password: the fuzzer's identities live on.
  'POST /api/me/delete': () => ({ password: 'not it' }),
  // Multipart only: every JSON body the fuzzer sends it is refused as the wrong type (photos.integration.test.ts sends files).
  'POST /api/photos': () => ({ photo: 'not a file' }),
  'POST /api/shows': (i) => ({ title: 'Fuzzed show', scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), entries: [{ variantId: i.variantId, quantity: 1, priceMinor: 1_000 }] }),
  'PATCH /api/shows/:id': () => ({ title: 'Fuzzed show', description: 'Fuzzed', category: 'women/tops', coverPhotoId: null, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }),
  'POST /api/shows/:id/cancel': () => ({}),
  'POST /api/listings': () => ({
    title: 'Fuzzed boots', description: '', brand: '', category: 'women/shoes', condition: 'good', priceMinor: 1_000, originalPriceMinor: null,
    variants: [{ label: 'M', quantity: 1 }], photoIds: [randomUUID()],
  }),
  'PATCH /api/listings/:id': () => ({
    title: 'Fuzzed boots', description: '', brand: '', category: 'women/shoes', condition: 'good', priceMinor: 1_000, originalPriceMinor: null,
    variants: [{ label: 'M', quantity: 1 }], photoIds: [randomUUID()],
  }),
  'POST /api/listings/:id/state': () => ({ state: 'unlisted' }),
  'POST /api/listings/:id/buy': (i) => ({ attemptId: i.attemptId, variantId: i.variantId }),
  'POST /api/listings/:id/liker-offers': (i) => ({ attemptId: i.attemptId, priceMinor: 500, shippingDiscountMinor: 0, durationHours: 24 }),
  'PATCH /api/me/closet': () => ({ shippingFeeMinor: 500, handlingDays: 2 }),
  'POST /api/addresses': () => ({ name: 'Fuzz', line1: '1 Fuzz Road', line2: '', city: 'Fuzzton', region: '', postalCode: '10001', country: 'US' }),
  'POST /api/addresses/:id/default': () => ({}),
  'POST /api/messages/:handle': (i) => ({ clientId: i.attemptId, body: 'Is this still available?' }),
  'POST /api/blocks/:handle': () => ({}),
  'POST /api/reports/:handle': () => ({ reason: 'Spam' }),
  'PATCH /api/me/greeting': () => ({ greeting: 'Welcome to my closet!' }),
  'POST /api/profiles/:handle/visit': () => ({}),
  'POST /api/follows/:userId': () => ({}),
  'POST /api/likes/:listingId': () => ({}),
  'POST /api/notifications/:id/read': () => ({}),
  'POST /api/notifications/read-all': () => ({}),
  'PATCH /api/notifications/preferences': () => ({ preferences: [{ kind: 'price_drop', channel: 'email', enabled: false }], quietHours: null }),
  'POST /api/notifications/push-subscriptions': () => ({
    endpoint: 'https://push.example.test/fuzz', keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) },
  }),
  'POST /api/notifications/push-subscriptions/remove': () => ({ endpoint: 'https://push.example.test/fuzz' }),
  'POST /api/notifications/unsubscribe': () => ({ token: 'A'.repeat(43) }),
  'POST /api/shows/:id/entries': (i) => ({ variantId: i.variantId, quantity: 1, priceMinor: 1_000 }),
  'POST /api/shows/:id/livekit': () => ({}),
  'POST /api/orders/:id/pay': (i) => ({ attemptId: i.attemptId }),
  'POST /api/orders/:id/pay/complete': () => ({ paymentIntentId: 'pi_123' }),
  'POST /api/orders/:id/refunds': (i) => ({ attemptId: i.attemptId, amountMinor: 100, reason: 'damaged' }),
  'POST /api/offers/:id/accept': () => ({}),
  'POST /api/sales/:id/ship-together': (i) => ({ variantIds: [i.variantId] }),
  'POST /api/sales/:id/ship': () => ({}),
  'POST /api/orders/:id/ship-together/:suggestionId': (i) => ({ attemptId: i.attemptId }),
  'POST /api/payments/test-card': () => ({ paymentMethod: 'pm_card_visa' }),
  'POST /api/payments/setup-intent': (i) => ({ attemptId: i.attemptId }),
  'POST /api/payments/setup-intent/complete': () => ({ setupIntentId: 'seti_123' }),
  'POST /api/connect/onboarding': () => ({}),
  'POST /api/shows/:id/cohost-requests': (i) => ({ variantId: i.variantId, commissionBps: 500 }),
  'POST /api/shows/:id/cohost-offers': (i) => ({ variantId: i.variantId, commissionBps: 500 }),
  'POST /api/cohost-items/:id/decision': () => ({ approve: true }),
  'POST /api/cohost-items/:id/withdraw': () => ({}),
  'PATCH /api/replays/:id': () => ({ listed: false }),
  'POST /api/replays/:id/entries/:entryId/buy': (i) => ({ attemptId: i.attemptId }),
  'POST /api/replays/:id/entries/:entryId/waitlist': () => ({}),
};
const takesBody = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'DELETE';
/** Bull-board's own api under /admin/queues: fuzzed for its guard and paths, with the bodies it takes being its own. */
const exampleOf = (route: TRoute) => EXAMPLES[`${route.method} ${route.path}`] ?? (route.path.startsWith('/admin/') ? () => ({}) : undefined);

/** Path parameters a careless or hostile client sends. */
const BAD_PARAMS = [
  '%E0%A4%A', '%', '%%', '%00', '%C0%AE%C0%AE', '..%2F..%2Fetc%2Fpasswd', 'not-a-uuid', 'x'.repeat(3_000),
  '00000000-0000-0000-0000-000000000000', 'ü%F0%9F%98%80', '1e309', '-1', "'%20or%201=1--", '%3Cscript%3E',
];

/** Leaf values that break types, ranges and what Postgres can store. */
const nasty = fc.oneof(
  fc.constantFrom(
    '', 'a\u0000b', '\uD800', 'x'.repeat(5_000), "'; drop table users; --", '<img src=x onerror=alert(1)>', '../../etc/passwd',
    '2026-13-45T99:99:99Z', -1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, -1e308, true, false, null, [], {}, randomUUID(),
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An example with one part broken: a leaf replaced, a key dropped or added, or the whole of it. */
const mutated = (example: unknown): fc.Arbitrary<unknown> => {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, at: (string | number)[]) => {
    paths.push(at);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(example, []);
  const setAt = (root: unknown, at: (string | number)[], to: unknown, drop: boolean): unknown => {
    if (at.length === 0) return to;
    const copy = structuredClone(root) as Record<string | number, unknown>;
    let node = copy;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = at.at(-1)!;
    if (drop) delete node[last];
    else node[last] = to;
    return copy;
  };
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), nasty).map(([at, to]) => setAt(example, at, to, false)),
    ...(paths.length > 1 ? [fc.constantFrom(...paths.filter((p) => p.length > 0)).map((at) => setAt(example, at, undefined, true))] : []),
    fc.tuple(fc.string({ maxLength: 12 }), nasty).map(([key, to]) =>
      example && typeof example === 'object' && !Array.isArray(example) ? { ...example, [key]: to } : to),
    fc.jsonValue({ maxDepth: 4 }),
  );
};

type TRaw = { contentType?: string; encoding?: string; body: Buffer | string };
/** Bodies that are not what they claim: broken JSON and encodings, other types, huge sizes, deep nesting. */
const RAW_BODIES: TRaw[] = [
  { contentType: 'application/json', body: '{"title": "oops",' },
  { contentType: 'application/json', body: '' },
  { contentType: 'application/json', body: 'null' },
  { contentType: 'application/json', body: '"just a string"' },
  { contentType: 'application/json', body: '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}' },
  { contentType: 'application/json', body: `${'['.repeat(50_000)}${']'.repeat(50_000)}` },
  { contentType: 'application/json', body: JSON.stringify({ big: 'x'.repeat(200_000) }) },
  { contentType: 'application/json', encoding: 'gzip', body: 'this is not gzip' },
  { contentType: 'application/json', encoding: 'deflate', body: 'nor deflate' },
  { contentType: 'application/json', encoding: 'br', body: 'nor brotli' },
  { contentType: 'application/json', encoding: 'compress', body: '{}' },
  // A small body that inflates far past the limit.
  { contentType: 'application/json', encoding: 'gzip', body: gzipSync(Buffer.from(`{"a":"${'0'.repeat(5_000_000)}"}`)) },
  { contentType: 'application/json; charset=utf-16', body: '{}' },
  { contentType: 'application/json; charset=klingon', body: '{}' },
  { contentType: 'text/plain', body: '{"title":"x"}' },
  { contentType: 'application/x-www-form-urlencoded', body: 'title=x&entries[0][variantId]=y' },
  { contentType: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--xyz--\r\n' },
  { body: '{"no": "content type"}' },
];

type TReply = { status: number; text: string; requestId: string | undefined };
const send = (method: string, path: string, p: { cookie?: string; raw?: TRaw; json?: unknown; headers?: Record<string, string> }) =>
  new Promise<TReply>((resolve, reject) => {
    const url = new URL(stack.apiUrl);
    const body = p.raw ? p.raw.body : p.json !== undefined ? JSON.stringify(p.json) : undefined;
    const req = request({
      host: url.hostname, port: url.port, method, path,
      headers: {
        ...(p.cookie ? { cookie: p.cookie } : {}),
        ...(p.raw?.contentType ? { 'content-type': p.raw.contentType } : p.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(p.raw?.encoding ? { 'content-encoding': p.raw.encoding } : {}),
        ...p.headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), requestId: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });

/** What no error body may show a client: stack traces, file paths, SQL, driver errors. */
const LEAK = /\bat \S+ \(|node_modules|\.ts:\d+|\bselect\b.*\bfrom\b|insert into|update \w+ set|syntax error|violates|relation "|column "|ECONNREFUSED|TypeError|RangeError/i;

const problems: string[] = [];
/**
 * The job dashboard's own api answers an operator's mistakes (an unknown queue or job) in
 * bull-board's shape, which its page reads: those are held to 4xx alone.
 */
const dashboardOwn = (what: string) => what.includes(`${ADMIN_QUEUES_PATH}/api/`) && what.includes(' as operator');
const check = (what: string, reply: TReply) => {
  const say = (why: string) => problems.length < 50 && problems.push(`${what}: ${why} (${reply.status} ${reply.text.slice(0, 200)})`);
  if (reply.status >= 500) return say('a server error');
  if (reply.status < 400 || dashboardOwn(what)) return;
  let body: { error?: { code?: string; message?: string; requestId?: string } };
  try {
    body = JSON.parse(reply.text);
  } catch {
    return say('an error that is not JSON');
  }
  if (!body.error?.code || !Object.hasOwn(ERRORS, body.error.code)) return say('no error code of ours');
  if (body.error.requestId !== reply.requestId || !reply.requestId) return say('no request id');
  if (LEAK.test(body.error.message ?? '')) return say('internals in the message');
};

const fill = (path: string, value: string) => path.replace(/[:*]\w+/g, value).replace(/[{}]/g, '');

beforeAll(async () => {
  stack = await startStack();
  const deps = {
    config: stack.config, db: stack.db, redis: stack.redis, stripe: stack.stripe, livekit: stack.livekit, queue: stack.settlementQueue,
    engine: createShowEngine(stack.redis, { offerTtlMs: stack.config.waitlistOfferMs }), recordings: createRecordingStore(stack.config.recordings),
    photos: createPhotoStore(stack.config.recordings),
    mailer: createMailer(stack.config.mail), logger: createLogger('fuzz', 'silent'),
  };
  // The job dashboard is an app of its own mounted in ours: Express hides its routes, so they are read from it.
  const [, board] = adminRoutes(deps);
  routes = [
    ...routesOf(createApi(deps) as unknown as TApp),
    ...routesOf(board as unknown as TApp).map((r) => ({ ...r, path: `${ADMIN_QUEUES_PATH}${r.path === '/' ? '' : r.path}` })),
  ];
  const host = await stack.createUser({ withCard: true });
  const buyer = await stack.createUser({ withCard: true });
  const admin = await stack.createUser();
  await stack.db.query('update users set is_admin = true where id = $1', [admin.id]);
  const own = await stack.createListing(host.id, { variants: [['S', 50], ['M', 50]] });
  const theirs = await stack.createListing(buyer.id, { variants: [['One', 5]] });
  const show = await stack.createShow(host.cookie, [{ variantId: own.variantIds[0]!, quantity: 2 }]);
  const cohost = await stack.http('POST', `/api/shows/${show.id}/cohost-requests`, { cookie: host.cookie, body: { variantId: theirs.variantIds[0], commissionBps: 500 } });
  realIds = [show.id, show.entries[0]!.entryId, own.variantIds[1]!, theirs.variantIds[0]!, cohost.body.id, host.id, buyer.id, own.listingId];
  identities = [
    { name: 'anonymous' },
    { name: 'a forged session', cookie: 'sc_session=%E0%A4%A; sc_device=%00' },
    { name: 'buyer', cookie: buyer.cookie },
    { name: 'host', cookie: host.cookie },
    { name: 'operator', cookie: admin.cookie },
  ];
}, 120_000);
afterAll(async () => stack?.close());

describe('the api under fuzzing', () => {
  it('finds every route and has an example body for each that takes one', () => {
    // The api serves exactly the contract's endpoints (and the job dashboard).
    expect(routes.filter((r) => !r.path.startsWith(ADMIN_QUEUES_PATH)).map((r) => `${r.method} ${r.path}`).sort())
      .toEqual(Object.values(API).map((e) => `${e.method} ${e.path}`).sort());
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.path.startsWith('/admin/queues')).length).toBeGreaterThan(0);
    expect(routes.filter((r) => takesBody(r.method) && !exampleOf(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers every broken path, header and body with a 4xx of ours, never a 500 or internals', async () => {
    const ids = () => ({ variantId: fc.sample(fc.constantFrom(...realIds), 1)[0]!, attemptId: randomUUID() });
    for (const route of routes) {
      // Logging out would end the identities' sessions mid-run: only those without one try it.
      const who = route.path === '/api/auth/logout' ? identities.slice(0, 2) : identities;
      const example = exampleOf(route);
      for (const identity of who) {
        for (const value of [...realIds.slice(0, 3), randomUUID()]) {
          const path = fill(route.path, value);
          check(`${route.method} ${path} as ${identity.name}`, await send(route.method, path, { cookie: identity.cookie, json: example && takesBody(route.method) ? example(ids()) : undefined }));
        }
        if (!takesBody(route.method)) continue;
        const path = fill(route.path, realIds[0]!);
        for (const json of fc.sample(mutated(example!(ids())), 12)) {
          check(`${route.method} ${path} as ${identity.name} with ${JSON.stringify(json)?.slice(0, 120)}`, await send(route.method, path, { cookie: identity.cookie, json }));
        }
      }
      const host = identities[3]!;
      for (const bad of BAD_PARAMS) {
        const path = fill(route.path, bad);
        if (path === route.path) break;
        check(`${route.method} ${path}`, await send(route.method, path, { cookie: host.cookie, json: example && takesBody(route.method) ? example(ids()) : undefined }));
      }
      if (takesBody(route.method)) {
        for (const raw of RAW_BODIES) {
          check(`${route.method} ${route.path} with ${raw.encoding ?? ''} ${raw.contentType ?? 'no type'} body of ${raw.body.length} bytes`,
            await send(route.method, fill(route.path, realIds[0]!), { cookie: host.cookie, raw }));
        }
      }
      // A method the route does not have, and a cross-site write.
      check(`PUT ${route.path}`, await send('PUT', fill(route.path, realIds[0]!), { cookie: host.cookie, json: {} }));
      check(`${route.method} ${route.path} from another origin`, await send(route.method, fill(route.path, realIds[0]!), {
        cookie: host.cookie, headers: { origin: 'https://evil.example' }, json: example && takesBody(route.method) ? example(ids()) : undefined,
      }));
    }
    for (const odd of ['/api/%E0%A4%A', '/api/shows/%E0%A4%A', '/nowhere', '/api/shows/x/y/z/w', '/api/shows?title[$ne]=1', `/api/shows/${'a'.repeat(8_000)}`]) {
      check(`GET ${odd}`, await send('GET', odd, { cookie: identities[3]!.cookie }));
    }
    expect(problems).toEqual([]);
    const health = await stack.http('GET', '/api/health');
    expect([health.status, health.body.ok]).toEqual([200, true]);
  }, 600_000);
});
