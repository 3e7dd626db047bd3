import { HOUR, put } from '@stint/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../clock.ts';
import { applyEffects } from '../db/apply-effects.ts';
import { createLogger } from '../log.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { insertUser } from '../users/users.ts';
import { runBookingSweep } from './run-booking-sweep.ts';
import { T0, booking } from './testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const logs: Record<string, unknown>[] = [];
const deps = {
  sql: db.sql,
  clock: manualClock(T0),
  logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
  metrics: createMetrics(),
};


beforeAll(async () => {
  for (const id of ['mentor', 'student']) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T0 - HOUR });
});

describe('runBookingSweep (the scheduler job body)', () => {
  test('sweeps at the clock\'s now, audits as the scheduler with no actor, counts and logs the run', async () => {
    await applyEffects(db.sql, [put('bookings', booking('due')), put('bookings', booking('later', { start_time: T0 + HOUR, end_time: T0 + 2 * HOUR }))]);
    deps.clock.set(T0 + 1);
    const report = await runBookingSweep(deps, 'scheduler');
    expect(report.updates.map((u) => u.id)).toEqual(['due']);
    const audit = await db.sql<{ source: string; actor_id: string | null; at: Date }[]>`SELECT source, actor_id, at FROM audit_log WHERE entity_id = 'due'`;
    expect(audit).toEqual([{ source: 'scheduler', actor_id: null, at: new Date(T0 + 1) }]);
    const text = await deps.metrics.registry.metrics();
    expect(text).toContain('stint_sweep_runs_total{kind="bookings",trigger="scheduler",result="ok"} 1');
    expect(text).toContain('stint_sweep_rows_total{kind="bookings",transition="SCHEDULED→ONGOING"} 1');
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'booking sweep', trigger: 'scheduler', started: 1, completed: 0, failed: 0 }));
  });

  test('a run that changes nothing logs nothing (the scheduler runs every 30 s)', async () => {
    logs.length = 0;
    await runBookingSweep(deps, 'scheduler');
    expect(logs).toEqual([]);
  });

  test('a failing sweep is counted as an error and rethrown, so the scheduler logs it and goes on', async () => {
    const broken = { ...deps, sql: { begin: () => Promise.reject(new Error('connection lost')) } as unknown as typeof db.sql };
    await expect(runBookingSweep(broken, 'scheduler')).rejects.toThrow('connection lost');
    expect(await deps.metrics.registry.metrics()).toContain('stint_sweep_runs_total{kind="bookings",trigger="scheduler",result="error"} 1');
  });
});
