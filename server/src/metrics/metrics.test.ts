import { describe, expect, test } from 'vitest';
import { SweepKind, createMetrics, timeSweep } from './metrics.ts';

/** The value of one sample line, e.g. `stint_intents_total{status="rejected",code="FORBIDDEN"}`. */
async function sample(metrics: ReturnType<typeof createMetrics>, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  test('intent outcomes are counted by status, and rejections by code', async () => {
    const m = createMetrics();
    m.recordOutcome({ status: 'accepted' });
    m.recordOutcome({ status: 'accepted' });
    m.recordOutcome({ status: 'accepted_with_adjustment' });
    m.recordOutcome({ status: 'rejected', code: 'FORBIDDEN' });
    m.recordOutcome({ status: 'rejected', code: 'CONFLICT_CLAIMED' });
    m.recordOutcome({ status: 'rejected', code: 'FORBIDDEN' });
    expect(await sample(m, 'stint_intents_total{status="accepted",code=""}')).toBe(2);
    expect(await sample(m, 'stint_intents_total{status="accepted_with_adjustment",code=""}')).toBe(1);
    expect(await sample(m, 'stint_intents_total{status="rejected",code="FORBIDDEN"}')).toBe(2);
    expect(await sample(m, 'stint_intents_total{status="rejected",code="CONFLICT_CLAIMED"}')).toBe(1);
  });

  test('each app instance has its own registry: two never see each other\'s counts', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordOutcome({ status: 'accepted' });
    expect(await sample(a, 'stint_intents_total{status="accepted",code=""}')).toBe(1);
    expect(await sample(b, 'stint_intents_total{status="accepted",code=""}')).toBeUndefined();
  });

  test('timeSweep counts a run and its duration per kind, and rethrows a failed sweep after counting it', async () => {
    const m = createMetrics();
    expect(await timeSweep(m, SweepKind.stale, 'scheduler', () => Promise.resolve('done'))).toBe('done');
    const boom = new Error('boom');
    await expect(timeSweep(m, SweepKind.bookings, 'cron', () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await sample(m, 'stint_sweep_runs_total{kind="stale",trigger="scheduler",result="ok"}')).toBe(1);
    expect(await sample(m, 'stint_sweep_runs_total{kind="bookings",trigger="cron",result="error"}')).toBe(1);
    expect(await sample(m, 'stint_sweep_duration_seconds_count{kind="stale"}')).toBe(1);
    expect(await sample(m, 'stint_sweep_duration_seconds_count{kind="bookings"}')).toBe(1);
  });

  test('rows changed by sweeps are counted by transition; zero adds no series', async () => {
    const m = createMetrics();
    m.countSweepRows(SweepKind.bookings, 'SCHEDULED→ONGOING', 3);
    m.countSweepRows(SweepKind.bookings, 'failed', 0);
    expect(await sample(m, 'stint_sweep_rows_total{kind="bookings",transition="SCHEDULED→ONGOING"}')).toBe(3);
    expect(await sample(m, 'stint_sweep_rows_total{kind="bookings",transition="failed"}')).toBeUndefined();
  });

  test('HTTP latency is a histogram by method, route pattern and status', async () => {
    const m = createMetrics();
    m.observeRequest('GET', '/api/v1/bookings/:id', 200, 0.003);
    m.observeRequest('GET', '/api/v1/bookings/:id', 200, 0.2);
    expect(await sample(m, 'stint_http_request_duration_seconds_count{method="GET",route="/api/v1/bookings/:id",status="200"}')).toBe(2);
    expect(await sample(m, 'stint_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/bookings/:id",status="200"}')).toBe(1);
  });

  test('process metrics are opt-in (main.ts), so tests do not start collectors per app', async () => {
    expect(await createMetrics().registry.metrics()).not.toContain('process_cpu');
    expect(await createMetrics({ processMetrics: true }).registry.metrics()).toContain('process_cpu');
  });
});
