export const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

/** Count, p50, p95, p99 and max of samples in ms, rounded: the figures every bench prints and writes. */
export const summarize = (samplesMs: number[]) => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
  };
};

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
