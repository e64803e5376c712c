import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDb, createPhotoStore, createStripe, loadConfig, migrate, supervisorKey } from '@showcart/common';
import { DEV_PORTS, REPO_ROOT, startComponents } from './components.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './seed.ts';
import { buildWeb, startServices, waitForHealthy } from './services.ts';
import { statusPublisher, type TSupervised, type TSupervisedStatus } from './supervisor.ts';
import { localVapidKeys } from './vapid.ts';

/**
 * `npm start`: the real components, migrations, demo data, the four services and the
 * web app, all on loopback, each restarted if it exits (supervisor.ts); /api/health
 * shows their restarts. Ctrl-C stops everything it started. The web app is the
 * production build served by `vite preview` (built first unless web/dist is up to date);
 * `npm run dev` (`--dev`) serves it from Vite's development server, with hot reload.
 */
const envFile = path.join(REPO_ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const started = Date.now();
const apiPort = Number(process.env.API_PORT ?? 3000);
const realtimePort = Number(process.env.REALTIME_PORT ?? 3001);
const webPort = Number(process.env.WEB_PORT ?? 5173);
const webUrl = `http://localhost:${webPort}`;
const dataDir = path.join(REPO_ROOT, '.data/dev');
const logDir = path.join(dataDir, 'logs');

const dev = process.argv.includes('--dev');

// Built while the components start; awaited (and its failure reported) before the web app starts.
const webBuild = dev ? undefined : buildWeb({ logDir });
webBuild?.catch(() => {});

// Until Redis is up and the publisher made, changes have nowhere to go (none happen before).
let publish = (_status: TSupervisedStatus) => {};
const components = await startComponents({
  dataDir,
  ports: DEV_PORTS,
  livekitWebhookUrl: `http://127.0.0.1:${apiPort}/api/webhooks/livekit`,
  onChange: (status) => publish(status),
});
const env: Record<string, string> = {
  NODE_ENV: 'development',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  ...components.env,
  API_PORT: String(apiPort),
  REALTIME_PORT: String(realtimePort),
  PUBLIC_URL: webUrl,
  // The recorder writes replays here and the api serves them from here.
  RECORDINGS_DIR: path.join(dataDir, 'recordings'),
  // Web Push works out of the box: a key pair of this machine's own.
  ...(await localVapidKeys(dataDir, process.env)),
};

let services: TSupervised[] = [];
let publisher: Awaited<ReturnType<typeof statusPublisher>> | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  // Ctrl-C reached every process: none of them is restarted from here on.
  for (const proc of [...services, ...components.supervised]) proc.hold();
  console.log('\nStopping Showcart...');
  await Promise.all(services.map((s) => s.stop()));
  await publisher?.close();
  await components.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));

try {
  const config = loadConfig({ ...process.env, ...env });
  const db = createDb(config.databaseUrl, 2);
  const applied = await migrate(db);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  if (await seedDemo(db, createStripe(config.stripe), createPhotoStore(config.recordings))) console.log('Seeded demo data.');
  await db.end();

  publisher = await statusPublisher(env.REDIS_URL!, supervisorKey(config.queuePrefix));
  publish = publisher.publish;
  for (const component of components.supervised) publish(component.status());
  if ((await webBuild) === 'built') console.log('Built the web app.');
  services = await startServices({ env, logDir, webPort, apiPort, realtimePort, preview: !dev, onChange: publish });
  for (const service of services) publish(service.status());
  await waitForHealthy(webUrl, services);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`
Showcart is running (ready in ${seconds} s).

  Web app      ${webUrl}  (${dev ? 'Vite dev server, hot reload' : 'production build; npm run dev for hot reload'})
  API health   ${webUrl}/api/health
  LiveKit      ${env.LIVEKIT_URL}
  Mail         ${env.MAIL_CATCHER_URL ?? 'sent through SMTP_URL'}   (sign-up, verification, reset and notification mails)
  Logs         ${path.relative(REPO_ROOT, logDir)}/

Demo logins (password: ${DEMO_PASSWORD})
${DEMO_LOGINS.map((l) => `  ${l.email.padEnd(24)} ${l.role}`).join('\n')}

A process that exits is started again (the health page counts restarts).
Press Ctrl-C to stop.`);

