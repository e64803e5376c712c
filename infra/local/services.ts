import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './components.ts';
import { startProcess, waitFor, type TManaged } from './processes.ts';

const require = createRequire(import.meta.url);

/** The three services and the web app, each as its own process, as in production. */
export const startServices = async (p: {
  env: Record<string, string>;
  logDir: string;
  webPort: number;
  apiPort: number;
  realtimePort: number;
  /** Serve the built web app (vite preview) instead of the dev server. */
  preview?: boolean;
}): Promise<TManaged[]> => {
  const env = { ...process.env, ...p.env };
  const tsx = ['--import', 'tsx'];
  const started: TManaged[] = [];
  for (const service of ['api', 'realtime', 'worker', 'recorder']) {
    started.push(
      await startProcess({
        name: service,
        command: process.execPath,
        args: [...tsx, path.join(REPO_ROOT, `services/${service}/src/main.ts`)],
        logDir: p.logDir,
        options: { env, cwd: REPO_ROOT },
      }),
    );
  }
  const vitePackage = require.resolve('vite/package.json', { paths: [path.join(REPO_ROOT, 'web')] });
  const vite = path.join(path.dirname(vitePackage), 'bin/vite.js');
  started.push(
    await startProcess({
      name: 'web',
      command: process.execPath,
      args: [vite, ...(p.preview ? ['preview'] : [])],
      logDir: p.logDir,
      options: {
        env: {
          ...env,
          WEB_PORT: String(p.webPort),
          API_ORIGIN: `http://127.0.0.1:${p.apiPort}`,
          REALTIME_ORIGIN: `http://127.0.0.1:${p.realtimePort}`,
        },
        cwd: path.join(REPO_ROOT, 'web'),
      },
    }),
  );
  return started;
};

/** Waits until the API reports every component healthy, through the web app's proxy. */
export const waitForHealthy = async (webUrl: string, processes: TManaged[]) => {
  await waitFor(
    'Showcart',
    async () => {
      for (const proc of processes) {
        if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited; see ${proc.logFile}`);
      }
      const res = await fetch(`${webUrl}/api/health`);
      return res.ok;
    },
    { timeoutMs: 60_000 },
  );
};
