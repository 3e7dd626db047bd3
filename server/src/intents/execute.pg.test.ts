/**
 * The intent executor's own guarantees (execute.ts invariants 1–7) on real
 * Postgres: what the database cannot hold is a rejected intent, not a 5xx;
 * constraints the rules did not foresee are conflicts; locks never make one
 * person's batches wait on each other; REST calls go through the same path.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '@stint/shared';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';
import { readStoredOutcome } from './outcomes.ts';
import { apply, intentAt, pushOk, pushOne } from './testing.ts';
import { API_DEVICE_ID, runIntent } from './run-intent.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const T = TEST_EPOCH;
const H = 3_600_000;
const t = createTestApp(db);
let boss: { token: string; id: string };
let ana: { token: string; id: string };
let bo: { token: string; id: string };

beforeAll(async () => {
  const users = await Promise.all([t.signIn('supervisor'), t.signIn('worker'), t.signIn('worker')]);
  [boss, ana, bo] = users.map((u) => ({ token: u.token, id: u.user.id })) as [typeof boss, typeof ana, typeof bo];
});

describe('intent executor: values and constraints', () => {
  test('a time Postgres cannot store (a booking in the year 0) rejects that intent INVALID_INTENT and the batch goes on', async () => {
    const bad = intentAt('booking.create', { booking_id: `b-${randomUUID()}`, mentor_id: ana.id, student_id: bo.id, start_time: '0000-03-01T10:00:00Z', end_time: '0000-03-01T11:00:00Z' }, T);
    const good = intentAt('booking.create', { booking_id: `b-${randomUUID()}`, mentor_id: ana.id, student_id: bo.id, start_time: '2026-01-17T10:00:00Z', end_time: '2026-01-17T11:00:00Z' }, T);
    const outcomes = await pushOk(t, boss.token, [bad, good]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'accepted']);
    expect(outcomes[0]).toMatchObject({ code: 'INVALID_INTENT' });
    expect(await selectRows(db.sql, 'bookings', { id: bad.args.booking_id })).toEqual([]);
    expect(await selectRows(db.sql, 'bookings', { id: good.args.booking_id })).toHaveLength(1);
  });

  test('a constraint no rule foresaw (a booking for a user that does not exist) is CONFLICT_INVALID_STATE, never a 5xx', async () => {
    const intent = intentAt('booking.create', { booking_id: `b-${randomUUID()}`, mentor_id: 'nobody', student_id: bo.id, start_time: '2026-01-17T10:00:00Z', end_time: '2026-01-17T11:00:00Z' }, T);
    const outcome = await pushOne(t, boss.token, intent);
    expect(outcome).toMatchObject({ status: 'rejected', code: 'CONFLICT_INVALID_STATE', details: { constraint: expect.any(String) } });
    expect(await readStoredOutcome(db.sql, intent.id)).toMatchObject({ status: 'rejected', code: 'CONFLICT_INVALID_STATE' });
  });

  test('a title with a NUL character is INVALID_INTENT and stored without its args', async () => {
    const intent = intentAt('task.create', { task_id: `task-${randomUUID()}`, title: 'Pump\u0000seal' }, T);
    expect(await pushOne(t, boss.token, intent)).toMatchObject({ status: 'rejected', code: 'INVALID_INTENT' });
    expect(await readStoredOutcome(db.sql, intent.id)).toMatchObject({ kind: 'task.create', args: null });
    expect(await selectRows(db.sql, 'tasks', { id: intent.args.task_id })).toEqual([]);
  });
});

describe('intent executor: defects', () => {
  test('a rule that throws on corrupt stored data rejects only that intent INTERNAL, logs the cause, and the batch goes on', async () => {
    const sop = `sop-${randomUUID()}`;
    const now = new Date(T);
    // A confirmed version whose task has no steps array: nothing the rules can write, only a bad migration or hand edit.
    await db.sql`INSERT INTO sops (id, title, latest_version, created_by, deleted_at, created_at, updated_at)
                 VALUES (${sop}, 'Corrupt', 1, ${boss.id}, NULL, ${now}, ${now})`;
    await db.sql`INSERT INTO sop_versions (sop_id, version, title, status, tasks, created_at, confirmed_at)
                 VALUES (${sop}, 1, 'Corrupt', 'confirmed', ${db.sql.json([{ id: 'x', title: 'No steps' }])}, ${now}, ${now})`;
    const task = `task-${randomUUID()}`;
    const start = intentAt('run.start', { session_id: `run-${randomUUID()}`, sop_id: sop }, T);
    const create = intentAt('task.create', { task_id: task, title: 'After the bad one' }, T);
    const logsBefore = t.logs.length;
    const outcomes = await pushOk(t, boss.token, [start, create]);
    expect(outcomes).toMatchObject([{ status: 'rejected', code: 'INTERNAL' }, { status: 'accepted' }]);
    expect(await selectRows(db.sql, 'tasks', { id: task })).toHaveLength(1);
    expect(await selectRows(db.sql, 'procedure_runs', { sop_id: sop })).toEqual([]);
    const logged = t.logs.slice(logsBefore).filter((l) => l['msg'] === 'intent rejected by an internal error');
    expect(logged).toMatchObject([{ level: 'error', intent_id: start.id, err: { type: 'TypeError' } }]);
    // Recorded: a resend answers the same instead of failing again.
    expect(await pushOne(t, boss.token, start)).toEqual(outcomes[0]);
  });
});

describe('intent executor: locks', () => {
  test('run.start is not held up by another in-flight batch of the same person (user row locked FOR NO KEY UPDATE)', async () => {
    const sop = `sop-${randomUUID()}`;
    await apply(t, boss.token, 'sop.create', { sop_id: sop, title: 'Lockout', tasks: [{ title: 'Isolate', steps: [{ title: 'Open breaker' }] }] });
    await apply(t, boss.token, 'sop.confirm', { sop_id: sop });
    const worker = await t.signIn('worker');
    const holder = await db.sql.reserve();
    try {
      // What every intent of an open batch holds on its author: the applied_intents foreign key's KEY SHARE lock.
      await holder`BEGIN`;
      await holder`SELECT 1 FROM users WHERE id = ${worker.user.id} FOR KEY SHARE`;
      const started = pushOne(t, worker.token, intentAt('run.start', { session_id: `run-${randomUUID()}`, sop_id: sop }, T));
      const winner = await Promise.race([started.then(() => 'push'), new Promise((resolve) => setTimeout(() => resolve('timeout'), 3_000))]);
      expect(winner).toBe('push');
      expect(await started).toMatchObject({ status: 'accepted' });
    } finally {
      await holder`COMMIT`;
      holder.release();
    }
  });

  test('two devices starting runs for one person at once: one run, the other ACTIVE_SESSION_EXISTS naming it', async () => {
    const sop = `sop-${randomUUID()}`;
    await apply(t, boss.token, 'sop.create', { sop_id: sop, title: 'Lockout', tasks: [{ title: 'Isolate', steps: [{ title: 'Open breaker' }] }] });
    await apply(t, boss.token, 'sop.confirm', { sop_id: sop });
    const worker = await t.signIn('worker');
    const runs = [`run-${randomUUID()}`, `run-${randomUUID()}`];
    const outcomes = await Promise.all(
      runs.map((run, i) => pushOne(t, worker.token, intentAt('run.start', { session_id: run, sop_id: sop }, T), { device_id: `device-${i}` })),
    );
    const accepted = outcomes.filter((o) => o.status === 'accepted');
    expect(accepted).toHaveLength(1);
    const winner = runs[outcomes.indexOf(accepted[0] as never)];
    expect(outcomes.filter((o) => o.status === 'rejected')).toMatchObject([{ code: 'ACTIVE_SESSION_EXISTS', details: { existing_session_id: winner } }]);
    expect(await selectRows(db.sql, 'procedure_runs', { worker_id: worker.user.id })).toHaveLength(1);
  });
});

describe('intent executor: REST calls (runIntent)', () => {
  test('runIntent applies through the executor at server time and records the intent under device "api"', async () => {
    const task = `task-${randomUUID()}`;
    t.clock.set(T + H);
    const ran = await runIntent({ sql: db.sql, clock: t.clock, config: t.config }, { id: boss.id, role: 'supervisor' }, 'task.create', { task_id: task, title: 'From REST' });
    expect(ran.outcome).toEqual({ id: ran.id, status: 'accepted', effective_at: new Date(T + H).toISOString() });
    expect(await readStoredOutcome(db.sql, ran.id)).toMatchObject({ device_id: API_DEVICE_ID, time_source: 'server', sent_at: null });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ title: 'From REST', created_at: T + H });
  });

  test('runIntent throws a rejection as its DomainError', async () => {
    const attempt = runIntent({ sql: db.sql, clock: t.clock, config: t.config }, { id: ana.id, role: 'worker' }, 'task.create', { task_id: `task-${randomUUID()}`, title: 'Not mine to make' });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
