/**
 * Absolute time in ms with sub-ms precision, the same clock in every thread and process
 * on the machine: what the benchmarks compare across the generator, its viewer threads and
 * the realtime nodes.
 */
export const absoluteNow = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
