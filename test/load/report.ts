/**
 * The figures of one load run from its samples: per request kind and overall,
 * requests, errors, latency percentiles (from when each request was due, and
 * on the wire), throughput, errors by status, intent outcomes, and a
 * per-second timeline for the JSON.
 *
 * Invariants:
 *  1. An error is any sample that is not 2xx (HTTP status, `timeout`,
 *     `network:<code>`) plus every request abandoned unsent; rejected intents
 *     inside a 200 are not HTTP errors and are reported on their own, by code.
 *  2. Rates divide by the measured window: the run's duration or, when the
 *     last answer came later, the time of the last answer.
 */
import { percentile, round } from '../bench/stats.ts';
import type { Sample } from './http-client.ts';

export interface Outcomes {
  accepted: number;
  accepted_with_adjustment: number;
  readonly rejected: Record<string, number>;
}

export interface Percentiles {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
}

export interface KindSummary {
  readonly requests: number;
  readonly errors: number;
  readonly latency: Percentiles;
  readonly service: Percentiles;
  readonly per_s: number;
}

export function summariseRun(samples: readonly Sample[], durationS: number, outcomes: Outcomes, abandoned: number) {
  const windowS = Math.max(durationS, ...samples.map((s) => s.doneAt / 1000));
  const kinds = [...new Set(samples.map((s) => s.kind))];
  const errorsByStatus: Record<string, number> = {};
  for (const s of samples) if (!s.ok) errorsByStatus[s.status] = (errorsByStatus[s.status] ?? 0) + 1;
  if (abandoned > 0) errorsByStatus['abandoned'] = abandoned;
  const accepted = outcomes.accepted + outcomes.accepted_with_adjustment;
  const all = summariseKind(samples, windowS);
  return {
    window_s: round(windowS, 1),
    requests: samples.length + abandoned,
    error_count: all.errors + abandoned,
    by_kind: Object.fromEntries(kinds.map((k) => [k, summariseKind(samples.filter((s) => s.kind === k), windowS)])) as Record<string, KindSummary>,
    all,
    errors_by_status: errorsByStatus,
    abandoned,
    intents: { ...outcomes, per_s: round(accepted / windowS, 1) },
    timeline: timeline(samples, windowS),
  };
}

function summariseKind(samples: readonly Sample[], windowS: number): KindSummary {
  return {
    requests: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    latency: percentiles(samples.map((s) => s.latencyMs)),
    service: percentiles(samples.map((s) => s.serviceMs)),
    per_s: round(samples.length / windowS, 1),
  };
}

function percentiles(ms: readonly number[]): Percentiles {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50_ms: round(percentile(sorted, 50), 1),
    p95_ms: round(percentile(sorted, 95), 1),
    p99_ms: round(percentile(sorted, 99), 1),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN, 1),
  };
}

/** Answers and errors per second of the run, by when they arrived. */
function timeline(samples: readonly Sample[], windowS: number): { s: number; answers: number; errors: number; p99_ms: number }[] {
  const buckets = Array.from({ length: Math.ceil(windowS) }, () => [] as Sample[]);
  for (const s of samples) buckets[Math.min(buckets.length - 1, Math.floor(s.doneAt / 1000))]?.push(s);
  return buckets.map((b, s) => ({ s, answers: b.length, errors: b.filter((x) => !x.ok).length, p99_ms: round(percentile(b.map((x) => x.latencyMs), 99), 1) }));
}
