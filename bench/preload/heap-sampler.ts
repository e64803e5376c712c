import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Loaded into the benchmark's realtime nodes (bench/investigations/claim-heap.ts passes it
 * in BENCH_NODE_FLAGS): SIGTTOU starts V8's sampling heap profiler, leaving out objects a
 * scavenge frees; the next SIGTTOU runs one scavenge (so young garbage is not counted)
 * and writes the profile to `$BENCH_MEMORY_DIR/<pid>.heapprofile`. What is left is what
 * reached the old generation, which only full collections free.
 */
const dir = process.env.BENCH_MEMORY_DIR;
const gc = (globalThis as { gc?: (o: { type: 'minor' }) => void }).gc;
if (dir && gc) {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  let sampling = false;
  process.on('SIGTTOU', () => {
    void (async () => {
      if (!sampling) {
        sampling = true;
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', {
          samplingInterval: 4_096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false,
        });
        return;
      }
      sampling = false;
      gc({ type: 'minor' });
      const { profile } = await post<{ profile: object }>('HeapProfiler.stopSampling');
      writeFileSync(`${dir}/${process.pid}.heapprofile`, JSON.stringify(profile));
    })();
  });
}
