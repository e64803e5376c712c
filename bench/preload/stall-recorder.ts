import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { absoluteNow as now } from '../lib/clock.ts';

/**
 * Records when a process could not get on with its work, for
 * bench/investigations/claim-tail.ts. Loaded into the benchmark's realtime nodes through
 * BENCH_NODE_FLAGS, and imported by the generator. Each stall has its start (absoluteNow), length and kind:
 *   gc-minor, gc-major, gc-incremental, gc-weak   a garbage collection pause;
 *   busy      a 1 ms timer fired over STALL_MS late while the process ran (the event loop
 *             was busy with other work);
 *   no-core   the same, while the process hardly ran (no core was free for it, or a system
 *             call blocked);
 *   redis     an EVALSHA (an engine script) whose reply took over STALL_MS to be read:
 *             where a claim's time went, not why.
 * `writeStalls(dir)`, or SIGTTIN in a node, writes them to `<dir>/<pid>.stalls.json`.
 */
const STALL_MS = 2;
export type TStall = { at: number; ms: number; kind: string };
const stalls: TStall[] = [];

const GC_KINDS: Record<number, string> = { 1: 'gc-minor', 2: 'gc-major', 4: 'gc-incremental', 8: 'gc-weak' };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    stalls.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: GC_KINDS[kind] ?? 'gc' });
  }
}).observe({ entryTypes: ['gc'] });

let last = now();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const t = now();
  const cpu = process.cpuUsage();
  if (t - last > 1 + STALL_MS) {
    // CPU time of the process over the stall's wall time: above half, it was running.
    const ran = (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1_000 / (t - last);
    stalls.push({ at: last + 1, ms: t - last - 1, kind: ran > 0.5 ? 'busy' : 'no-core' });
  }
  last = t;
  lastCpu = cpu;
}, 1).unref();

const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
  const [command] = args;
  const at = now();
  const result = sendCommand.apply(this, args);
  if (command.name === 'evalsha') {
    command.promise.then(() => {
      const ms = now() - at;
      if (ms > STALL_MS) stalls.push({ at, ms, kind: 'redis' });
    }, () => {});
  }
  return result;
};

export const writeStalls = (dir: string) => writeFileSync(`${dir}/${process.pid}.stalls.json`, JSON.stringify(stalls));
const dir = process.env.BENCH_MEMORY_DIR;
if (dir) process.on('SIGTTIN', () => writeStalls(dir));
