import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** A child process whose output goes to a log file, and that can be stopped and awaited. */
export type TManaged = {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
};

export const startProcess = async (p: {
  name: string;
  command: string;
  args: string[];
  logDir: string;
  options?: SpawnOptions;
  /** Echo the output to this process' stdout as well as to the log file. */
  echo?: boolean;
}): Promise<TManaged> => {
  await mkdir(p.logDir, { recursive: true });
  const logFile = path.join(p.logDir, `${p.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(p.command, p.args, { stdio: ['ignore', 'pipe', 'pipe'], ...p.options });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(log, { end: false });
    if (p.echo) stream?.pipe(process.stdout, { end: false });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      log.write(`\n[spawn error] ${error.message}\n`);
      resolve(-1);
    });
  });
  return {
    name: p.name,
    child,
    logFile,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
};

/** A port the OS says is free now (the caller binds it soon after). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Polls `check` until it resolves true, or fails naming `what` and the process' log. */
export const waitFor = async (
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs?: number; process?: TManaged } = {},
): Promise<void> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    const child = opts.process?.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${what} exited with ${child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`}; see ${opts.process!.logFile}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
  const log = opts.process ? `; see ${opts.process.logFile}` : '';
  throw new Error(`${what} did not become ready in time${detail}${log}`);
};
