import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { createApiServer } from '@showcart/api';
import {
  createDb,
  createLiveKit,
  createLogger,
  createMailer,
  createPhotoStore,
  createRecordingStore,
  createRedis,
  createStripe,
  loadConfig,
  SETTLEMENT_QUEUE,
  type TConfig,
} from '@showcart/common';
import { createShowEngine } from '@showcart/domain';
import { createRealtime } from '@showcart/realtime';
import { createBuiltinBackend, createRecorderService } from '@showcart/recorder';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TJoinAck,
  type TShowDetail,
  type TShowState,
} from '@showcart/shared';
import { createWorkers } from '@showcart/worker';
import { Queue } from 'bullmq';
import { io as connect, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import { REPO_ROOT } from '../local/components.ts';
import { createBuyers } from './fixtures.ts';
import type {} from './global-setup.ts';

export type TClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const TEST_PASSWORD = 'correct horse battery staple';
/** Hashing is deliberately slow; one hash serves every test user. */
const passwordHash = hash(TEST_PASSWORD);

const listen = (server: Server, port = 0) =>
  new Promise<number>((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/**
 * The real services, built with their factories against the components the global setup
 * started, on random ports. `realtimeNodes` > 1 runs several realtime servers sharing
 * Redis through the streams adapter, as in production.
 */
export const startStack = async (
  opts: {
    apiPort?: number;
    realtimeNodes?: number;
    worker?: boolean;
    /** The built-in recorder, in this process, recording the shows given to `recordShow`. */
    recorder?: boolean;
    redisUrl?: string;
    publicUrl?: string;
    /** More environment for the services' config. */
    env?: Record<string, string>;
  } = {},
) => {
  /** The services' environment: a service started as its own process gets the same. */
  const env: Record<string, string> = {
    ...inject('componentEnv'),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_URL: opts.publicUrl ?? 'http://localhost:5173',
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    RECORDINGS_DIR: path.join(REPO_ROOT, `.data/test-recordings/${randomUUID()}`),
    // Every test's sellers are new: the first-sale boost is off unless a test turns it on,
    // so the charges the other tests assert stay items + shipping.
    FIRST_SALE_SHIPPING_DISCOUNT_MINOR: '0',
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  };
  const config: TConfig = loadConfig(env);
  const logger = createLogger('test', config.logLevel);
  const db = createDb(config.databaseUrl, 8);
  const redis = createRedis(config.redisUrl);
  const stripe = createStripe(config.stripe);
  const livekit = createLiveKit(config.livekit);
  const settlementQueue = new Queue(SETTLEMENT_QUEUE, {
    connection: createRedis(config.redisUrl, { forBullmq: true }),
    prefix: config.queuePrefix,
  });
  const closers: (() => Promise<unknown>)[] = [];
  // One engine over the stack's Redis, as each service's main builds one.
  const engine = createShowEngine(redis, { offerTtlMs: config.waitlistOfferMs });

  const apiServer = createApiServer({
    config, db, redis, stripe, livekit, queue: settlementQueue, engine, recordings: createRecordingStore(config.recordings),
    photos: createPhotoStore(config.recordings), mailer: createMailer(config.mail), logger,
  });
  const apiPort = await listen(apiServer, opts.apiPort);
  closers.push(() => new Promise((r) => apiServer.close(r)));

  const realtimeUrls: string[] = [];
  for (let i = 0; i < (opts.realtimeNodes ?? 1); i++) {
    const httpServer = createServer();
    const adapterRedis = createRedis(config.redisUrl);
    const tailRedis = createRedis(config.redisUrl, { forBullmq: true });
    const realtime = createRealtime(httpServer, { config, db, redis, adapterRedis, tailRedis, queue: settlementQueue, engine, logger });
    realtimeUrls.push(`http://127.0.0.1:${await listen(httpServer)}`);
    closers.push(async () => {
      await realtime.close();
      adapterRedis.disconnect();
      tailRedis.disconnect();
    });
  }

  const workers = opts.worker ? createWorkers({ config, db, redis, stripe, livekit, logger }) : undefined;
  if (workers) closers.push(workers.close);

  closers.push(() => rm(config.recordings.dir, { recursive: true, force: true }));
  const recorded = new Set<string>();
  if (opts.recorder) {
    const backend = createBuiltinBackend({
      db, livekit, logger, dir: config.recordings.dir, store: createRecordingStore(config.recordings),
      segmentSeconds: config.recordings.segmentSeconds, height: config.recordings.height,
    });
    const recorder = createRecorderService({ db, redis, backend, logger, recorderId: `test-${randomUUID()}`, tickMs: 500,
      subscriber: createRedis(config.redisUrl), shouldRecord: (showId) => recorded.has(showId) });
    closers.push(recorder.close);
  }

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sockets: TClientSocket[] = [];
  const spawned = new Set<ChildProcess>();

  const stack = {
    env,
    config,
    db,
    redis,
    stripe,
    livekit,
    settlementQueue,
    apiUrl,
    realtimeUrls,

    /**
     * A service's main (`services/<name>/src/main.ts`) as a process of its own, with the
     * stack's environment; killed when the stack closes, even if its test timed out.
     */
    spawnService: (mainTs: string, extraEnv: Record<string, string> = {}): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', mainTs], { env: { ...process.env, ...env, ...extraEnv }, stdio: 'ignore' });
      spawned.add(child);
      return child;
    },

    /** Has the stack's recorder record this show while it is live. */
    recordShow: (showId: string) => void recorded.add(showId),

    /** Calls the API as a browser would: JSON, with the session cookie. */
    http: async (method: string, path: string, p: { cookie?: string; body?: unknown; raw?: string } = {}) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...(p.body !== undefined || p.raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(p.cookie ? { cookie: p.cookie } : {}),
        },
        ...(p.raw !== undefined ? { body: p.raw } : p.body !== undefined ? { body: JSON.stringify(p.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },

    /**
     * A signed-in, verified account with its own email and the handle made from its name; with a shipping
     * address unless `withAddress: false` (as a buyer past its first prompt); with a card, a Stripe customer
     * and saved card too.
     */
    createUser: async (p: { name?: string; withCard?: boolean; withAddress?: boolean; shippingMinor?: number } = {}) => {
      const email = `test-${randomUUID()}@showcart.test`;
      const name = p.name ?? `Tester ${email.slice(5, 11)}`;
      const { rows } = await db.query<{ id: string; handle: string }>(
        // Verified, as an account that opened the mailed link: sign-up's own tests make theirs through the api.
        `insert into users (email, password_hash, display_name, shipping_fee_minor, email_verified_at) values ($1, $2, $3, $4, now()) returning id, handle`,
        [email, await passwordHash, name, p.shippingMinor ?? null],
      );
      const { id, handle } = rows[0]!;
      if (p.withAddress ?? true) {
        await db.query(
          `insert into addresses (user_id, name, line1, city, postal_code, country, is_default) values ($1, $2, '1 Test Street', 'Testville', '10001', 'US', true)`,
          [id, name],
        );
      }
      if (p.withCard) {
        const customer = await stripe.customers.create({ email }, { idempotencyKey: `test-customer-${id}` });
        const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
        await db.query(
          'insert into payment_profiles (user_id, stripe_customer_id, default_payment_method_id) values ($1, $2, $3)',
          [id, customer.id, method.id],
        );
      }
      const login = await stack.http('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } });
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('sc_session='))!.split(';')[0]!;
      return { id, email, name, cookie, handle };
    },

    /** Many signed-in buyers with placeholder cards, for load tests (see fixtures.ts). */
    createBuyers: async (count: number) => createBuyers(db, count, await passwordHash),

    /** A listing in the seller's closet with one variant per quantity given. */
    createListing: async (sellerId: string, p: { title?: string; priceMinor?: number; variants?: [string, number][] } = {}) => {
      const { rows } = await db.query<{ id: string }>(
        `insert into listings (seller_id, title, photo_url, price_minor, category, condition) values ($1, $2, '/demo/sneakers.svg', $3, 'women', 'good') returning id`,
        [sellerId, p.title ?? 'Test jacket', p.priceMinor ?? 2_500],
      );
      const variantIds: string[] = [];
      for (const [label, quantity] of p.variants ?? [['M', 1]]) {
        const { rows: v } = await db.query<{ id: string }>(
          'insert into listing_variants (listing_id, label, quantity) values ($1, $2, $3) returning id',
          [rows[0]!.id, label, quantity],
        );
        variantIds.push(v[0]!.id);
      }
      return { listingId: rows[0]!.id, variantIds };
    },

    /** Schedules a show through the API, as a host does. */
    createShow: async (cookie: string, entries: { variantId: string; priceMinor?: number; quantity?: number }[]) => {
      const res = await stack.http('POST', '/api/shows', { cookie, body: { title: 'Test show', entries } });
      if (res.status !== 201) throw new Error(`create show failed: ${JSON.stringify(res.body)}`);
      return res.body as TShowDetail;
    },

    /** A connected Socket.IO client with the user's session, on realtime node `node`. */
    connect: async (cookie: string | undefined, p: { node?: number; protocolVersion?: number } = {}) => {
      const socket: TClientSocket = connect(realtimeUrls[p.node ?? 0]!, {
        transports: ['websocket'],
        extraHeaders: cookie ? { cookie } : {},
        auth: { protocolVersion: p.protocolVersion ?? PROTOCOL_VERSION },
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
      return socket;
    },

    /**
     * Runs a whole show as host and buyers would: goes live, features each entry in turn,
     * makes the given claims (and waitlist joins, once an entry is sold out), and ends it,
     * which starts its settlement. Returns the show and its entry ids.
     */
    runShow: async (p: {
      host: { cookie: string };
      entries: { variantId: string; priceMinor?: number; quantity?: number }[];
      /** Other sellers' variants, with their consent and the host's commission; they follow `entries`. */
      cohosted?: { sellerId: string; variantId: string; commissionBps: number; priceMinor: number; quantity: number }[];
      claims: { cookie: string; entry: number }[];
      waitlist?: { cookie: string; entry: number }[];
    }) => {
      const show = await stack.createShow(p.host.cookie, p.entries);
      const entryIds = show.entries.map((e) => e.entryId);
      for (const c of p.cohosted ?? []) {
        const { rows: consent } = await db.query<{ id: string }>(
          `insert into cohost_items (show_id, variant_id, seller_id, commission_bps, status, decided_at)
           values ($1, $2, $3, $4, 'approved', now()) returning id`,
          [show.id, c.variantId, c.sellerId, c.commissionBps],
        );
        const { rows } = await db.query<{ id: string }>(
          `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity, cohost_item_id, commission_bps)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
          [show.id, entryIds.length, c.variantId, c.sellerId, c.priceMinor, c.quantity, consent[0]!.id, c.commissionBps],
        );
        entryIds.push(rows[0]!.id);
      }
      const hostSocket = await stack.connect(p.host.cookie);
      const ask = async <R extends { ok: boolean }>(socket: TClientSocket, event: string, extra: object = {}) => {
        const reply = await request<R>(socket, event, { showId: show.id, clientOpId: newOpId(), ...extra });
        if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply)}`);
        return reply;
      };
      const socketOf = new Map<string, TClientSocket>();
      const as = async (cookie: string) => socketOf.get(cookie) ?? socketOf.set(cookie, await stack.connect(cookie)).get(cookie)!;
      await ask(hostSocket, 'show:start');
      for (const [i, entryId] of entryIds.entries()) {
        await ask(hostSocket, 'queue:feature', { entryId });
        for (const c of p.claims.filter((c) => c.entry === i)) await ask(await as(c.cookie), 'claim:create', { entryId });
        for (const w of (p.waitlist ?? []).filter((w) => w.entry === i)) await ask(await as(w.cookie), 'waitlist:join', { entryId });
      }
      await ask(hostSocket, 'show:end');
      for (const socket of [hostSocket, ...socketOf.values()]) socket.disconnect();
      return { show, entryIds };
    },

    close: async () => {
      for (const child of spawned) child.kill('SIGKILL');
      for (const socket of sockets) socket.disconnect();
      for (const close of closers.reverse()) await close();
      await settlementQueue.close();
      await db.end();
      redis.disconnect();
    },
  };
  return stack;
};

export type TStack = Awaited<ReturnType<typeof startStack>>;

export const newOpId = () => randomUUID().replaceAll('-', '');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks `probe` every 100 ms until it gives a value (not undefined, null or false), and returns it. */
export const until = async <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

/** Resolves when the process has exited (at once if it has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Joins a show and returns the snapshot of its state the server sends. */
export const snapshotOf = async (socket: TClientSocket, showId: string): Promise<TShowState> => {
  const ack = await request<TJoinAck>(socket, 'show:join', { showId });
  if (!ack.ok || ack.mode !== 'snapshot') throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return ack.state;
};

/** Emits with an ack and resolves with the reply. */
export const request = <R>(socket: TClientSocket, event: string, payload: unknown): Promise<R> =>
  (socket as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<R> } })
    .timeout(10_000)
    .emitWithAck(event, payload);
