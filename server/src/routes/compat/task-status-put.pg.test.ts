import { STATUS_DERIVED_MESSAGE, toIso } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { selectRows } from '../../db/rows.ts';
import { createTestDatabase } from '../../testing/create-test-database.ts';
import { createTestApp } from '../../testing/test-app.ts';
import type { TaskWithSessionsJson } from './task-with-sessions-json.ts';
import type { RequestShape } from '../../tasks/testing.ts';
import { addItem, createTask, dumpTaskTables, errorOf, expectRefused, expectStatus, signInCast, taskAction } from '../../tasks/testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const { worker, worker2, supervisor, admin } = await signInCast(t);
const ROLES = { worker, supervisor, admin } as const;
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const now = (): string => toIso(t.clock());

async function put(id: string, body: unknown, token = worker.token): Promise<TaskWithSessionsJson> {
  return expectStatus<TaskWithSessionsJson>(await t.request('PUT', `/tasks/${id}`, { token, body }), 200);
}

async function openSessions(taskId: string) {
  return selectRows(db.sql, 'work_sessions', { task_id: taskId, ended_at: null });
}

/** A PUT that must be refused without changing any row. */
function refused(path: string, options: RequestShape, status: number, code: string) {
  return expectRefused(t, db.sql, { method: 'PUT', path, ...options }, status, code);
}

describe('PUT /tasks/:id to in-progress picks the task up or resumes it', () => {
  test('todo → in-progress creates a session, sets task_assigned_date and answers the full task', async () => {
    const task = await createTask(t, supervisor.token);
    t.clock.advance(60_000);
    const res = await t.request('PUT', `/tasks/${task.id}`, { token: worker.token, body: { id: task.id, task_status: 'in-progress' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: task.id,
      task_status: 'in-progress',
      task_sessions: [{ start_time: now(), end_time: null, status: 'in-progress', duration: null }],
      time_spent: 0,
      task_assigned_date: now(),
      task_updated_at: now(),
    });
    // Picking up an unclaimed task claims it for the caller.
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.claimed_by).toBe(worker.user.id);
    expect(await openSessions(task.id)).toHaveLength(1);
  });

  test('backlog → in-progress picks the task up the same way', async () => {
    const task = await createTask(t, supervisor.token, { status: 'backlog' });
    const body = await put(task.id, { task_status: 'in-progress' });
    expect(body).toMatchObject({ task_status: 'in-progress', task_assigned_date: now(), task_sessions: [{ end_time: null }] });
  });

  test('on-hold → in-progress (resume) appends a new session, moves task_assigned_date to the resume time and keeps time_spent', async () => {
    const task = await createTask(t, supervisor.token);
    const start = now();
    await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(100_000);
    const paused = now();
    await put(task.id, { task_status: 'on-hold' });
    t.clock.advance(50_000);
    const body = await put(task.id, { task_status: 'in-progress' });
    expect(body).toEqual({
      id: task.id,
      task_status: 'in-progress',
      task_sessions: [
        { start_time: start, end_time: paused, status: 'closed', duration: 100 },
        { start_time: now(), end_time: null, status: 'in-progress', duration: null },
      ],
      time_spent: 100,
      task_assigned_date: now(),
      task_updated_at: now(),
    });
  });

  test('no two open sessions: in-progress again changes nothing and keeps the one open session', async () => {
    const task = await createTask(t, supervisor.token);
    const first = await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(10_000);
    const before = await dumpTaskTables(db.sql);
    const again = await put(task.id, { task_status: 'in-progress' });
    expect(again).toEqual(first);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
    expect(await openSessions(task.id)).toHaveLength(1);
  });

  test('no two open sessions across many status changes; time_spent is the sum of the closed sessions', async () => {
    const task = await createTask(t, supervisor.token);
    const sequence = ['in-progress', 'on-hold', 'in-progress', 'todo', 'in-progress', 'backlog', 'in-progress', 'done'] as const;
    for (const [i, status] of sequence.entries()) {
      t.clock.advance((i + 1) * 7_000 + 250);
      const body = await put(task.id, { task_status: status });
      expect(body.task_sessions.filter((s) => s.end_time === null)).toHaveLength(status === 'in-progress' ? 1 : 0);
      expect(await openSessions(task.id)).toHaveLength(status === 'in-progress' ? 1 : 0);
    }
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: task.id });
    const [row] = await selectRows(db.sql, 'tasks', { id: task.id });
    expect(sessions).toHaveLength(4);
    expect(row?.time_spent_ms).toBe(sessions.reduce((sum, s) => sum + ((s.ended_at ?? s.started_at) - s.started_at), 0));
  });

  test('a task claimed by someone else → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    const res = await refused(`/tasks/${task.id}`, { token: worker.token, body: { task_status: 'in-progress' } }, 409, 'CONFLICT_CLAIMED');
    expect(errorOf(res).details).toMatchObject({ claimed_by: worker2.user.id });
  });

  test('in-progress on a task someone else is working on → 409 CONFLICT_CLAIMED, their session untouched', async () => {
    const task = await createTask(t, supervisor.token);
    await put(task.id, { task_status: 'in-progress' }, worker2.token);
    t.clock.advance(5_000);
    await refused(`/tasks/${task.id}`, { token: worker.token, body: { task_status: 'in-progress' } }, 409, 'CONFLICT_CLAIMED');
    expect(await openSessions(task.id)).toMatchObject([{ user_id: worker2.user.id }]);
  });

  test('a done task cannot be resumed → 409 CONFLICT_INVALID_STATE, nothing changed', async () => {
    const task = await createTask(t, supervisor.token, { status: 'done' });
    await refused(`/tasks/${task.id}`, { token: worker.token, body: { task_status: 'in-progress' } }, 409, 'CONFLICT_INVALID_STATE');
  });
});

describe('PUT /tasks/:id to on-hold or done closes the open session', () => {
  test.each(['on-hold', 'done'] as const)('in-progress → %s closes the session at server time and adds its duration to time_spent', async (status) => {
    const task = await createTask(t, supervisor.token);
    const start = now();
    await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(125_700);
    const res = await t.request('PUT', `/tasks/${task.id}`, { token: worker.token, body: { id: task.id, task_status: status } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: task.id,
      task_status: status,
      task_sessions: [{ start_time: start, end_time: now(), status: 'closed', duration: 125 }],
      time_spent: 125,
      task_assigned_date: start,
      task_updated_at: now(),
    });
    expect(await openSessions(task.id)).toEqual([]);
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.time_spent_ms).toBe(125_700);
  });

  test('time_spent adds up over several sessions', async () => {
    const task = await createTask(t, supervisor.token);
    await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(30_000);
    await put(task.id, { task_status: 'on-hold' });
    t.clock.advance(999_000);
    await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(45_000);
    const body = await put(task.id, { task_status: 'done' });
    expect(body.time_spent).toBe(75);
    expect(body.task_sessions.map((s) => s.duration)).toEqual([30, 45]);
  });

  test('on-hold of a task with no open session just sets the status', async () => {
    const task = await createTask(t, supervisor.token);
    const body = await put(task.id, { task_status: 'on-hold' });
    expect(body).toMatchObject({ task_status: 'on-hold', task_sessions: [], time_spent: 0, task_assigned_date: null });
  });
});

describe('PUT /tasks/:id takes what old frontends send', () => {
  test('task_sessions sent by an old frontend is accepted and ignored: the server closes its own session at its own time', async () => {
    const task = await createTask(t, supervisor.token);
    const start = now();
    await put(task.id, { id: task.id, task_status: 'in-progress' });
    t.clock.advance(20_000);
    const body = await put(task.id, {
      id: task.id,
      task_status: 'on-hold',
      task_sessions: [
        { start_time: '2020-01-01T00:00:00Z', end_time: 'NOW', status: 'in-progress' },
        { start_time: '2020-01-02T00:00:00Z', end_time: null, status: 'in-progress', duration: 99999 },
      ],
    });
    expect(body.task_sessions).toEqual([{ start_time: start, end_time: now(), status: 'closed', duration: 20 }]);
    expect(body.time_spent).toBe(20);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task.id })).toHaveLength(1);
  });

  test('task_sessions: null and [] are accepted too', async () => {
    const task = await createTask(t, supervisor.token);
    expect((await put(task.id, { task_status: 'backlog', task_sessions: null })).task_status).toBe('backlog');
    expect((await put(task.id, { task_status: 'todo', task_sessions: [] })).task_status).toBe('todo');
  });

  test('every timestamp is ISO-8601 UTC with Z', async () => {
    const task = await createTask(t, supervisor.token);
    await put(task.id, { task_status: 'in-progress' });
    t.clock.advance(1_000);
    const body = await put(task.id, { task_status: 'on-hold' });
    const times = [body.task_assigned_date, body.task_updated_at, ...body.task_sessions.flatMap((s) => [s.start_time, s.end_time])];
    for (const time of times) expect(time).toMatch(UTC_ISO);
  });

  test('a task with checklist items takes no manual status → 400 STATUS_DERIVED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await addItem(t, supervisor.token, task.id, 1);
    const res = await refused(`/tasks/${task.id}`, { token: supervisor.token, body: { task_status: 'done' } }, 400, 'STATUS_DERIVED');
    expect(errorOf(res).message).toBe(STATUS_DERIVED_MESSAGE);
  });
});

describe('PUT /tasks/:id refusals change nothing', () => {
  test('a body id other than the path id → 400 INVALID_INPUT, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    const other = await createTask(t, supervisor.token);
    const res = await refused(`/tasks/${task.id}`, { token: worker.token, body: { id: other.id, task_status: 'in-progress' } }, 400, 'INVALID_INPUT');
    expect(errorOf(res).details).toEqual({ path_id: task.id, body_id: other.id });
  });

  test('an unknown task → 404 NOT_FOUND, nothing changed', async () => {
    await refused('/tasks/no-such-task', { token: worker.token, body: { task_status: 'in-progress' } }, 404, 'NOT_FOUND');
  });

  test.each([
    ['no task_status', { id: 'x' }],
    ['an unknown task_status', { task_status: 'paused' }],
    ['a numeric task_status', { task_status: 2 }],
    ['a null task_status', { task_status: null }],
    ['task_sessions that is not an array', { task_status: 'on-hold', task_sessions: 'none' }],
    ['task_sessions holding a non-object', { task_status: 'on-hold', task_sessions: [1] }],
    ['a numeric id', { id: 5, task_status: 'on-hold' }],
    ['an unknown field', { task_status: 'on-hold', time_spent: 10 }],
    ['an array body', [{ task_status: 'on-hold' }]],
    ['a null body', null],
    ['malformed JSON', '{"task_status": "on-hold"'],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const task = await createTask(t, supervisor.token);
    await refused(`/tasks/${task.id}`, { token: worker.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused(`/tasks/${task.id}`, { token: worker.token }, 400, 'INVALID_INPUT');
  });

  test('a path id with characters ids never have → 400', async () => {
    await refused('/tasks/a%20b', { token: worker.token, body: { task_status: 'todo' } }, 400, 'INVALID_INPUT');
  });
});

describe('who may PUT /tasks/:id', () => {
  test.each(Object.keys(ROLES) as (keyof typeof ROLES)[])('a %s may set the status of an unclaimed task', async (role) => {
    const task = await createTask(t, supervisor.token);
    const body = await put(task.id, { task_status: 'in-progress' }, ROLES[role].token);
    expect(body.task_status).toBe('in-progress');
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.claimed_by).toBe(ROLES[role].user.id);
  });

  test('a supervisor may put a worker\'s task on hold, closing the worker\'s session', async () => {
    const task = await createTask(t, supervisor.token);
    await put(task.id, { task_status: 'in-progress' }, worker.token);
    t.clock.advance(12_000);
    const body = await put(task.id, { task_status: 'on-hold' }, supervisor.token);
    expect(body).toMatchObject({ task_status: 'on-hold', time_spent: 12 });
    expect(await selectRows(db.sql, 'user_task_totals', { task_id: task.id })).toMatchObject([{ user_id: worker.user.id, accumulated_ms: 12_000 }]);
  });

  test.each(['on-hold', 'done'] as const)(
    'a worker putting %s on someone else\'s task that already has it → 409 CONFLICT_CLAIMED, nothing changed; its claimer gets the task back unchanged',
    async (status) => {
      const task = await createTask(t, supervisor.token);
      await put(task.id, { task_status: 'in-progress' }, worker2.token);
      const before = await put(task.id, { task_status: status }, worker2.token);
      await refused(`/tasks/${task.id}`, { token: worker.token, body: { task_status: status } }, 409, 'CONFLICT_CLAIMED');
      expect(await put(task.id, { task_status: status }, worker2.token)).toEqual(before);
    },
  );

  test.each([
    ['no token', {}],
    ['a forged token', { token: 'forged' }],
  ])('%s → 401, nothing changed', async (_what, auth) => {
    const task = await createTask(t, supervisor.token);
    await refused(`/tasks/${task.id}`, { ...auth, body: { task_status: 'in-progress' } }, 401, 'UNAUTHENTICATED');
  });
});
