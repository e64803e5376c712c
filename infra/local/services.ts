import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './components.ts';
import { startProcess, waitFor } from './processes.ts';
import { supervise, type TRestartPolicy, type TSupervised, type TSupervisedStatus } from './supervisor.ts';

const require = createRequire(import.meta.url);
const WEB_DIR = path.join(REPO_ROOT, 'web');
const vitePackage = require.resolve('vite/package.json', { paths: [WEB_DIR] });
const VITE = path.join(path.dirname(vitePackage), 'bin/vite.js');

/** What `vite build` reads: a change to any of these makes web/dist stale. */
const WEB_SOURCES = [
  'web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'web/tsconfig.json',
  'shared/src', 'shared/package.json', 'tsconfig.base.json', 'package-lock.json',
];
/** Written beside the build once it succeeded: the hash of the sources it was built from. */
const WEB_STAMP = path.join(WEB_DIR, 'dist/.sources-sha256');

const filesUnder = async (relative: string): Promise<string[]> => {
  const full = path.join(REPO_ROOT, relative);
  const info = await stat(full).catch(() => null);
  if (!info?.isDirectory()) return info ? [relative] : [];
  const entries = await readdir(full, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(REPO_ROOT, path.join(e.parentPath, e.name)));
};

/** A hash of every file the web build reads, with its path. */
export const webSourcesHash = async () => {
  const hash = createHash('sha256');
  const files = (await Promise.all(WEB_SOURCES.map(filesUnder))).flat().sort();
  for (const file of files) hash.update(`${file}\0`).update(await readFile(path.join(REPO_ROOT, file))).update('\0');
  return hash.digest('hex');
};

/**
 * Builds the web app into web/dist for `vite preview`, unless web/dist was last built by
 * this function from the same sources (another build, `npm run build` or an older tree,
 * leaves no stamp or another). `vite build` runs with no environment but PATH and HOME
 * and no .env file (vite.config.ts: envDir false), so nothing secret can reach the bundle.
 */
export const buildWeb = async (p: { logDir: string }): Promise<'built' | 'up to date'> => {
  const sources = await webSourcesHash();
  if (existsSync(WEB_STAMP) && (await readFile(WEB_STAMP, 'utf8')) === sources) return 'up to date';
  const build = await startProcess({
    name: 'web-build',
    command: process.execPath,
    args: [VITE, 'build'],
    logDir: p.logDir,
    options: { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' }, cwd: WEB_DIR },
  });
  const code = await build.exited;
  await build.stop();
  if (code !== 0) throw new Error(`Building the web app failed; see ${build.logFile}`);
  await writeFile(WEB_STAMP, sources);
  return 'built';
};

export const SERVICE_NAMES = ['api', 'realtime', 'worker', 'recorder', 'web'] as const;
export type TServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The four services and the web app, each as its own process, as in production, each
 * restarted if it exits (supervisor.ts). With `preview`, web/dist must be built first
 * (buildWeb).
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
  const start = (name: TServiceName) =>
    name === 'web'
      ? startProcess({
        name,
        command: process.execPath,
        args: [VITE, ...(p.preview ? ['preview'] : [])],
        logDir: p.logDir,
        options: {
          env: {
            ...env,
            WEB_PORT: String(p.webPort),
            API_ORIGIN: `http://127.0.0.1:${p.apiPort}`,
            REALTIME_ORIGIN: `http://127.0.0.1:${p.realtimePort}`,
          },
          cwd: WEB_DIR,
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
