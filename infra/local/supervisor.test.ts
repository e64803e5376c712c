import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProcess } from './processes.ts';
import { restartDelay, supervise as superviseOnce, type TSupervised, type TSupervisedStatus } from './supervisor.ts';

let logDir: string;
beforeAll(async () => {
  logDir = await mkdtemp(path.join(tmpdir(), 'showcart-supervisor-'));
});
afterAll(() => rm(logDir, { recursive: true, force: true }));

/** Every process a test supervised is stopped after it, passed or failed. */
const supervised: TSupervised[] = [];
const supervise = async (...args: Parameters<typeof superviseOnce>) => {
  const sup = await superviseOnce(...args);
  supervised.push(sup);
  return sup;
};
afterEach(async () => {
  await Promise.all(supervised.splice(0).map((s) => s.stop()));
});

const POLICY = { firstDelayMs: 50, maxDelayMs: 400, maxFailures: 3, stableAfterMs: 60_000 };

/** A real process running `script` with node, its starts counted in a file. */
const nodeProcess = (name: string, script: string) => () =>
  startProcess({ name, command: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(path.join(logDir, `${name}.starts`))}, 'x'); ${script}`], logDir });
const startsOf = async (name: string) => (await readFile(path.join(logDir, `${name}.starts`), 'utf8').catch(() => '')).length;
const until = async (what: string, probe: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the supervisor', () => {
  it('doubles the wait after each failure in a row, up to its cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => restartDelay(POLICY, n))).toEqual([50, 100, 200, 400, 400]);
  });

  it('restarts a killed process, says with which signal, and counts it', async () => {
    const changes: TSupervisedStatus[] = [];
    const lines: string[] = [];
    const sup = await supervise({
      name: 'sleeper', start: nodeProcess('sleeper', 'setInterval(() => {}, 1000)'), policy: POLICY,
      log: (line) => lines.push(line), onChange: (s) => changes.push(s),
    });
    await until('it started', async () => (await startsOf('sleeper')) === 1);
    const first = sup.current().child.pid;
    process.kill(first!, 'SIGKILL');
    await until('a second process', () => sup.status().state === 'running' && sup.current().child.pid !== first);
    expect(sup.status()).toEqual({ name: 'sleeper', state: 'running', restarts: 1, lastExit: 'signal SIGKILL' });
    expect(changes.map((c) => c.state)).toEqual(['restarting', 'running']);
    expect(lines[0]).toMatch(/^sleeper exited with signal SIGKILL after \d+\.\d s; restarting in 0\.1 s/);
    await until('it started again', async () => (await startsOf('sleeper')) === 2);

    const second = sup.current().child.pid;
    await sup.stop();
    expect(alive(second)).toBe(false);
    expect(sup.status().state).toBe('stopped');
  });

  it('gives up after too many failures in a row and says so', async () => {
    const lines: string[] = [];
    const sup = await supervise({ name: 'crasher', start: nodeProcess('crasher', 'process.exit(3)'), policy: POLICY, log: (l) => lines.push(l) });
    await until('giving up', () => sup.status().state === 'gave-up');
    // The first start and one per allowed failure: 1 + 3.
    expect(await startsOf('crasher')).toBe(1 + POLICY.maxFailures);
    expect(sup.status()).toMatchObject({ restarts: POLICY.maxFailures, lastExit: 'code 3' });
    expect(lines.at(-1)).toMatch(/crasher exited \(code 3\) 4 times in a row; not restarting it/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await startsOf('crasher')).toBe(1 + POLICY.maxFailures);
    await sup.stop();
  });

  it('restarts nothing once held, and stop() during a back-off leaves nothing running', async () => {
    const sup = await supervise({ name: 'held', start: nodeProcess('held', 'setInterval(() => {}, 1000)'), policy: { ...POLICY, firstDelayMs: 300 }, log: () => {} });
    await until('it started', async () => (await startsOf('held')) === 1);
    sup.hold();
    process.kill(sup.current().child.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 600));
    expect(await startsOf('held')).toBe(1);
    await sup.stop();

    const backingOff = await supervise({ name: 'backoff', start: nodeProcess('backoff', 'setInterval(() => {}, 1000)'), policy: { ...POLICY, firstDelayMs: 300 }, log: () => {} });
    await until('it started', async () => (await startsOf('backoff')) === 1);
    process.kill(backingOff.current().child.pid!, 'SIGKILL');
    await until('restarting', () => backingOff.status().state === 'restarting');
    await backingOff.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(await startsOf('backoff')).toBe(1);
  });
});
