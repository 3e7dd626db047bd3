/**
 * The set-based stale sweep against its reference, the shared `sweepStale`
 * (a heartbeat silence past the cutoff closes the session), on real Postgres:
 * random tables swept by SQL equal the reference's result row for row; a
 * second sweep changes nothing; a heartbeat in time keeps a session open; a
 * task an intent holds is skipped, never waited on; the consistency query
 * holds after a sweep over states made by real intents.
 */
import { randomUUID } from 'node:crypto';
import { TASK_STATUSES, applyEffects as applyInMemory, put, ruleContext, stateFrom, sweepStale } from '@stint/shared';
import type { Effect, RuleContext, State, TaskRow, UserTaskTotalRow, WorkSessionRow } from '@stint/shared';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { applyEffects } from '../db/apply-effects.ts';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { apply, intentAt, pushOk } from '../intents/testing.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';
import { insertUser } from '../users/users.ts';
import { sweepStaleSessions } from './stale-sessions.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const T = TEST_EPOCH;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const CUTOFF = 180 * S;
const USERS = ['u1', 'u2', 'u3'] as const;

beforeAll(async () => {
  for (const id of USERS) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T - 24 * H });
});

/** The tables the sweep touches, read back in key order. */
async function taskTables(): Promise<{ tasks: TaskRow[]; sessions: WorkSessionRow[]; totals: UserTaskTotalRow[] }> {
  const [tasks, sessions, totals] = await Promise.all([
    selectRows(db.sql, 'tasks'),
    selectRows(db.sql, 'work_sessions'),
    selectRows(db.sql, 'user_task_totals'),
  ]);
  return { tasks, sessions, totals };
}

function tablesOf(state: State): { tasks: TaskRow[]; sessions: WorkSessionRow[]; totals: UserTaskTotalRow[] } {
  const byKey = <R>(rows: Iterable<R>, key: (r: R) => string): R[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    tasks: byKey(state.tasks.values(), (t) => t.id),
    sessions: byKey(state.work_sessions.values(), (s) => s.id),
    totals: byKey(state.user_task_totals.values(), (t) => `${t.user_id}\u0000${t.task_id}`),
  };
}

const sweepCtx = (now: number): RuleContext => ruleContext('sweep', { now, actor: { user_id: 'scheduler', role: 'admin' } });

/** A task, its closed sessions before an optional open one, and some totals (consistent or not: the sweep only adds). */
const taskCase = fc.record({
  status: fc.constantFrom(...TASK_STATUSES),
  claimed: fc.option(fc.constantFrom(...USERS), { nil: null }),
  updatedAgo: fc.integer({ min: -10 * MIN, max: 3 * H }),
  timeSpent: fc.integer({ min: 0, max: 10 * H }),
  closed: fc.array(fc.record({ user: fc.constantFrom(...USERS), ms: fc.integer({ min: 0, max: 20 * MIN }) }), { maxLength: 2 }),
  open: fc.option(
    fc.record({
      user: fc.constantFrom(...USERS),
      startedAgo: fc.integer({ min: 0, max: 3 * H }),
      // Heartbeat age: right at the cutoff edges on purpose, sometimes before the start (a device clock bug).
      heartbeatAgo: fc.oneof(fc.constantFrom(0, CUTOFF - 1, CUTOFF, CUTOFF + 1), fc.integer({ min: 0, max: 3 * H })),
      heartbeatBeforeStart: fc.boolean(),
    }),
    { nil: null },
  ),
  totals: fc.array(fc.record({ user: fc.constantFrom(...USERS), ms: fc.integer({ min: 0, max: 5 * H }) }), { maxLength: 3 }),
});

type TaskCase = typeof taskCase extends fc.Arbitrary<infer U> ? U : never;

let run = 0;

/** Rows for one random case; ids are unique per run because audit entries (append-only) outlive the truncation. */
function rowsOf(cases: readonly TaskCase[], now: number): Effect[] {
  run += 1;
  const effects: Effect[] = [];
  cases.forEach((c, i) => {
    const taskId = `r${run}-t${i}`;
    effects.push(put('tasks', { id: taskId, title: taskId, status: c.status, claimed_by: c.claimed, assigned_at: c.claimed === null ? null : T - 5 * H, time_spent_ms: c.timeSpent, created_at: T - 6 * H, updated_at: now - c.updatedAgo }));
    const openStart = c.open === null ? now : now - c.open.startedAgo;
    let end = openStart;
    [...c.closed].reverse().forEach((closed, j) => {
      const row: WorkSessionRow = { id: `${taskId}-c${j}`, task_id: taskId, user_id: closed.user, started_at: end - closed.ms, last_heartbeat_at: end, ended_at: end, ended_reason: 'pause', zone: 'UTC', offline: false, created_at: end - closed.ms, closed_at: end, extended_by_owner: false };
      effects.push(put('work_sessions', row));
      end -= closed.ms;
    });
    if (c.open !== null) {
      const heartbeat = c.open.heartbeatBeforeStart ? openStart - 1 : Math.max(openStart, now - c.open.heartbeatAgo);
      const row: WorkSessionRow = { id: `${taskId}-open`, task_id: taskId, user_id: c.open.user, started_at: openStart, last_heartbeat_at: heartbeat, ended_at: null, ended_reason: null, zone: 'Europe/Madrid', offline: false, created_at: openStart, closed_at: null, extended_by_owner: false };
      effects.push(put('work_sessions', row));
    }
    const seen = new Set<string>();
    for (const total of c.totals) {
      if (seen.has(total.user)) continue;
      seen.add(total.user);
      effects.push(put('user_task_totals', { user_id: total.user, task_id: taskId, accumulated_ms: total.ms, updated_at: T - 4 * H }));
    }
  });
  return effects;
}

describe('stale session sweep (SQL) against the shared reference', () => {
  test('random tables swept by SQL equal sweepStale on the same rows, and a second sweep changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(taskCase, { minLength: 1, maxLength: 6 }), fc.constantFrom(CUTOFF, 60 * S, H), async (cases, cutoff) => {
        await db.sql`TRUNCATE work_sessions, user_task_totals, checklist_items, tasks`;
        const now = T;
        await db.sql.begin((tx) => applyEffects(tx, rowsOf(cases, now)));
        const before = await taskTables();
        const state = stateFrom({ tasks: before.tasks, work_sessions: before.sessions, user_task_totals: before.totals });

        const expectedEffects = sweepStale(state, cutoff, sweepCtx(now));
        const expected = tablesOf(applyInMemory(state, expectedEffects));
        const closedIds = expectedEffects.flatMap((e) => (e.table === 'work_sessions' ? [e.row.id] : []));

        const result = await sweepStaleSessions(db.sql, now, cutoff);
        expect(await taskTables()).toEqual(expected);
        expect(result.closed.map((c) => c.session_id)).toEqual([...closedIds].sort());
        const audits = await db.sql<{ id: string; source: string }[]>`SELECT id, source FROM audit_log WHERE split_part(id, '@', 1) = ANY(${closedIds.map((id) => `stale:${id}`)})`;
        expect(audits).toHaveLength(closedIds.length);
        expect(audits.every((a) => a.source === 'scheduler')).toBe(true);

        // Idempotent: nothing is stale any more.
        expect((await sweepStaleSessions(db.sql, now, cutoff)).count).toBe(0);
        expect(await taskTables()).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});

describe('stale session sweep in the running system', () => {
  const t = createTestApp(db);
  let boss: string;
  let ana: { token: string; id: string };

  beforeAll(async () => {
    boss = (await t.signIn('supervisor')).token;
    const w = await t.signIn('worker');
    ana = { token: w.token, id: w.user.id };
  });
  afterEach(async () => {
    expect(await checkConsistency(db.sql)).toEqual([]);
  });

  async function startedTask(at: number): Promise<string> {
    const id = `task-${randomUUID()}`;
    t.clock.set(at);
    await apply(t, boss, 'task.create', { task_id: id, title: 'Pump' });
    await apply(t, ana.token, 'task.claim', { task_id: id });
    await apply(t, ana.token, 'work.start', { task_id: id });
    return id;
  }

  test('a session without a heartbeat for longer than the cutoff closes at its last heartbeat and its task goes on hold', async () => {
    await db.sql`TRUNCATE work_sessions, user_task_totals, checklist_items, tasks`;
    const task = await startedTask(T);
    t.clock.set(T + 2 * MIN);
    await apply(t, ana.token, 'work.heartbeat', { task_id: task });
    const result = await sweepStaleSessions(db.sql, T + 10 * MIN, CUTOFF);
    expect(result.closed).toMatchObject([{ task_id: task, user_id: ana.id, duration_ms: 2 * MIN }]);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toMatchObject([{ ended_at: T + 2 * MIN, ended_reason: 'stale_timeout' }]);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'on-hold', time_spent_ms: 2 * MIN, updated_at: T + 10 * MIN });
    expect(await selectRow(db.sql, 'user_task_totals', { user_id: ana.id, task_id: task })).toMatchObject({ accumulated_ms: 2 * MIN });
    const [audit] = await selectRows(db.sql, 'audit_log', { entity_id: task, action: 'work.stale_timeout' });
    expect(audit).toMatchObject({ source: 'scheduler', actor_id: null, entity: 'task', at: T + 10 * MIN, old_value: { status: 'in-progress' }, new_value: { status: 'on-hold', duration_ms: 2 * MIN } });
  });

  test('a heartbeat in time keeps the session open; without it the same sweep closes it', async () => {
    const kept = await startedTask(T);
    const dropped = await startedTask(T);
    t.clock.set(T + 2 * MIN);
    await pushOk(t, ana.token, [intentAt('work.heartbeat', { task_id: kept }, T + 2 * MIN)]);
    const result = await sweepStaleSessions(db.sql, T + 4 * MIN, CUTOFF);
    expect(result.closed.map((c) => c.task_id)).toContain(dropped);
    expect(result.closed.map((c) => c.task_id)).not.toContain(kept);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: kept, ended_at: null })).toHaveLength(1);
    expect(await selectRow(db.sql, 'tasks', { id: kept })).toMatchObject({ status: 'in-progress' });
  });

  test('a session exactly at the cutoff is not stale yet (strictly older than now − cutoff)', async () => {
    const task = await startedTask(T);
    expect((await sweepStaleSessions(db.sql, T + CUTOFF, CUTOFF)).closed.map((c) => c.task_id)).not.toContain(task);
    expect((await sweepStaleSessions(db.sql, T + CUTOFF + 1, CUTOFF)).closed.map((c) => c.task_id)).toContain(task);
  });

  test('a task an intent holds right now is skipped without waiting and swept on the next run', async () => {
    const task = await startedTask(T);
    const holder = await db.sql.reserve();
    try {
      await holder`BEGIN`;
      await holder`SELECT 1 FROM tasks WHERE id = ${task} FOR UPDATE`;
      const first = await sweepStaleSessions(db.sql, T + H, CUTOFF);
      expect(first.closed.map((c) => c.task_id)).not.toContain(task);
    } finally {
      await holder`COMMIT`;
      holder.release();
    }
    const second = await sweepStaleSessions(db.sql, T + H, CUTOFF);
    expect(second.closed.map((c) => c.task_id)).toContain(task);
  });

  test('sweeps and intents racing on many tasks leave every invariant intact', async () => {
    const tasks = await Promise.all(Array.from({ length: 6 }, (_, i) => startedTask(T + i)));
    t.clock.set(T + 10 * MIN);
    await Promise.all([
      ...tasks.map((task, i) => pushOk(t, ana.token, [intentAt(i % 2 === 0 ? 'work.heartbeat' : 'work.pause', { task_id: task }, T + 10 * MIN)])),
      sweepStaleSessions(db.sql, T + 10 * MIN, CUTOFF),
      sweepStaleSessions(db.sql, T + 10 * MIN, CUTOFF),
    ]);
    await sweepStaleSessions(db.sql, T + 20 * MIN, CUTOFF);
    for (const task of tasks) expect(await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null })).toEqual([]);
  });
});
