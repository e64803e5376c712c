import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './components.ts';
import { startProcess, waitFor } from './processes.ts';
import { supervise, type TRestartPolicy, type TSupervised, type TSupervisedStatus } from './supervisor.ts';

const require = createRequire(import.meta.url);

export const SERVICE_NAMES = ['api', 'realtime', 'worker', 'recorder', 'web'] as const;
export type TServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The four services and the web app, each as its own process, as in production, each
 * restarted if it exits (supervisor.ts).
 */
export const startServices = async (p: {
  env: Record<string, string>;
  logDir: string;
  webPort: number;
  apiPort: number;
  realtimePort: number;
  /** Serve the built web app (vite preview) instead of the dev server. */
  preview?: boolean;
  /** Only these (tests start what they need); all by default. */
  only?: readonly TServiceName[];
  policy?: TRestartPolicy;
  onChange?: (status: TSupervisedStatus) => void;
}): Promise<TSupervised[]> => {
  const env = { ...process.env, ...p.env };
  const tsx = ['--import', 'tsx'];
  const vitePackage = require.resolve('vite/package.json', { paths: [path.join(REPO_ROOT, 'web')] });
  const vite = path.join(path.dirname(vitePackage), 'bin/vite.js');
  const start = (name: TServiceName) =>
    name === 'web'
      ? startProcess({
        name,
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
      })
      : startProcess({
        name,
        command: process.execPath,
        args: [...tsx, path.join(REPO_ROOT, `services/${name}/src/main.ts`)],
        logDir: p.logDir,
        options: { env, cwd: REPO_ROOT },
      });
  const started: TSupervised[] = [];
  for (const name of p.only ?? SERVICE_NAMES) {
    started.push(await supervise({ name, start: () => start(name), ...(p.policy ? { policy: p.policy } : {}), ...(p.onChange ? { onChange: p.onChange } : {}) }));
  }
  return started;
};

/** Waits until the API reports every component healthy, through the web app's proxy. */
export const waitForHealthy = async (webUrl: string, processes: TSupervised[]) => {
  await waitFor(
    'Showcart',
    async () => {
      for (const proc of processes) {
        if (proc.status().state === 'gave-up') throw new Error(`${proc.name} keeps exiting; see ${proc.current().logFile}`);
      }
      const res = await fetch(`${webUrl}/api/health`);
      return res.ok;
    },
    { timeoutMs: 60_000 },
  );
};
