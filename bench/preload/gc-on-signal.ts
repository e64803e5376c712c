import { writeFileSync } from 'node:fs';

/**
 * Loaded into the benchmark's realtime nodes (with --expose-gc): SIGUSR2 runs a full
 * garbage collection and writes the process's memory figures to
 * `$BENCH_MEMORY_DIR/<pid>.json`, so that a reading counts what is live, not what a
 * collection has yet to reclaim.
 */
const gc = (globalThis as { gc?: () => void }).gc;
const dir = process.env.BENCH_MEMORY_DIR;
if (gc && dir) {
  process.on('SIGUSR2', () => {
    gc();
    writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(process.memoryUsage()));
  });
}
