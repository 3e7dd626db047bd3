/**
 * The consistency query finds every kind of violation it claims to (so a
 * clean result elsewhere means something), and nothing on consistent data.
 * Broken states bypass the rules (and, for I1 and I5, drop the constraint
 * that would refuse them) inside a transaction that is always rolled back.
 */
import { put } from '@stint/shared';
import type { Effect, TaskRow, UserTaskTotalRow, WorkSessionRow } from '@stint/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { insertUser } from '../users/users.ts';
import { applyEffects } from './apply-effects.ts';
import { checkConsistency } from './consistency.ts';
import type { ConsistencyViolation } from './consistency.ts';
import type { Tx } from './sql.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const T = Date.UTC(2026, 0, 16, 12, 0, 0);
const MIN = 60_000;

beforeAll(async () => {
  for (const id of ['w1', 'w2']) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T });
});

function task(id: string, overrides: Partial<TaskRow> = {}): Effect {
  return put('tasks', { id, title: id, status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0, created_at: T, updated_at: T, ...overrides });
}

function session(id: string, task_id: string, user_id: string, started_at: number, ended_at: number | null): Effect {
  const row: WorkSessionRow = {
    id, task_id, user_id, started_at, last_heartbeat_at: ended_at ?? started_at, ended_at,
    ended_reason: ended_at === null ? null : 'pause', zone: 'UTC', offline: false, created_at: started_at,
    closed_at: ended_at, extended_by_owner: false,
  };
  return put('work_sessions', row);
}

function total(user_id: string, task_id: string, accumulated_ms: number): Effect {
  const row: UserTaskTotalRow = { user_id, task_id, accumulated_ms, updated_at: T };
  return put('user_task_totals', row);
}

/** Writes the rows (after `prepare`), runs the query, and rolls everything back. */
async function violationsOf(effects: Effect[], prepare?: (tx: Tx) => Promise<unknown>): Promise<ConsistencyViolation[]> {
  const rollback = new Error('rollback');
  let found: ConsistencyViolation[] = [];
  await db.sql
    .begin(async (tx) => {
      if (prepare) await prepare(tx);
      await applyEffects(tx, effects);
      found = await checkConsistency(tx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return found;
}

const invariants = (found: ConsistencyViolation[]): [string, string][] => found.map((v) => [v.invariant, v.entity_id]);

describe('consistency query', () => {
  test('consistent tasks, sessions and totals have no violations', async () => {
    expect(
      await violationsOf([
        task('a', { status: 'in-progress', claimed_by: 'w1', assigned_at: T, time_spent_ms: 3 * MIN + 1 }),
        session('a1', 'a', 'w1', T, T + MIN),
        session('a2', 'a', 'w2', T + MIN, T + 3 * MIN + 1),
        session('a3', 'a', 'w1', T + 3 * MIN + 1, null),
        total('w1', 'a', MIN),
        total('w2', 'a', 2 * MIN + 1),
        task('b', { time_spent_ms: 0 }),
        total('w1', 'b', 0),
      ]),
    ).toEqual([]);
  });

  test('I1: two open sessions on one task', async () => {
    const found = await violationsOf(
      [task('a', { status: 'in-progress', claimed_by: 'w1' }), session('a1', 'a', 'w1', T, null), session('a2', 'a', 'w2', T + MIN, null)],
      async (tx) => {
        await tx`DROP INDEX work_sessions_one_open_per_task`;
        await tx`ALTER TABLE work_sessions DROP CONSTRAINT IF EXISTS work_sessions_no_overlap`;
      },
    );
    expect(invariants(found)).toContainEqual(['I1', 'a']);
  });

  test('I2: in-progress without an open session, and an open session on a task that is not in progress', async () => {
    const found = await violationsOf([
      task('a', { status: 'in-progress', claimed_by: 'w1' }),
      task('b', { status: 'on-hold', claimed_by: 'w1' }),
      session('b1', 'b', 'w1', T, null),
    ]);
    expect(invariants(found)).toEqual([['I2', 'a'], ['I2', 'b']]);
  });

  test('I3: an open session of someone other than the claimer, or on an unclaimed task', async () => {
    const found = await violationsOf([
      task('a', { status: 'in-progress', claimed_by: 'w1' }),
      session('a1', 'a', 'w2', T, null),
      task('b', { status: 'in-progress', claimed_by: null }),
      session('b1', 'b', 'w1', T, null),
    ]);
    expect(invariants(found)).toEqual([['I3', 'a'], ['I3', 'b']]);
  });

  test('I4: time_spent that is not the sum of closed sessions, by a single millisecond', async () => {
    const found = await violationsOf([task('a', { time_spent_ms: MIN + 1 }), session('a1', 'a', 'w1', T, T + MIN), total('w1', 'a', MIN)]);
    expect(found).toEqual([{ invariant: 'I4', entity_id: 'a', message: 'time_spent_ms 60001 but closed sessions sum to 60000' }]);
  });

  test('I4: a total that is not the sum of its user’s closed sessions, a missing total, and a total without sessions', async () => {
    const found = await violationsOf([
      task('a', { time_spent_ms: 2 * MIN }),
      session('a1', 'a', 'w1', T, T + MIN),
      session('a2', 'a', 'w2', T + MIN, T + 2 * MIN),
      total('w1', 'a', 2 * MIN),
      task('b'),
      total('w2', 'b', 5),
    ]);
    expect(invariants(found)).toEqual([['I4', 'w1/a'], ['I4', 'w2/a'], ['I4', 'w2/b']]);
    expect(found.find((v) => v.entity_id === 'w2/a')?.message).toBe('accumulated_ms missing but closed sessions sum to 60000');
  });

  test('I5: overlapping sessions of one task', async () => {
    const found = await violationsOf(
      [task('a', { time_spent_ms: 4 * MIN }), session('a1', 'a', 'w1', T, T + 2 * MIN), session('a2', 'a', 'w1', T + MIN, T + 3 * MIN), total('w1', 'a', 4 * MIN)],
      (tx) => tx`ALTER TABLE work_sessions DROP CONSTRAINT IF EXISTS work_sessions_no_overlap`,
    );
    expect(invariants(found)).toEqual([['I5', 'a']]);
  });
});
