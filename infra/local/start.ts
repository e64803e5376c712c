import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDb, createStripe, loadConfig, migrate } from '@showcart/common';
import { DEV_PORTS, REPO_ROOT, startComponents } from './components.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './seed.ts';
import { startServices, waitForHealthy } from './services.ts';

/**
 * `npm start`: the real components, migrations, demo data, the three services and the
 * web app, all on loopback. Ctrl-C stops everything it started.
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

const components = await startComponents({
  dataDir,
  ports: DEV_PORTS,
  livekitWebhookUrl: `http://127.0.0.1:${apiPort}/api/webhooks/livekit`,
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
};

let services: Awaited<ReturnType<typeof startServices>> = [];
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Showcart...');
  await Promise.all(services.map((s) => s.stop()));
  await components.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const config = loadConfig({ ...process.env, ...env });
  const db = createDb(config.databaseUrl, 2);
  const applied = await migrate(db);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  if (await seedDemo(db, createStripe(config.stripe))) console.log('Seeded demo data.');
  await db.end();

  services = await startServices({ env, logDir, webPort, apiPort, realtimePort });
  await waitForHealthy(webUrl, services);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`
Showcart is running (ready in ${seconds} s).

  Web app      ${webUrl}
  API health   ${webUrl}/api/health
  LiveKit      ${env.LIVEKIT_URL}
  Logs         ${path.relative(REPO_ROOT, logDir)}/

Demo logins (password: ${DEMO_PASSWORD})
${DEMO_LOGINS.map((l) => `  ${l.email.padEnd(24)} ${l.role}`).join('\n')}

Press Ctrl-C to stop.`);

for (const s of services) {
  void s.exited.then((code) => {
    if (!stopping) {
      console.error(`${s.name} exited with code ${code}; see ${s.logFile}`);
      void stop(1);
    }
  });
}
