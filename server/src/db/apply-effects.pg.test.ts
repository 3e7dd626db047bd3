import { put } from '@stint/shared';
import type { Effect, TableName, Tables } from '@stint/shared';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { SAMPLE_ROWS, SAMPLE_USERS } from '../testing/sample-rows.ts';
import { insertUser } from '../users/users.ts';
import { APPLY_ORDER, applyEffects, orderForApply } from './apply-effects.ts';
import { selectRow, selectRows } from './rows.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const TABLES = Object.keys(SAMPLE_ROWS) as TableName[];
const allPuts = (): Effect[] => TABLES.map((table) => put(table, SAMPLE_ROWS[table]));

beforeEach(async () => {
  await db.sql`TRUNCATE safety_checks, procedure_runs, sop_versions, sops, bookings, user_task_totals,
    work_sessions, checklist_items, tasks, users CASCADE`;
  // audit_log refuses TRUNCATE (append-only); entries get fresh ids per test instead.
  for (const user of SAMPLE_USERS) await insertUser(db.sql, user);
});

let auditSerial = 0;
function withFreshAudit(effects: Effect[]): Effect[] {
  auditSerial += 1;
  return effects.map((e) => (e.table === 'audit_log' ? put('audit_log', { ...e.row, id: `a-${auditSerial}` }) : e));
}

describe('applyEffects', () => {
  test('APPLY_ORDER names every table once', () => {
    expect([...APPLY_ORDER].sort()).toEqual([...TABLES].sort());
  });

  test.each(TABLES)('a put into %s reads back as the same row', async (table) => {
    const effects = withFreshAudit(allPuts());
    await db.sql.begin((tx) => applyEffects(tx, effects));
    const expected = effects.find((e) => e.table === table)?.row as Tables[typeof table];
    const rows = await selectRows(db.sql, table, table === 'audit_log' ? { id: (expected as Tables['audit_log']).id } : {});
    expect(rows).toEqual([expected]);
  });

  test('a second put with the same key replaces every non-key column', async () => {
    await db.sql.begin((tx) => applyEffects(tx, withFreshAudit(allPuts())));
    const changed = {
      ...SAMPLE_ROWS.tasks,
      title: 'Inspect pump 8',
      status: 'done' as const,
      claimed_by: null,
      assigned_at: null,
      time_spent_ms: 2 ** 40,
      updated_at: SAMPLE_ROWS.tasks.updated_at + 1,
    };
    const changedVersion = { ...SAMPLE_ROWS.sop_versions, tasks: [], confirmed_at: null, status: 'draft' as const };
    await db.sql.begin((tx) => applyEffects(tx, [put('tasks', changed), put('sop_versions', changedVersion)]));
    expect(await selectRow(db.sql, 'tasks', { id: 't-1' })).toEqual(changed);
    expect(await selectRow(db.sql, 'sop_versions', { sop_id: 'sop-1', version: 1 })).toEqual(changedVersion);
  });

  test('effects listed children first still apply (parents go first across tables)', async () => {
    const reversed = withFreshAudit(allPuts()).reverse();
    await db.sql.begin((tx) => applyEffects(tx, reversed));
    expect(await selectRows(db.sql, 'safety_checks')).toEqual([SAMPLE_ROWS.safety_checks]);
  });

  test('within one table the given order is kept: close a session, then open the next', async () => {
    await db.sql.begin((tx) => applyEffects(tx, withFreshAudit(allPuts())));
    const open = { ...SAMPLE_ROWS.work_sessions, id: 'ws-2', started_at: 1_800_000_000_000, ended_at: null, ended_reason: null };
    const second = { ...open, id: 'ws-3', started_at: 1_800_000_100_000 };
    const closeOpen = { ...open, ended_at: second.started_at, ended_reason: 'pause' as const };
    await db.sql.begin((tx) => applyEffects(tx, [put('work_sessions', open), put('work_sessions', closeOpen), put('work_sessions', second)]));
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: 't-1', ended_at: null });
    expect(sessions.map((s) => s.id)).toEqual(['ws-3']);
  });

  test('orderForApply is a stable sort by table', () => {
    const a = put('work_sessions', { ...SAMPLE_ROWS.work_sessions, id: 'a' });
    const b = put('work_sessions', { ...SAMPLE_ROWS.work_sessions, id: 'b' });
    const t = put('tasks', SAMPLE_ROWS.tasks);
    expect(orderForApply([a, t, b])).toEqual([t, a, b]);
  });

  test('putting an existing audit entry again fails: the log is append-only', async () => {
    const [audit] = withFreshAudit([put('audit_log', SAMPLE_ROWS.audit_log)]);
    if (audit === undefined) throw new Error('no audit effect');
    await db.sql.begin((tx) => applyEffects(tx, [audit]));
    await expect(db.sql.begin((tx) => applyEffects(tx, [audit]))).rejects.toMatchObject({ code: '23505' });
  });

  test('a put that breaks a constraint rolls back the whole transaction', async () => {
    const orphan = { ...SAMPLE_ROWS.checklist_items, id: 'ci-orphan', task_id: 'no-such-task' };
    await expect(
      db.sql.begin((tx) => applyEffects(tx, [put('tasks', { ...SAMPLE_ROWS.tasks, id: 't-new' }), put('checklist_items', orphan)])),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await selectRow(db.sql, 'tasks', { id: 't-new' })).toBeUndefined();
  });
});

describe('row readers', () => {
  test('selectRows filters by equality, IS NULL and IN', async () => {
    await db.sql.begin((tx) => applyEffects(tx, withFreshAudit(allPuts())));
    const other = { ...SAMPLE_ROWS.tasks, id: 't-2', claimed_by: null };
    await db.sql.begin((tx) => applyEffects(tx, [put('tasks', other)]));
    expect((await selectRows(db.sql, 'tasks', { claimed_by: null })).map((t) => t.id)).toEqual(['t-2']);
    expect((await selectRows(db.sql, 'tasks', { id: ['t-2', 't-1', 'nope'] })).map((t) => t.id)).toEqual(['t-1', 't-2']);
    expect((await selectRows(db.sql, 'tasks', { status: 'on-hold', claimed_by: 'u-worker' })).map((t) => t.id)).toEqual(['t-1']);
    expect(await selectRows(db.sql, 'work_sessions', { started_at: SAMPLE_ROWS.work_sessions.started_at })).toEqual([
      SAMPLE_ROWS.work_sessions,
    ]);
  });

  test('selectRows refuses a column the table does not have', async () => {
    await expect(selectRows(db.sql, 'tasks', { nope: 1 } as never)).rejects.toThrow('unknown column nope');
  });
});
