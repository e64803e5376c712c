import type { TSupervisedStatus } from '@showcart/shared';
import { Redis } from 'ioredis';
import type { TManaged } from './processes.ts';

/**
 * `npm start`'s supervision: a process that exits without being asked to is started again
 * after a back-off that grows with each quick failure, and left down (said so, the rest
 * kept up) after too many. Docker and Kubernetes users get the same from their
 * orchestrator (docker-compose.yml's restart policies).
 */
export type TRestartPolicy = {
  /** The wait before the first restart; it doubles with each failure in a row. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row after which the process is left down. */
  maxFailures: number;
  /** A process that ran this long before exiting starts a new row of failures. */
  stableAfterMs: number;
};

export const DEFAULT_RESTART_POLICY: TRestartPolicy = { firstDelayMs: 500, maxDelayMs: 30_000, maxFailures: 8, stableAfterMs: 60_000 };

type TSupervisedState = TSupervisedStatus['state'];

export type { TSupervisedStatus };

export type TSupervised = {
  name: string;
  /** The process running now: a new one after each restart. */
  current: () => TManaged;
  status: () => TSupervisedStatus;
  /**
   * No restart from now on; the process runs on until stop(). Called on every process at
   * once when shutting down, so one that exits first (Ctrl-C reaches the whole process
   * group) is not started again while the others are stopped in order.
   */
  hold: () => void;
  /** Stops it for good: no restart follows. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
};

/** The back-off before restart number `failures` of a row (1, 2, …). */
export const restartDelay = (policy: TRestartPolicy, failures: number) =>
  Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures - 1));

const describeExit = (proc: TManaged) =>
  proc.child.signalCode ? `signal ${proc.child.signalCode}` : `code ${proc.child.exitCode ?? 'unknown'}`;

/**
 * Starts a process with `start` (which resolves once it is ready) and keeps it running.
 * The first start's failure is the caller's; later ones count as failures in the row.
 */
export const supervise = async (p: {
  name: string;
  start: () => Promise<TManaged>;
  policy?: TRestartPolicy;
  log?: (line: string) => void;
  /** Told of every change of state (a restart, giving up), e.g. to publish it. */
  onChange?: (status: TSupervisedStatus) => void;
}): Promise<TSupervised> => {
  const policy = p.policy ?? DEFAULT_RESTART_POLICY;
  const log = p.log ?? ((line: string) => console.error(line));
  let current = await p.start();
  let startedAt = Date.now();
  let state: TSupervisedState = 'running';
  let restarts = 0;
  let failures = 0;
  let lastExit: string | undefined;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let starting: Promise<TManaged> | undefined;
  const status = (): TSupervisedStatus => ({ name: p.name, state, restarts, ...(lastExit ? { lastExit } : {}) });
  const changed = () => p.onChange?.(status());

  const restartLoop = async (exitedProc: TManaged) => {
    await exitedProc.exited;
    if (stopped) return;
    lastExit = describeExit(exitedProc);
    const ranMs = Date.now() - startedAt;
    failures = ranMs >= policy.stableAfterMs ? 1 : failures + 1;
    for (;;) {
      if (failures > policy.maxFailures) {
        state = 'gave-up';
        log(`${p.name} exited (${lastExit}) ${failures} times in a row; not restarting it. The rest of Showcart keeps running; see ${exitedProc.logFile}`);
        changed();
        return;
      }
      const delay = restartDelay(policy, failures);
      state = 'restarting';
      log(`${p.name} exited with ${lastExit} after ${(ranMs / 1_000).toFixed(1)} s; restarting in ${(delay / 1_000).toFixed(1)} s (failure ${failures} of ${policy.maxFailures} in a row); see ${exitedProc.logFile}`);
      changed();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
      if (stopped) return;
      try {
        starting = p.start();
        current = await starting;
      } catch (error) {
        lastExit = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
        failures += 1;
        continue;
      } finally {
        starting = undefined;
      }
      if (stopped) return; // stop() stops the process just started.
      startedAt = Date.now();
      restarts += 1;
      state = 'running';
      log(`${p.name} is running again (restart ${restarts})`);
      changed();
      void restartLoop(current);
      return;
    }
  };
  void restartLoop(current);

  return {
    name: p.name,
    current: () => current,
    status,
    hold: () => {
      stopped = true;
      wakeUp?.();
    },
    stop: async (signal) => {
      stopped = true;
      state = 'stopped';
      wakeUp?.();
      const fresh = await starting?.catch(() => undefined);
      await fresh?.stop(signal);
      await current.stop(signal);
    },
  };
};

/**
 * Writes each supervised process' status to a Redis hash for /api/health to read. Best
 * effort: while Redis itself is restarting, writes wait in the client's queue.
 */
export const statusPublisher = async (redisUrl: string, key: string) => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  // A new run starts counting afresh.
  await redis.del(key);
  return {
    publish: (status: TSupervisedStatus) => void redis.hset(key, status.name, JSON.stringify(status)).catch(() => {}),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
