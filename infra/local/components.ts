import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, startProcess, waitFor, type TManaged } from './processes.ts';
import { startStripeTestProxy } from './stripe-test-proxy.ts';
import { supervise, type TRestartPolicy, type TSupervised, type TSupervisedStatus } from './supervisor.ts';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const TOOLS = path.join(REPO_ROOT, '.tools/bin');

export type TPorts = {
  postgres: number;
  redis: number;
  livekit: number;
  livekitTcp: number;
  livekitUdp: number;
  stripeMock: number;
  stripeProxy: number;
  /** The mail catcher's SMTP and web/API ports; free ones when not given. */
  mailSmtp?: number;
  mailWeb?: number;
};

/** Fixed, uncommon ports for `npm start`, so they clash with nothing usual. */
export const DEV_PORTS: TPorts = {
  postgres: 54_329,
  redis: 63_799,
  livekit: 7880,
  livekitTcp: 7881,
  livekitUdp: 7882,
  stripeMock: 12_111,
  stripeProxy: 12_110,
  mailSmtp: 12_025,
  mailWeb: 12_080,
};

type TSecrets = { postgresPassword: string; livekitKey: string; livekitSecret: string };

const loadSecrets = async (dataDir: string): Promise<TSecrets> => {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as TSecrets;
  const secrets: TSecrets = {
    postgresPassword: randomBytes(18).toString('base64url'),
    livekitKey: `API${randomBytes(6).toString('hex')}`,
    livekitSecret: randomBytes(32).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
};

const postgresBin = (): string => {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin/postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: run `bash infra/local/install.sh`.');
  return path.join(base, newest, 'bin');
};

/** PostgreSQL refuses to run as root; as root we run it as Debian's `postgres` user. */
const postgresUser = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (process.getuid?.() !== 0) return undefined;
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid), gid: Number(gid) };
};

const startPostgres = async (dataDir: string, port: number, secrets: TSecrets, fast: boolean) => {
  const bin = postgresBin();
  const dir = path.join(dataDir, 'postgres');
  const user = await postgresUser();
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const pwfile = path.join(dataDir, 'pgpass.tmp');
    await writeFile(pwfile, secrets.postgresPassword, { mode: 0o600 });
    if (user) {
      await chown(dir, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    await run(
      path.join(bin, 'initdb'),
      ['-D', dir, '-U', 'showcart', `--pwfile=${pwfile}`, '-E', 'UTF8', '--auth-local=trust',
        '--auth-host=scram-sha-256', '--no-instructions'],
      { ...(user ?? {}) },
    );
    await writeFile(pwfile, '');
  }
  const settings = fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const proc = await startProcess({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: ['-D', dir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'max_connections=200', ...settings],
    logDir: path.join(dataDir, 'logs'),
    options: { ...(user ?? {}) },
  });
  const adminUrl = `postgres://showcart:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${port}/postgres`;
  await waitFor('PostgreSQL', async () => {
    const client = new pg.Client(adminUrl);
    await client.connect();
    const exists = await client.query(`select 1 from pg_database where datname = 'showcart'`);
    if (exists.rowCount === 0) await client.query('create database showcart');
    await client.end();
    return true;
  }, { process: proc });
  return { proc, url: adminUrl.replace(/\/postgres$/, '/showcart') };
};

/** `appendfsync` other than `always` is only for measuring what durability costs. */
export const startRedis = async (dataDir: string, port: number, appendfsync: 'always' | 'everysec' = 'always') => {
  const dir = path.join(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  // AOF with fsync on every write: a claim acknowledged by a script is on disk (invariant 2).
  const proc = await startProcess({
    name: 'redis',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
      '--appendfsync', appendfsync, '--maxmemory-policy', 'noeviction', '--save', '', '--protected-mode', 'yes',
      // The worker's compact-redis-log job rewrites the AOF between shows instead.
      '--auto-aof-rewrite-percentage', '0'],
    logDir: path.join(dataDir, 'logs'),
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitFor('Redis', async () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } finally {
      redis.disconnect();
    }
  }, { process: proc });
  return { proc, url };
};

const startLiveKit = async (dataDir: string, ports: TPorts, secrets: TSecrets, webhookUrl: string) => {
  const bin = path.join(TOOLS, 'server');
  if (!existsSync(bin)) throw new Error('LiveKit server is not built: run `bash infra/local/install.sh`.');
  const config = [
    `port: ${ports.livekit}`,
    'bind_addresses: ["127.0.0.1"]',
    'rtc:',
    `  tcp_port: ${ports.livekitTcp}`,
    `  udp_port: ${ports.livekitUdp}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    '  enable_loopback_candidate: true',
    'keys:',
    `  ${secrets.livekitKey}: ${secrets.livekitSecret}`,
    'webhook:',
    `  api_key: ${secrets.livekitKey}`,
    '  urls:',
    `    - ${webhookUrl}`,
    'room:',
    '  empty_timeout: 300',
    '  departure_timeout: 20',
    'logging:',
    '  level: info',
  ].join('\n');
  const file = path.join(dataDir, 'livekit.yaml');
  await writeFile(file, `${config}\n`, { mode: 0o600 });
  const proc = await startProcess({
    name: 'livekit',
    command: bin,
    args: ['--config', file],
    logDir: path.join(dataDir, 'logs'),
  });
  const httpUrl = `http://127.0.0.1:${ports.livekit}`;
  await waitFor('LiveKit', async () => (await fetch(httpUrl)).ok, { process: proc });
  return { proc, url: `ws://127.0.0.1:${ports.livekit}` };
};

const startStripeMock = async (dataDir: string, ports: TPorts) => {
  const bin = path.join(TOOLS, 'stripe-mock');
  if (!existsSync(bin)) throw new Error('stripe-mock is not built: run `bash infra/local/install.sh`.');
  const proc = await startProcess({
    name: 'stripe-mock',
    command: bin,
    // Port 0 for HTTPS, which nothing here uses: its default port would clash between runs.
    args: ['-http-addr', `127.0.0.1:${ports.stripeMock}`, '-https-addr', '127.0.0.1:0'],
    logDir: path.join(dataDir, 'logs'),
  });
  const upstream = `http://127.0.0.1:${ports.stripeMock}`;
  await waitFor('stripe-mock', async () => {
    const res = await fetch(`${upstream}/v1/balance`, { headers: { authorization: 'Bearer sk_test_x' } });
    return res.ok;
  }, { process: proc });
  return { proc, upstream };
};

/**
 * A mail catcher (maildev, from npm): an SMTP server that keeps what it is sent, with a
 * web page and an HTTP API (`GET /api/email`) to read it. Mail is kept on disk, so a
 * restart loses none.
 */
const startMailCatcher = async (dataDir: string, smtpPort: number, webPort: number) => {
  const bin = path.join(REPO_ROOT, 'node_modules/maildev/dist/bin/maildev.js');
  if (!existsSync(bin)) throw new Error('maildev is not installed: run `npm install`.');
  const dir = path.join(dataDir, 'mail');
  await mkdir(dir, { recursive: true });
  const proc = await startProcess({
    name: 'mail',
    command: process.execPath,
    args: [bin, '--smtp', String(smtpPort), '--ip', '127.0.0.1', '--web', String(webPort), '--web-ip', '127.0.0.1', '--mail-directory', dir],
    logDir: path.join(dataDir, 'logs'),
  });
  const webUrl = `http://127.0.0.1:${webPort}`;
  await waitFor('the mail catcher', async () => (await fetch(`${webUrl}/api/email/summary`)).ok, { process: proc });
  return { proc, smtpUrl: `smtp://127.0.0.1:${smtpPort}`, webUrl };
};

/**
 * An S3-compatible store (versitygw over a directory) with one bucket, for tests of
 * recordings kept in S3. Returns the recordings' S3 environment and a stop.
 */
export const startS3 = async (dataDir: string, port: number, bucket = 'showcart-recordings') => {
  const bin = path.join(TOOLS, 'versitygw');
  if (!existsSync(bin)) throw new Error('versitygw is not built: run `SHOWCART_TEST_TOOLS=1 bash infra/local/install.sh`.');
  const root = path.join(dataDir, 's3/data');
  const meta = path.join(dataDir, 's3/meta');
  await Promise.all([mkdir(root, { recursive: true }), mkdir(meta, { recursive: true })]);
  const accessKey = `AK${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  const proc = await startProcess({
    name: 'versitygw',
    command: bin,
    // Metadata in a sidecar directory: not every filesystem has extended attributes.
    args: ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', '--sidecar', meta, root],
    // Keys in the environment, not the arguments any `ps` shows.
    options: { env: { ...process.env, ROOT_ACCESS_KEY: accessKey, ROOT_SECRET_KEY: secret } },
    logDir: path.join(dataDir, 'logs'),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('versitygw', async () => (await fetch(endpoint)).status > 0, { process: proc });
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secret } });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const env = {
    RECORDINGS_S3_BUCKET: bucket,
    RECORDINGS_S3_ENDPOINT: endpoint,
    RECORDINGS_S3_REGION: 'us-east-1',
    RECORDINGS_S3_ACCESS_KEY: accessKey,
    RECORDINGS_S3_SECRET: secret,
  };
  return { env, root: path.join(root, bucket), stop: () => proc.stop('SIGTERM') };
};

export type TComponents = {
  /** Environment for the services: every URL and key they need. */
  env: Record<string, string>;
  /** The components this started, each restarted with its data if it exits (supervisor.ts). */
  supervised: TSupervised[];
  stop: () => Promise<void>;
};

/**
 * Starts the real components Showcart needs, each unless the environment already points
 * at one (DATABASE_URL, REDIS_URL, LIVEKIT_URL with keys, STRIPE_SECRET_KEY). Each is
 * supervised: one that exits is started again on the same data directory and port.
 */
export const startComponents = async (p: {
  dataDir: string;
  ports: TPorts;
  /** Where LiveKit posts room and participant webhooks. */
  livekitWebhookUrl: string;
  /** Trade durability of PostgreSQL for speed (tests only). */
  fast?: boolean;
  /** Redis' AOF fsync policy; benchmarks set `everysec` to measure what `always` costs. */
  redisAppendfsync?: 'always' | 'everysec';
  env?: NodeJS.ProcessEnv;
  policy?: TRestartPolicy;
  onChange?: (status: TSupervisedStatus) => void;
}): Promise<TComponents> => {
  const given = p.env ?? process.env;
  await mkdir(p.dataDir, { recursive: true });
  const secrets = await loadSecrets(p.dataDir);
  const supervised: TSupervised[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  /** Starts a component under supervision; returns what its first start gave (its URL). */
  const keep = async <T extends { proc: TManaged }>(name: string, start: () => Promise<T>): Promise<T> => {
    let first: T | undefined;
    supervised.push(await supervise({
      name,
      start: async () => {
        const started = await start();
        first ??= started;
        return started.proc;
      },
      ...(p.policy ? { policy: p.policy } : {}),
      ...(p.onChange ? { onChange: p.onChange } : {}),
    }));
    return first!;
  };
  const stop = async () => {
    for (const proc of supervised) proc.hold();
    for (const s of stoppers.reverse()) await s().catch(() => {});
    // PostgreSQL shuts down fastest and cleanly on SIGINT.
    await Promise.all(supervised.map((proc) => proc.stop(proc.name === 'postgres' ? 'SIGINT' : 'SIGTERM')));
  };
  try {
    if (given.DATABASE_URL) env.DATABASE_URL = given.DATABASE_URL;
    else {
      const pgc = await keep('postgres', () => startPostgres(p.dataDir, p.ports.postgres, secrets, p.fast ?? false));
      env.DATABASE_URL = pgc.url;
    }
    if (given.REDIS_URL) env.REDIS_URL = given.REDIS_URL;
    else {
      const redis = await keep('redis', () => startRedis(p.dataDir, p.ports.redis, p.redisAppendfsync));
      env.REDIS_URL = redis.url;
    }
    if (given.LIVEKIT_URL && given.LIVEKIT_API_KEY && given.LIVEKIT_API_SECRET) {
      env.LIVEKIT_URL = given.LIVEKIT_URL;
      env.LIVEKIT_API_KEY = given.LIVEKIT_API_KEY;
      env.LIVEKIT_API_SECRET = given.LIVEKIT_API_SECRET;
    } else {
      const lk = await keep('livekit', () => startLiveKit(p.dataDir, p.ports, secrets, p.livekitWebhookUrl));
      env.LIVEKIT_URL = lk.url;
      env.LIVEKIT_API_KEY = secrets.livekitKey;
      env.LIVEKIT_API_SECRET = secrets.livekitSecret;
    }
    if (given.SMTP_URL) env.SMTP_URL = given.SMTP_URL;
    else {
      // Chosen once: a restart comes back on the same ports.
      const [smtpPort, webPort] = [p.ports.mailSmtp ?? (await freePort()), p.ports.mailWeb ?? (await freePort())];
      const mail = await keep('mail', () => startMailCatcher(p.dataDir, smtpPort, webPort));
      env.SMTP_URL = mail.smtpUrl;
      // Where people (and the tests) read what was sent.
      env.MAIL_CATCHER_URL = mail.webUrl;
    }
    if (given.STRIPE_SECRET_KEY) {
      env.STRIPE_SECRET_KEY = given.STRIPE_SECRET_KEY;
      if (given.STRIPE_PUBLISHABLE_KEY) env.STRIPE_PUBLISHABLE_KEY = given.STRIPE_PUBLISHABLE_KEY;
      if (given.STRIPE_WEBHOOK_SECRET) env.STRIPE_WEBHOOK_SECRET = given.STRIPE_WEBHOOK_SECRET;
    } else {
      const sm = await keep('stripe-mock', () => startStripeMock(p.dataDir, p.ports));
      const proxy = await startStripeTestProxy({ port: p.ports.stripeProxy, upstream: sm.upstream });
      stoppers.push(proxy.stop);
      env.STRIPE_SECRET_KEY = 'sk_test_showcartLocalStripeMock';
      env.STRIPE_PUBLISHABLE_KEY = 'pk_test_showcartLocalStripeMock';
      env.STRIPE_API_BASE = proxy.url;
      // For tests that start a proxy of their own in front of the same stripe-mock.
      env.STRIPE_MOCK_URL = sm.upstream;
      env.STRIPE_WEBHOOK_SECRET = `whsec_${secrets.livekitSecret.slice(0, 24)}`;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, supervised, stop };
};
