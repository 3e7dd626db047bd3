/**
 * Small statistics for the benchmark: percentiles of latency samples and a
 * high-resolution stopwatch. Medians and tails, never means: shared machines
 * are noisy (ENVIRONMENT.md "Measuring").
 */

/** The p-th percentile (0–100) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
}

export function summarise(samplesMs: readonly number[]): LatencySummary {
  return {
    samples: samplesMs.length,
    p50_ms: round(percentile(samplesMs, 50)),
    p95_ms: round(percentile(samplesMs, 95)),
    p99_ms: round(percentile(samplesMs, 99)),
  };
}

/** Milliseconds since `start` (from `now()`), with sub-millisecond precision. */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function now(): bigint {
  return process.hrtime.bigint();
}

/** Times one async call in milliseconds. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = now();
  await run();
  return elapsedMs(start);
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
