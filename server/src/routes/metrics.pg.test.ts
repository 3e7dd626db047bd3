import { HOUR } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const CRON_SECRET = 'metrics-cron-secret-0123456789ab';
const t = createTestApp(db, { env: { CRON_SECRET } });

async function scrape(): Promise<string> {
  const res = await t.request('GET', '/metrics');
  expect(res.status).toBe(200);
  return res.body as string;
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test('answers the Prometheus text format without a token', async () => {
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE stint_http_request_duration_seconds histogram');
    expect(res.body).toContain('# TYPE stint_intents_total counter');
  });

  test('request latency is labelled with the route pattern, never the raw path or id', async () => {
    const { token } = await t.signIn('supervisor');
    await t.request('GET', '/api/v1/bookings/some-id-1', { token });
    await t.request('GET', '/api/v1/bookings/some-id-2', { token });
    await t.request('GET', '/no/such/route');
    const text = await scrape();
    expect(value(text, 'stint_http_request_duration_seconds_count{method="GET",route="/api/v1/bookings/:id",status="404"}')).toBe(2);
    expect(value(text, 'stint_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain('some-id-1');
  });

  test('refused requests are measured with their status too', async () => {
    await t.request('POST', '/api/admin/update-session-status');
    expect(value(await scrape(), 'stint_http_request_duration_seconds_count{method="POST",route="/api/admin/update-session-status",status="401"}')).toBe(1);
  });

  test('booking sweeps are counted and timed per trigger', async () => {
    const { token } = await t.signIn('worker');
    await t.request('POST', '/api/admin/update-session-status', { token });
    await t.request('GET', '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    await t.request('GET', '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    const text = await scrape();
    expect(value(text, 'stint_sweep_runs_total{kind="bookings",trigger="client",result="ok"}')).toBe(1);
    expect(value(text, 'stint_sweep_runs_total{kind="bookings",trigger="cron",result="ok"}')).toBe(2);
    expect(value(text, 'stint_sweep_duration_seconds_count{kind="bookings"}')).toBe(3);
  });

  test('rows the sweep changed are counted by transition', async () => {
    const { user: mentor } = await t.signIn('worker');
    await db.sql`
      INSERT INTO bookings (id, mentor_id, student_id, start_time, end_time, status, is_delayed, updated_at)
      VALUES ('metric-due', ${mentor.id}, ${mentor.id}, ${new Date(TEST_EPOCH - HOUR)}, ${new Date(TEST_EPOCH + HOUR)}, 'SCHEDULED', false, ${new Date(TEST_EPOCH - HOUR)})`;
    await t.request('POST', '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(value(await scrape(), 'stint_sweep_rows_total{kind="bookings",transition="SCHEDULED→ONGOING"}')).toBe(1);
  });
});

describe('structured logs', () => {
  test('every request writes one JSON line with its request id (also sent as X-Request-Id), method, path, status and duration', async () => {
    const res = await t.request('GET', '/healthz');
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const lines = t.logs.filter((l) => l['request_id'] === id);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) as unknown }),
    ]);
  });

  test('a sweep that changed something logs a summary under the request id of its trigger', async () => {
    const { user } = await t.signIn('worker');
    await db.sql`
      INSERT INTO bookings (id, mentor_id, student_id, start_time, end_time, status, is_delayed, updated_at)
      VALUES ('log-due', ${user.id}, ${user.id}, ${new Date(TEST_EPOCH - HOUR)}, ${new Date(TEST_EPOCH + HOUR)}, 'SCHEDULED', false, ${new Date(TEST_EPOCH - HOUR)})`;
    const res = await t.request('POST', '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(t.logs).toContainEqual(
      expect.objectContaining({ msg: 'booking sweep', trigger: 'cron', started: 1, request_id: res.headers.get('x-request-id') }),
    );
  });
});
