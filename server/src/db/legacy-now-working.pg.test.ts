/**
 * The old "Now Working" model (user_now_working, user_task_now_working_time)
 * moves into work sessions and totals, keeping every accumulated second, and
 * disappears. Validated on an empty database and with fixtures.
 * Migrated totals are backed by synthetic closed sessions ('migrated'), so
 * the consistency query (I1–I5) holds after every case.
 */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import type { TestDatabase } from '../testing/create-test-database.ts';
import { checkConsistency } from './consistency.ts';
import { MIGRATIONS_DIR, migrate } from './migrate.ts';
import { selectRows } from './rows.ts';

const at = (hhmm: string): number => Date.parse(`2026-01-16T${hhmm}:00Z`);
const S = 1000;

/** The synthetic sessions the migration made, as [task, user, started_at, ended_at]. */
async function migratedSessions(db: TestDatabase): Promise<[string, string, number, number | null][]> {
  const rows = await selectRows(db.sql, 'work_sessions', { ended_reason: 'migrated' });
  for (const row of rows) expect(row).toMatchObject({ zone: 'UTC', offline: false, last_heartbeat_at: row.ended_at });
  return rows.map((r) => [r.task_id, r.user_id, r.started_at, r.ended_at]);
}
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ empty: true });
  databases.push(db);
  return db;
}

async function legacyTablesLeft(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ name: string | null }[]>`
    SELECT to_regclass('user_now_working')::text AS name
    UNION ALL SELECT to_regclass('user_task_now_working_time')::text`;
  return rows.flatMap((r) => (r.name === null ? [] : [r.name]));
}

/** Every migration before the legacy data migration, in a directory of their own. */
async function migrationsBeforeLegacy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stint-migrations-'));
  for (const file of await readdir(MIGRATIONS_DIR)) {
    if (!file.includes('legacy')) await copyFile(join(MIGRATIONS_DIR, file), join(dir, file));
  }
  return dir;
}

describe('legacy now-working migration', () => {
  test('on an empty database it creates nothing and leaves no legacy tables', async () => {
    const db = await emptyDatabase();
    await migrate(db.url);
    expect(await legacyTablesLeft(db)).toEqual([]);
    expect(await selectRows(db.sql, 'user_task_totals')).toEqual([]);
    expect(await selectRows(db.sql, 'work_sessions')).toEqual([]);
    expect(await checkConsistency(db.sql)).toEqual([]);
  });

  test('fixtures: every accumulated second is kept, the active session migrates, the legacy tables are gone', async () => {
    const db = await emptyDatabase();
    await db.sql.unsafe(`
      CREATE TABLE user_task_now_working_time (
        user_id integer NOT NULL, task_id integer NOT NULL, accumulated_s integer NOT NULL,
        PRIMARY KEY (user_id, task_id));
      CREATE TABLE user_now_working (
        user_id integer PRIMARY KEY, task_id integer, project_id integer,
        started_at timestamptz, updated_at timestamptz NOT NULL);
      INSERT INTO user_task_now_working_time VALUES (1, 10, 420), (1, 11, 3600), (2, 10, 15), (3, 12, 0);
      INSERT INTO user_now_working VALUES
        (1, 10, 7, '2026-01-16T12:00:00Z', '2026-01-16T12:05:00Z'),
        (2, 11, 7, '2026-01-16T11:00:00Z', '2026-01-16T11:59:00Z'),
        (4, NULL, NULL, NULL, '2026-01-16T09:00:00Z');
    `);
    const legacySeconds = 420 + 3600 + 15 + 0;

    await migrate(db.url);

    expect(await legacyTablesLeft(db)).toEqual([]);
    const totals = await selectRows(db.sql, 'user_task_totals');
    expect(totals.map(({ user_id, task_id, accumulated_ms }) => ({ user_id, task_id, accumulated_ms }))).toEqual([
      { user_id: '1', task_id: '10', accumulated_ms: 420_000 },
      { user_id: '1', task_id: '11', accumulated_ms: 3_600_000 },
      { user_id: '2', task_id: '10', accumulated_ms: 15_000 },
      { user_id: '3', task_id: '12', accumulated_ms: 0 },
    ]);
    expect(totals.reduce((sum, t) => sum + t.accumulated_ms, 0)).toBe(legacySeconds * 1000);

    const sessions = await selectRows(db.sql, 'work_sessions', { ended_at: null });
    expect(sessions.map(({ task_id, user_id, started_at, last_heartbeat_at, ended_reason }) => ({
      task_id, user_id, started_at, last_heartbeat_at, ended_reason,
    }))).toEqual([
      { task_id: '10', user_id: '1', started_at: at('12:00'), last_heartbeat_at: at('12:05'), ended_reason: null },
      { task_id: '11', user_id: '2', started_at: at('11:00'), last_heartbeat_at: at('11:59'), ended_reason: null },
    ]);

    const tasks = await selectRows(db.sql, 'tasks');
    expect(tasks.map(({ id, status, claimed_by, assigned_at, time_spent_ms }) => ({
      id, status, claimed_by, assigned_at, time_spent_ms,
    }))).toEqual([
      // I2 and I3: a task with an open session is in progress and claimed by the session's user.
      { id: '10', status: 'in-progress', claimed_by: '1', assigned_at: at('12:00'), time_spent_ms: 435_000 },
      { id: '11', status: 'in-progress', claimed_by: '2', assigned_at: at('11:00'), time_spent_ms: 3_600_000 },
      { id: '12', status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0 },
    ]);
    // User 4 was working on nothing: nothing to migrate for them.
    expect((await selectRows(db.sql, 'users')).map((u) => u.id)).toEqual(['1', '2', '3']);

    // Every migrated second is a closed session, stacked before the task's open session, users in id order.
    expect((await migratedSessions(db)).sort()).toEqual([
      ['10', '1', at('12:00') - 435 * S, at('12:00') - 15 * S],
      ['10', '2', at('12:00') - 15 * S, at('12:00')],
      ['11', '1', at('10:00'), at('11:00')],
    ].sort());
    expect(await checkConsistency(db.sql)).toEqual([]);
  });

  test('fixtures against existing tasks: active rows that would break an invariant are credited as elapsed time', async () => {
    const db = await emptyDatabase();
    const partial = await migrationsBeforeLegacy();
    try {
      await migrate(db.url, { migrationsDir: partial });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    await db.sql.unsafe(`
      INSERT INTO users (id, name, role, created_at) VALUES
        ('5', 'Ana', 'worker', now()), ('6', 'Bo', 'worker', now()), ('7', 'Cy', 'worker', now()),
        ('8', 'Di', 'worker', now()), ('9', 'Ed', 'worker', now());
      INSERT INTO tasks (id, title, status, claimed_by, assigned_at, time_spent_ms, created_at, updated_at) VALUES
        ('20', 'Shared task', 'todo', NULL, NULL, 1000, now(), now()),
        ('21', 'Finished task', 'done', '7', now(), 0, now(), now()),
        ('22', 'Claimed by Di', 'todo', '8', now(), 0, now(), now());
      -- Task 20's existing second of work, already a session (I4 holds before the migration).
      INSERT INTO work_sessions (id, task_id, user_id, started_at, last_heartbeat_at, ended_at, ended_reason, zone, offline, created_at)
        VALUES ('s-20', '20', '5', '2026-01-16T11:00:00Z', '2026-01-16T11:00:01Z', '2026-01-16T11:00:01Z', 'pause', 'UTC', false, now());
      INSERT INTO user_task_totals (user_id, task_id, accumulated_ms, updated_at) VALUES ('5', '20', 1000, now());
      -- Legacy timestamps without a time zone are UTC.
      CREATE TABLE user_now_working (
        user_id bigint PRIMARY KEY, task_id bigint, project_id bigint,
        started_at timestamp NOT NULL, updated_at timestamp NOT NULL);
      CREATE TABLE user_task_now_working_time (user_id bigint, task_id bigint, accumulated_s bigint);
      INSERT INTO user_now_working VALUES
        (5, 20, 1, '2026-01-16 12:00:00', '2026-01-16 12:10:00'),
        (6, 20, 1, '2026-01-16 12:15:00', '2026-01-16 12:20:00'),
        (7, 21, 1, '2026-01-16 12:00:00', '2026-01-16 12:01:00'),
        (9, 22, 1, '2026-01-16 12:00:00', '2026-01-16 12:00:30');
      INSERT INTO user_task_now_working_time VALUES (5, 20, 60), (6, 20, 5);
    `);

    expect(await checkConsistency(db.sql)).toEqual([]);
    const before = Date.now();

    await migrate(db.url);

    expect(await legacyTablesLeft(db)).toEqual([]);
    const open = await selectRows(db.sql, 'work_sessions', { ended_at: null });
    // I1: one open session on task 20, for the most recently active user.
    expect(open.map((s) => [s.task_id, s.user_id, s.started_at])).toEqual([['20', '6', at('12:15')]]);
    const totals = await selectRows(db.sql, 'user_task_totals');
    expect(totals.map((t) => [t.user_id, t.task_id, t.accumulated_ms])).toEqual([
      ['5', '20', 1000 + 60_000 + 600_000], // its second, 60 s accumulated + 10 min of work not yet counted
      ['6', '20', 5_000],
      ['7', '21', 60_000], // the task is done: no session, the minute is kept
      ['9', '22', 30_000], // claimed by someone else (I3): no session, the 30 s are kept
    ]);
    const tasks = await selectRows(db.sql, 'tasks');
    expect(tasks.map((t) => [t.id, t.status, t.claimed_by, t.time_spent_ms])).toEqual([
      ['20', 'in-progress', '6', 1000 + 665_000],
      ['21', 'done', '7', 60_000],
      ['22', 'todo', '8', 30_000],
    ]);

    // Task 20's stack ends where its existing session starts (11:00); tasks without sessions end at the migration time.
    const migrated = await migratedSessions(db);
    expect(migrated.filter(([task]) => task === '20')).toEqual([
      ['20', '5', at('11:00') - 665 * S, at('11:00') - 5 * S],
      ['20', '6', at('11:00') - 5 * S, at('11:00')],
    ]);
    const others = migrated.filter(([task]) => task !== '20');
    expect(others.map(([task, user, start, end]) => [task, user, (end ?? 0) - start])).toEqual([
      ['21', '7', 60_000],
      ['22', '9', 30_000],
    ]);
    for (const [, , , end] of others) {
      expect(end).toBeGreaterThanOrEqual(before - 1000);
      expect(end).toBeLessThanOrEqual(Date.now());
    }
    expect(await checkConsistency(db.sql)).toEqual([]);
  });
});
