/**
 * Prometheus metrics of one app instance (`GET /metrics`), with prom-client.
 *
 * Invariants:
 *  1. Every app instance has its own registry, never prom-client's global
 *     default: two apps in one process (tests) never share or collide.
 *  2. Label values come from closed sets (outcome status, ErrorCode, sweep
 *     kind and source, HTTP method, the matched route PATTERN, never the raw
 *     path), so the number of series stays bounded whatever clients send.
 *  3. Recording never throws into the caller: metrics are observation only.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from '@stint/shared';

/** The periodic sweeps (DESIGN §5): stale work sessions, booking transitions. */
export const SweepKind = { stale: 'stale', bookings: 'bookings' } as const;
export type SweepKind = (typeof SweepKind)[keyof typeof SweepKind];

/** Who ran a sweep: the in-process scheduler, the cron route, or a signed-in client's poll. */
export type SweepTrigger = 'scheduler' | 'cron' | 'client';

export interface Metrics {
  readonly registry: Registry;
  /** Counts one intent outcome (accepted / accepted_with_adjustment / rejected by code). */
  recordOutcome(outcome: Pick<Outcome, 'status'> & { readonly code?: string }): void;
  /** Counts one sweep run and its duration. */
  observeSweep(kind: SweepKind, trigger: SweepTrigger, seconds: number, result: 'ok' | 'error'): void;
  /** Counts rows a sweep changed, by transition (e.g. SCHEDULED→ONGOING), and rows it had to skip. */
  countSweepRows(kind: SweepKind, transition: string, rows: number): void;
  /** One HTTP request: `route` is the matched pattern (`/api/v1/bookings/:id`), not the path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface MetricsOptions {
  /** Also collect Node process metrics (CPU, memory, event loop). main.ts turns this on; tests leave it off. */
  readonly processMetrics?: boolean;
}

/** Seconds: request latencies are mostly milliseconds; sweeps may take seconds on a backlog. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const intents = new Counter({
    name: 'stint_intents_total',
    help: 'Intent outcomes recorded by the authority, by status and rejection code ("" when accepted).',
    labelNames: ['status', 'code'] as const,
    registers,
  });
  const sweepRuns = new Counter({
    name: 'stint_sweep_runs_total',
    help: 'Sweep runs by kind (stale, bookings), trigger (scheduler, cron, client) and result (ok, error).',
    labelNames: ['kind', 'trigger', 'result'] as const,
    registers,
  });
  const sweepDuration = new Histogram({
    name: 'stint_sweep_duration_seconds',
    help: 'Duration of sweep runs by kind.',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const sweepRows = new Counter({
    name: 'stint_sweep_rows_total',
    help: 'Rows changed by sweeps, by kind and transition; transition "failed" counts rows skipped because they could not be updated.',
    labelNames: ['kind', 'transition'] as const,
    registers,
  });
  const requests = new Histogram({
    name: 'stint_http_request_duration_seconds',
    help: 'HTTP request latency by method, matched route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });

  return {
    registry,
    recordOutcome: (outcome) => guarded(() => intents.inc({ status: outcome.status, code: outcome.code ?? '' })),
    observeSweep: (kind, trigger, seconds, result) =>
      guarded(() => {
        sweepRuns.inc({ kind, trigger, result });
        sweepDuration.observe({ kind }, seconds);
      }),
    countSweepRows: (kind, transition, rows) => guarded(() => (rows > 0 ? sweepRows.inc({ kind, transition }, rows) : undefined)),
    observeRequest: (method, route, status, seconds) =>
      guarded(() => requests.observe({ method, route, status: String(status) }, seconds)),
  };
}

/**
 * Runs a sweep and records its run and duration (invariant 3: the sweep's
 * own error is rethrown unchanged).
 */
export async function timeSweep<T>(metrics: Metrics, kind: SweepKind, trigger: SweepTrigger, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    const value = await run();
    metrics.observeSweep(kind, trigger, (performance.now() - start) / 1000, 'ok');
    return value;
  } catch (error) {
    metrics.observeSweep(kind, trigger, (performance.now() - start) / 1000, 'error');
    throw error;
  }
}

function guarded(record: () => void): void {
  try {
    record();
  } catch {
    // Observation only (invariant 3): a bad label value must not fail a request or a sweep.
  }
}
