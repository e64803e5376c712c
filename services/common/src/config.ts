import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** Named address ranges that Express' `trust proxy` knows. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const ZProxyAddress = z.union([z.enum(PROXY_RANGES), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/**
 * TRUST_PROXY: the proxies whose X-Forwarded-For the api believes, as `none`, a hop count,
 * or a comma-separated list of addresses, CIDR ranges and the names above. Unset: none in
 * production and tests; loopback in development, where the web's dev proxy (which sets the
 * header itself and drops the client's) is the api's only peer.
 */
const ZTrustProxy = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    if (value === '' || value === 'none' || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const list = value.split(',').map((part) => part.trim());
    for (const part of list) {
      if (!ZProxyAddress.safeParse(part).success) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(part)} is not an address, a CIDR range or one of ${PROXY_RANGES.join(', ')}` });
        return z.NEVER;
      }
    }
    return list;
  })
  .optional();

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** The LiveKit server as browsers reach it (ws:// or wss://). */
  LIVEKIT_URL: z.url({ protocol: /^wss?$/ }),
  LIVEKIT_API_KEY: z.string().min(3),
  LIVEKIT_API_SECRET: z.string().min(32, 'must be at least 32 characters'),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key'),
  STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_(test|live)_/).default('pk_test_showcart'),
  /** Set to stripe-mock's address locally; unset, the real Stripe API is used. */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(8).optional(),
  /** The address services listen on: loopback unless a container needs all interfaces. */
  HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  API_PORT: port(3000),
  REALTIME_PORT: port(3001),
  /** Where browsers open the web app; used for CORS and cookie checks. */
  PUBLIC_URL: z.url().default('http://localhost:5173'),
  TRUST_PROXY: ZTrustProxy,
  SESSION_TTL_HOURS: z.coerce.number().int().positive().max(24 * 365).default(24 * 30),
  /** Flat shipping fee per bundle when a seller has set none. */
  DEFAULT_SHIPPING_MINOR: z.coerce.number().int().nonnegative().default(799),
  /** Platform fee on every order, in basis points of the items' total. */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(5_000).default(500),
  /** The most a bundle's shipping fee can be, whatever rate its seller set. */
  SHIPPING_CAP_MINOR: z.coerce.number().int().nonnegative().default(2_500),
  /** The most of a new seller's first order's shipping the platform pays (the first-sale boost); 0 turns it off. */
  FIRST_SALE_SHIPPING_DISCOUNT_MINOR: z.coerce.number().int().nonnegative().max(100_000).default(1_000),
  /** How long a buyer whose card failed has to pay before the items are released. */
  PAYMENT_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3_600).default(24 * 3_600),
  /** Stripe requests per second for all workers together (0: no limit). Stripe allows 25 in test mode, 100 live. */
  STRIPE_RATE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(0),
  /** How long a worker holds a job before another may take it over as stalled. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** How long a waitlisted buyer has to take up a freed unit before the next in line gets it. */
  WAITLIST_OFFER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  /** Namespace of the BullMQ and sign-in limit keys in Redis: deployments (or test runs) sharing a Redis differ here. */
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]{1,40}$/).default('showcart'),
  /**
   * Where the built-in recorder writes HLS segments and the api serves them from; with
   * RECORDINGS_S3_BUCKET set, only the segment being written (the rest is in S3).
   */
  RECORDINGS_DIR: z.string().min(1).default('.data/recordings'),
  /** `builtin` (a hidden participant and ffmpeg) or `egress` (LiveKit Egress to S3). */
  RECORDER: z.enum(['builtin', 'egress']).default('builtin'),
  /** Length of a recorded HLS segment: a recorder crash loses at most one. */
  RECORDING_SEGMENT_SECONDS: z.coerce.number().int().min(1).max(10).default(2),
  /** The recorder's encoder resolution (the height; the width follows the camera's shape). */
  RECORDING_HEIGHT: z.coerce.number().int().min(144).max(1080).default(720),
  /**
   * Recordings go to this S3-compatible bucket when it is set (always with RECORDER=egress).
   * The endpoint is for a store other than AWS (MinIO, versitygw, R2...); without keys
   * the AWS SDK's own chain (instance role, AWS_* variables) is used.
   */
  RECORDINGS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').optional(),
  RECORDINGS_S3_ENDPOINT: z.url().optional(),
  RECORDINGS_S3_REGION: z.string().min(1).default('us-east-1'),
  RECORDINGS_S3_ACCESS_KEY: z.string().min(1).optional(),
  RECORDINGS_S3_SECRET: z.string().min(1).optional(),
  /** Where browsers fetch Egress's segments (the bucket's public or CDN address). */
  EGRESS_PUBLIC_BASE_URL: z.url().optional(),
  /**
   * The SMTP server mail goes through (smtp:// or smtps://, credentials in the URL). Unset,
   * nothing can be mailed and sign-up, verification and reset answer NOT_CONFIGURED;
   * `npm start` and the tests point it at their own mail catcher.
   */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Showcart <no-reply@showcart.local>'),
  /**
   * Web Push's VAPID key pair (`npx web-push generate-vapid-keys`): the public key as the
   * browser's applicationServerKey (65 bytes, base64url), the private key (32 bytes,
   * base64url) signing each push. Unset, push is off: subscribing answers NOT_CONFIGURED
   * and notifications go to the feed and email only.
   */
  // Empty is unset (docker-compose passes `${VAPID_PUBLIC_KEY:-}` through).
  VAPID_PUBLIC_KEY: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'a P-256 public key, 65 bytes base64url').optional()),
  VAPID_PRIVATE_KEY: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a P-256 private key, 32 bytes base64url').optional()),
  /** Who push services contact about this sender: a mailto: or https: URL. */
  VAPID_SUBJECT: z.string().regex(/^(mailto:.+|https:\/\/.+)$/, 'a mailto: or https: URL').default('mailto:push@showcart.local'),
}).refine((e) => (e.VAPID_PUBLIC_KEY === undefined) === (e.VAPID_PRIVATE_KEY === undefined), {
  path: ['VAPID_PRIVATE_KEY'], message: 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all',
});

export type TS3Config = {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKey: string | undefined;
  secret: string | undefined;
};

export type TConfig = {
  env: 'development' | 'test' | 'production';
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
  databaseUrl: string;
  redisUrl: string;
  livekit: { url: string; apiKey: string; apiSecret: string };
  stripe: {
    secretKey: string;
    publishableKey: string;
    apiBase: string | undefined;
    webhookSecret: string | undefined;
  };
  host: string;
  apiPort: number;
  realtimePort: number;
  publicUrl: string;
  /** Express' `trust proxy`: false (the peer is the client), a hop count, or trusted proxy addresses. */
  trustProxy: false | number | string[];
  sessionTtlMs: number;
  defaultShippingMinor: number;
  platformFeeBps: number;
  shippingCapMinor: number;
  firstSaleDiscountMaxMinor: number;
  paymentDeadlineMs: number;
  stripeRateLimit: number;
  workerLockMs: number;
  queuePrefix: string;
  waitlistOfferMs: number;
  mail: { smtpUrl: string | undefined; from: string };
  /** Web Push's VAPID keys; undefined: push is off. */
  push: { publicKey: string; privateKey: string; subject: string } | undefined;
  recordings: {
    dir: string;
    backend: 'builtin' | 'egress';
    segmentSeconds: number;
    height: number;
    s3: TS3Config | null;
    /** Where browsers fetch Egress's segments (the bucket's public or CDN address). */
    egressPublicBaseUrl: string | undefined;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once, at start; lists every bad variable, never its value. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): TConfig => {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    livekit: { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      publishableKey: e.STRIPE_PUBLISHABLE_KEY,
      apiBase: e.STRIPE_API_BASE,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    },
    host: e.HOST,
    apiPort: e.API_PORT,
    realtimePort: e.REALTIME_PORT,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY ?? (e.NODE_ENV === 'development' ? ['loopback'] : false),
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    defaultShippingMinor: e.DEFAULT_SHIPPING_MINOR,
    platformFeeBps: e.PLATFORM_FEE_BPS,
    shippingCapMinor: e.SHIPPING_CAP_MINOR,
    firstSaleDiscountMaxMinor: e.FIRST_SALE_SHIPPING_DISCOUNT_MINOR,
    paymentDeadlineMs: e.PAYMENT_DEADLINE_SECONDS * 1_000,
    stripeRateLimit: e.STRIPE_RATE_LIMIT,
    workerLockMs: e.WORKER_LOCK_MS,
    queuePrefix: e.QUEUE_PREFIX,
    waitlistOfferMs: e.WAITLIST_OFFER_SECONDS * 1_000,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    push: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
      ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
      : undefined,
    recordings: {
      dir: e.RECORDINGS_DIR,
      backend: e.RECORDER,
      segmentSeconds: e.RECORDING_SEGMENT_SECONDS,
      height: e.RECORDING_HEIGHT,
      s3: e.RECORDINGS_S3_BUCKET
        ? {
            bucket: e.RECORDINGS_S3_BUCKET,
            endpoint: e.RECORDINGS_S3_ENDPOINT,
            region: e.RECORDINGS_S3_REGION,
            accessKey: e.RECORDINGS_S3_ACCESS_KEY,
            secret: e.RECORDINGS_S3_SECRET,
          }
        : null,
      egressPublicBaseUrl: e.EGRESS_PUBLIC_BASE_URL,
    },
  };
};

/** For a service's main: a bad environment stops it with the list of what is wrong. */
export const loadConfigOrExit = (env: NodeJS.ProcessEnv = process.env): TConfig => {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
};
