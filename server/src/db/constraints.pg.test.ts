/**
 * The database itself holds the invariants it can (DESIGN §2: "enforced in
 * the shared rules AND, where a database can, by constraints"). These tests
 * bypass every rule and write rows directly.
 */
import { put } from '@stint/shared';
import type { Effect } from '@stint/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { SAMPLE_ROWS, SAMPLE_USERS } from '../testing/sample-rows.ts';
import { insertUser } from '../users/users.ts';
import { applyEffects } from './apply-effects.ts';
import { selectRows } from './rows.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const H = 3_600_000;
const T = Date.UTC(2026, 0, 17, 8, 0, 0);
const session = SAMPLE_ROWS.work_sessions;

beforeAll(async () => {
  for (const user of SAMPLE_USERS) await insertUser(db.sql, user);
  await applyAll([
    ...(Object.keys(SAMPLE_ROWS) as (keyof typeof SAMPLE_ROWS)[]).map((table) => put(table, SAMPLE_ROWS[table])),
    put('tasks', { ...SAMPLE_ROWS.tasks, id: 't-2' }),
  ]);
});

function applyAll(effects: Effect[]): Promise<void> {
  return db.sql.begin((tx) => applyEffects(tx, effects));
}

/** Applies in a transaction that is always rolled back, so tests do not leak rows into each other. */
async function attempt(effects: Effect[]): Promise<void> {
  const rollback = new Error('rollback');
  try {
    await db.sql.begin(async (tx) => {
      await applyEffects(tx, effects);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
}

const open = (id: string, overrides: Partial<typeof session> = {}) =>
  put('work_sessions', { ...session, id, started_at: T, last_heartbeat_at: T, ended_at: null, ended_reason: null, ...overrides });

describe('work session constraints', () => {
  test('I1: the database refuses a second open session on one task, whoever opens it', async () => {
    await expect(attempt([open('a'), open('b', { user_id: 'u-student' })])).rejects.toMatchObject({
      code: '23505',
      constraint_name: 'work_sessions_one_open_per_task',
    });
  });

  test('one open session per task does not stop open sessions on two tasks (multi-ongoing per user)', async () => {
    await expect(attempt([open('a'), open('b', { task_id: 't-2' })])).resolves.toBeUndefined();
  });

  test('I5: the database refuses overlapping closed sessions on one task', async () => {
    await expect(
      attempt([
        open('a', { ended_at: T + H, ended_reason: 'pause' }),
        open('b', { started_at: T + H / 2, ended_at: T + 2 * H, ended_reason: 'pause' }),
      ]),
    ).rejects.toMatchObject({ code: '23P01', constraint_name: 'work_sessions_no_overlap' });
  });

  test('I5: an open session may not start inside an earlier closed one', async () => {
    await expect(
      attempt([open('a', { ended_at: T + H, ended_reason: 'pause' }), open('b', { started_at: T + H - 1 })]),
    ).rejects.toMatchObject({ code: '23P01' });
  });

  test('back-to-back sessions on one task are fine', async () => {
    await expect(
      attempt([open('a', { ended_at: T + H, ended_reason: 'pause' }), open('b', { started_at: T + H })]),
    ).resolves.toBeUndefined();
  });

  test('I5: a session may not end before it starts', async () => {
    await expect(attempt([open('a', { ended_at: T - 1, ended_reason: 'pause' })])).rejects.toMatchObject({ code: '23514' });
  });

  test('an unknown end reason is refused', async () => {
    await expect(attempt([open('a', { ended_at: T + 1, ended_reason: 'lunch' as never })])).rejects.toMatchObject({
      code: '23514',
    });
  });
});

describe('procedure run constraints', () => {
  const run = SAMPLE_ROWS.procedure_runs;

  test('I7: the database refuses a second active run for a worker', async () => {
    await expect(attempt([put('procedure_runs', { ...run, id: 'run-2', status: 'paused' })])).rejects.toMatchObject({
      code: '23505',
      constraint_name: 'procedure_runs_one_active_per_worker',
    });
  });

  test('a completed run does not block the next one', async () => {
    await expect(
      attempt([
        put('procedure_runs', { ...run, status: 'completed', completed_at: run.started_at + H }),
        put('procedure_runs', { ...run, id: 'run-2' }),
      ]),
    ).resolves.toBeUndefined();
  });

  test('I7: a run must pin an existing SOP version', async () => {
    await expect(attempt([put('procedure_runs', { ...run, id: 'run-3', worker_id: 'u-student', sop_version: 9 })])).rejects.toMatchObject({
      code: '23503',
    });
  });
});

describe('audit log', () => {
  test('the database refuses an UPDATE of an audit entry', async () => {
    await expect(db.sql`UPDATE audit_log SET reason = 'rewritten' WHERE id = 'a-1'`).rejects.toMatchObject({
      code: 'P0001',
      message: expect.stringContaining('append-only') as unknown,
    });
  });

  test('the database refuses a DELETE and a TRUNCATE of the audit log', async () => {
    await expect(db.sql`DELETE FROM audit_log`).rejects.toMatchObject({ code: 'P0001' });
    await expect(db.sql`TRUNCATE audit_log`).rejects.toMatchObject({ code: 'P0001' });
    expect(await selectRows(db.sql, 'audit_log')).toHaveLength(1);
  });
});

describe('other checks', () => {
  test('a booking must end after it starts', async () => {
    const b = SAMPLE_ROWS.bookings;
    await expect(attempt([put('bookings', { ...b, end_time: b.start_time })])).rejects.toMatchObject({
      code: '23514',
      constraint_name: 'bookings_end_after_start',
    });
  });

  test('accumulated time and time spent are never negative', async () => {
    await expect(attempt([put('user_task_totals', { ...SAMPLE_ROWS.user_task_totals, accumulated_ms: -1 })])).rejects.toMatchObject({
      code: '23514',
    });
    await expect(attempt([put('tasks', { ...SAMPLE_ROWS.tasks, time_spent_ms: -1 })])).rejects.toMatchObject({ code: '23514' });
  });

  test.each([
    ['tasks', put('tasks', { ...SAMPLE_ROWS.tasks, status: 'paused' as never })],
    ['checklist_items', put('checklist_items', { ...SAMPLE_ROWS.checklist_items, status: 5 as never })],
    ['bookings', put('bookings', { ...SAMPLE_ROWS.bookings, status: 'LATE' as never })],
    ['procedure_runs', put('procedure_runs', { ...SAMPLE_ROWS.procedure_runs, status: 'stopped' as never })],
    ['safety_checks', put('safety_checks', { ...SAMPLE_ROWS.safety_checks, result: 'maybe' as never })],
    ['sop_versions', put('sop_versions', { ...SAMPLE_ROWS.sop_versions, status: 'final' as never })],
    ['audit_log', put('audit_log', { ...SAMPLE_ROWS.audit_log, id: 'a-x', source: 'rumour' as never })],
  ])('an unknown enum value in %s is refused', async (_table, effect) => {
    await expect(attempt([effect])).rejects.toMatchObject({ code: '23514' });
  });

  test('an unknown role is refused', async () => {
    await expect(db.sql`INSERT INTO users (id, name, role, created_at) VALUES ('x', 'X', 'root', now())`).rejects.toMatchObject({
      code: '23514',
    });
  });

  test('an applied intent has a code exactly when it was rejected', async () => {
    const insert = (status: string, code: string | null) => db.sql`
      INSERT INTO applied_intents (id, user_id, device_id, kind, received_at, status, code, created_at)
      VALUES (${`i-${status}-${String(code)}`}, 'u-worker', 'dev', 'work.start', now(), ${status}, ${code}, now())`;
    await expect(insert('rejected', null)).rejects.toMatchObject({ code: '23514' });
    await expect(insert('accepted', 'CONFLICT_CLAIMED')).rejects.toMatchObject({ code: '23514' });
    await expect(insert('sideways', null)).rejects.toMatchObject({ code: '23514' });
    await expect(insert('rejected', 'CONFLICT_CLAIMED')).resolves.toBeDefined();
  });
});
