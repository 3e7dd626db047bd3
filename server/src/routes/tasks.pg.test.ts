import { STATUS_DERIVED_MESSAGE, toIso } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { selectRows } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';
import type { TaskJson } from '../tasks/task-json.ts';
import type { RequestShape } from '../tasks/testing.ts';
import { addItem, createTask, dumpTaskTables, errorOf, expectRefused, expectStatus, newTaskId, signInCast, taskAction } from '../tasks/testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const { worker, worker2, supervisor, admin } = await signInCast(t);
const ROLES = { worker, supervisor, admin } as const;

const now = (): string => toIso(t.clock());

async function getTask(id: string, token = supervisor.token): Promise<TaskJson> {
  return expectStatus<{ data: TaskJson }>(await t.request('GET', `/api/v1/tasks/${id}`, { token }), 200).data;
}

/** A request that must be refused without changing any row. */
function refused(method: string, path: string, options: RequestShape, status: number, code: string) {
  return expectRefused(t, db.sql, { method, path, ...options }, status, code);
}

describe('POST /api/v1/tasks', () => {
  test('a supervisor creates a task with a client id → 201 {data: task} in the exact shape', async () => {
    const res = await t.request('POST', '/api/v1/tasks', { token: supervisor.token, body: { id: 'fix-pump', title: 'Fix the pump' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      data: {
        id: 'fix-pump',
        title: 'Fix the pump',
        status: 'todo',
        claimed_by: null,
        assigned_at: null,
        time_spent_s: 0,
        work_state: 'available',
        ongoing_by: null,
        derived_status: 1,
        is_atomic: true,
        created_at: now(),
        updated_at: now(),
      },
    });
    expect(await selectRows(db.sql, 'tasks', { id: 'fix-pump' })).toHaveLength(1);
  });

  test('an admin creates a task without an id and the server names it', async () => {
    const res = await t.request('POST', '/api/v1/tasks', { token: admin.token, body: { title: 'Unnamed' } });
    const { data } = expectStatus<{ data: TaskJson }>(res, 201);
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await selectRows(db.sql, 'tasks', { id: data.id })).toHaveLength(1);
  });

  test('the bootstrap admin token creates tasks too', async () => {
    const res = await t.request('POST', '/api/v1/tasks', { token: t.adminToken, body: { title: 'By bootstrap admin' } });
    expect(res.status).toBe(201);
  });

  test.each(['backlog', 'todo', 'on-hold', 'done', 'skipped'] as const)('created with status %s keeps it, unclaimed', async (status) => {
    const task = await createTask(t, supervisor.token, { status });
    expect(task).toMatchObject({ status, claimed_by: null, work_state: status === 'done' ? 'completed' : 'available' });
  });

  test('created in-progress, the creator picks it up: claimed, session open, pick-up time set', async () => {
    const task = await createTask(t, supervisor.token, { status: 'in-progress' });
    expect(task).toMatchObject({
      status: 'in-progress',
      claimed_by: supervisor.user.id,
      assigned_at: now(),
      work_state: 'ongoing',
      ongoing_by: { user_id: supervisor.user.id },
      derived_status: 2,
    });
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task.id, ended_at: null })).toHaveLength(1);
  });

  test('a retried create (same id, same title) answers 201 with the existing task and creates nothing', async () => {
    const first = await createTask(t, supervisor.token, { id: 'retry-me', title: 'Retry me' });
    t.clock.advance(5_000);
    const before = await dumpTaskTables(db.sql);
    const again = await t.request('POST', '/api/v1/tasks', { token: supervisor.token, body: { id: 'retry-me', title: 'Retry me' } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ data: first });
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('the same id with another title → 409 CONFLICT_EXISTS, nothing changed', async () => {
    await createTask(t, supervisor.token, { id: 'taken', title: 'First' });
    await refused('POST', '/api/v1/tasks', { token: supervisor.token, body: { id: 'taken', title: 'Second' } }, 409, 'CONFLICT_EXISTS');
  });

  test('a worker may not create tasks → 403, nothing created', async () => {
    await refused('POST', '/api/v1/tasks', { token: worker.token, body: { title: 'Nope' } }, 403, 'FORBIDDEN');
  });

  test.each([
    ['no token', undefined],
    ['a forged token', 'not-a-real-token'],
  ])('%s → 401, nothing created', async (_what, token) => {
    await refused('POST', '/api/v1/tasks', { ...(token === undefined ? {} : { token }), body: { title: 'Nope' } }, 401, 'UNAUTHENTICATED');
  });

  test.each([
    ['no title', { id: 'x1' }],
    ['an empty title', { title: '' }],
    ['a blank title', { title: '   ' }],
    ['a number for the title', { title: 7 }],
    ['a 501-character title', { title: 'x'.repeat(501) }],
    ['a NUL in the title', { title: 'a\u0000b' }],
    ['an unknown status', { title: 'X', status: 'paused' }],
    ['a numeric status', { title: 'X', status: 2 }],
    ['an unknown field', { title: 'X', priority: 'high' }],
    ['an id with spaces', { title: 'X', id: 'a b' }],
    ['an empty id', { title: 'X', id: '' }],
    ['a numeric id', { title: 'X', id: 12 }],
    ['a 129-character id', { title: 'X', id: 'i'.repeat(129) }],
    ['an array body', [{ title: 'X' }]],
    ['a null body', null],
    ['malformed JSON', '{"title": '],
  ])('%s → 400 INVALID_INPUT, nothing created', async (_what, body) => {
    await refused('POST', '/api/v1/tasks', { token: supervisor.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body at all → 400, nothing created', async () => {
    await refused('POST', '/api/v1/tasks', { token: supervisor.token }, 400, 'INVALID_INPUT');
  });

  test('a non-JSON content type → 400, nothing created', async () => {
    await refused(
      'POST',
      '/api/v1/tasks',
      { token: supervisor.token, body: 'title=X', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      400,
      'INVALID_INPUT',
    );
  });
});

describe('GET /api/v1/tasks/:id', () => {
  test.each(Object.keys(ROLES) as (keyof typeof ROLES)[])('a %s reads any task', async (role) => {
    const task = await createTask(t, supervisor.token);
    expect(await getTask(task.id, ROLES[role].token)).toEqual(task);
  });

  test('a worker reads a task someone else holds and sees who works on it', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await t.request('POST', '/api/v1/me/work-sessions/start', { token: worker2.token, body: { task_id: task.id } });
    expect(await getTask(task.id, worker.token)).toMatchObject({
      claimed_by: worker2.user.id,
      work_state: 'ongoing',
      ongoing_by: { user_id: worker2.user.id },
    });
  });

  test('time_spent_s is whole seconds of the closed sessions (rounded down)', async () => {
    const task = await createTask(t, supervisor.token);
    await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'in-progress' } });
    t.clock.advance(90_900);
    await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'on-hold' } });
    const read = await getTask(task.id);
    expect(read).toMatchObject({ time_spent_s: 90, work_state: 'claimed', ongoing_by: null, status: 'on-hold', derived_status: 2 });
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.time_spent_ms).toBe(90_900);
  });

  test('a task with checklist items shows the derived status and is not atomic', async () => {
    const task = await createTask(t, supervisor.token);
    await addItem(t, supervisor.token, task.id, 3);
    await addItem(t, supervisor.token, task.id, 4);
    expect(await getTask(task.id)).toMatchObject({ status: 'done', derived_status: 3, is_atomic: false, work_state: 'completed' });
  });

  test('an unknown task → 404 NOT_FOUND', async () => {
    const res = await t.request('GET', '/api/v1/tasks/no-such-task', { token: worker.token });
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', details: { task_id: 'no-such-task' } });
  });

  test('an id with characters ids never have → 400', async () => {
    const res = await t.request('GET', '/api/v1/tasks/a%20b', { token: worker.token });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_INPUT');
  });

  test('no token → 401', async () => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('GET', `/api/v1/tasks/${task.id}`);
    expect(res.status).toBe(401);
  });
});

describe('GET /api/v1/tasks', () => {
  test('a worker sees the tasks they claimed plus the unclaimed pool, not tasks claimed by others; supervisors and admins see all', async () => {
    const mine = await createTask(t, supervisor.token);
    const theirs = await createTask(t, supervisor.token);
    const pool = await createTask(t, supervisor.token);
    await taskAction(t, worker.token, mine.id, 'claim');
    await taskAction(t, worker2.token, theirs.id, 'claim');

    const ids = async (token: string) =>
      expectStatus<{ data: TaskJson[] }>(await t.request('GET', '/api/v1/tasks', { token }), 200).data.map((task) => task.id);
    const all = (await selectRows(db.sql, 'tasks')).map((task) => task.id);

    const workerIds = await ids(worker.token);
    expect(workerIds).toContain(mine.id);
    expect(workerIds).toContain(pool.id);
    expect(workerIds).not.toContain(theirs.id);
    const expectedForWorker = (await selectRows(db.sql, 'tasks'))
      .filter((task) => task.claimed_by === null || task.claimed_by === worker.user.id)
      .map((task) => task.id);
    expect([...workerIds].sort()).toEqual([...expectedForWorker].sort());

    expect([...(await ids(supervisor.token))].sort()).toEqual([...all].sort());
    expect([...(await ids(admin.token))].sort()).toEqual([...all].sort());
  });

  test('tasks come oldest first, each in the full task shape', async () => {
    const res = await t.request('GET', '/api/v1/tasks', { token: supervisor.token });
    const { data } = expectStatus<{ data: TaskJson[] }>(res, 200);
    const created = data.map((task) => task.created_at);
    expect(created).toEqual([...created].sort());
    const first = data[0];
    expect(first).toBeDefined();
    if (first !== undefined) expect(first).toEqual(await getTask(first.id));
  });

  test('no token → 401', async () => {
    expect((await t.request('GET', '/api/v1/tasks')).status).toBe(401);
  });
});

describe('PATCH /api/v1/tasks/:id', () => {
  test('→ in-progress by a worker picks an unclaimed task up: claimed, session open, pick-up time now', async () => {
    const task = await createTask(t, supervisor.token);
    t.clock.advance(1_000);
    const res = await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'in-progress' } });
    expect(expectStatus<{ data: TaskJson }>(res, 200).data).toMatchObject({
      status: 'in-progress',
      claimed_by: worker.user.id,
      assigned_at: now(),
      updated_at: now(),
      work_state: 'ongoing',
      ongoing_by: { user_id: worker.user.id },
    });
  });

  test('→ on-hold closes the session and adds its exact duration', async () => {
    const task = await createTask(t, supervisor.token);
    await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'in-progress' } });
    t.clock.advance(42_000);
    const res = await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'on-hold' } });
    expect(expectStatus<{ data: TaskJson }>(res, 200).data).toMatchObject({ status: 'on-hold', time_spent_s: 42, work_state: 'claimed' });
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task.id });
    expect(session).toMatchObject({ ended_reason: 'status_change', ended_at: t.clock() });
  });

  test('a supervisor renames a task', async () => {
    const task = await createTask(t, supervisor.token, { title: 'Old' });
    const res = await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: supervisor.token, body: { title: '  New title ' } });
    expect(expectStatus<{ data: TaskJson }>(res, 200).data).toMatchObject({ title: 'New title', status: 'todo' });
  });

  test('a worker may not rename → 403, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { title: 'Mine now' } }, 403, 'FORBIDDEN');
  });

  test('status and title together: an admin changes both in one request', async () => {
    const task = await createTask(t, supervisor.token, { title: 'Before' });
    const res = await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: admin.token, body: { status: 'backlog', title: 'After' } });
    expect(expectStatus<{ data: TaskJson }>(res, 200).data).toMatchObject({ status: 'backlog', title: 'After' });
  });

  test('status and title together from a worker: the title is refused (403) and the allowed status change is not applied either', async () => {
    const task = await createTask(t, supervisor.token);
    await refused(
      'PATCH',
      `/api/v1/tasks/${task.id}`,
      { token: worker.token, body: { status: 'in-progress', title: 'Renamed' } },
      403,
      'FORBIDDEN',
    );
  });

  test('status and title together where the status is refused (done → in-progress): the title is not changed either', async () => {
    const task = await createTask(t, supervisor.token, { status: 'done' });
    await refused(
      'PATCH',
      `/api/v1/tasks/${task.id}`,
      { token: supervisor.token, body: { status: 'in-progress', title: 'Renamed' } },
      409,
      'CONFLICT_INVALID_STATE',
    );
  });

  test('a status change on a task another worker holds → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'in-progress' } }, 409, 'CONFLICT_CLAIMED');
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'done' } }, 409, 'CONFLICT_CLAIMED');
    await t.request('POST', '/api/v1/me/work-sessions/start', { token: worker2.token, body: { task_id: task.id } });
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: worker.token, body: { status: 'in-progress' } }, 409, 'CONFLICT_CLAIMED');
  });

  test('a manual status on a task with checklist items → 400 STATUS_DERIVED with its fixed message, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await addItem(t, supervisor.token, task.id, 1);
    const res = await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: supervisor.token, body: { status: 'done' } }, 400, 'STATUS_DERIVED');
    expect(errorOf(res).message).toBe(STATUS_DERIVED_MESSAGE);
  });

  test('an unknown task → 404, nothing changed', async () => {
    await refused('PATCH', '/api/v1/tasks/missing', { token: supervisor.token, body: { status: 'done' } }, 404, 'NOT_FOUND');
  });

  test.each([
    ['an empty object', {}],
    ['an unknown status', { status: 'paused' }],
    ['a numeric status', { status: 3 }],
    ['a null status', { status: null }],
    ['an empty title', { title: '' }],
    ['an unknown field', { status: 'done', claimed_by: 'me' }],
    ['an array body', [{ status: 'done' }]],
    ['a null body', null],
    ['malformed JSON', '{"status": "done"'],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: supervisor.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { token: supervisor.token }, 400, 'INVALID_INPUT');
  });

  test.each(Object.keys(ROLES) as (keyof typeof ROLES)[])('a %s may change the status of an unclaimed task', async (role) => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('PATCH', `/api/v1/tasks/${task.id}`, { token: ROLES[role].token, body: { status: 'backlog' } });
    expect(expectStatus<{ data: TaskJson }>(res, 200).data.status).toBe('backlog');
  });

  test('no token → 401, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/v1/tasks/${task.id}`, { body: { status: 'done' } }, 401, 'UNAUTHENTICATED');
  });
});

describe('POST /api/v1/tasks/:id/claim', () => {
  test.each(Object.keys(ROLES) as (keyof typeof ROLES)[])('a %s claims an unclaimed task: claimed_by, pick-up time, work_state claimed', async (role) => {
    const task = await createTask(t, supervisor.token);
    t.clock.advance(1_000);
    const claimed = await taskAction(t, ROLES[role].token, task.id, 'claim');
    expect(claimed).toMatchObject({ claimed_by: ROLES[role].user.id, assigned_at: now(), work_state: 'claimed', status: 'todo' });
  });

  test('claiming your own task again changes nothing', async () => {
    const task = await createTask(t, supervisor.token);
    const first = await taskAction(t, worker.token, task.id, 'claim');
    t.clock.advance(1_000);
    const before = await dumpTaskTables(db.sql);
    expect(await taskAction(t, worker.token, task.id, 'claim')).toEqual(first);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('a task claimed by someone else → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    const res = await refused('POST', `/api/v1/tasks/${task.id}/claim`, { token: worker.token }, 409, 'CONFLICT_CLAIMED');
    expect(errorOf(res).details).toMatchObject({ task_id: task.id, claimed_by: worker2.user.id });
  });

  test('a done task → 409 CONFLICT_INVALID_STATE, nothing changed', async () => {
    const task = await createTask(t, supervisor.token, { status: 'done' });
    await refused('POST', `/api/v1/tasks/${task.id}/claim`, { token: worker.token }, 409, 'CONFLICT_INVALID_STATE');
  });
});

describe('POST /api/v1/tasks/:id/release', () => {
  test('the claimer releases an in-progress task: session closed with its time, task on hold and unclaimed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker.token, task.id, 'claim');
    await t.request('POST', '/api/v1/me/work-sessions/start', { token: worker.token, body: { task_id: task.id } });
    t.clock.advance(30_000);
    const released = await taskAction(t, worker.token, task.id, 'release');
    expect(released).toMatchObject({ status: 'on-hold', claimed_by: null, assigned_at: null, time_spent_s: 30, work_state: 'available', ongoing_by: null });
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task.id });
    expect(session).toMatchObject({ ended_reason: 'release', ended_at: t.clock() });
    expect(await selectRows(db.sql, 'user_task_totals', { task_id: task.id })).toMatchObject([{ user_id: worker.user.id, accumulated_ms: 30_000 }]);
  });

  test('a supervisor releases a worker\'s claim', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker.token, task.id, 'claim');
    expect(await taskAction(t, supervisor.token, task.id, 'release')).toMatchObject({ claimed_by: null });
  });

  test('another worker may not release a claim → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await refused('POST', `/api/v1/tasks/${task.id}/release`, { token: worker.token }, 409, 'CONFLICT_CLAIMED');
  });

  test('releasing an unclaimed task changes nothing', async () => {
    const task = await createTask(t, supervisor.token);
    const before = await dumpTaskTables(db.sql);
    expect(await taskAction(t, worker.token, task.id, 'release')).toEqual(task);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });
});

describe('POST /api/v1/tasks/:id/complete', () => {
  test('the claimer completes an in-progress task: session closed (reason complete) and its time added', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker.token, task.id, 'claim');
    await t.request('POST', '/api/v1/me/work-sessions/start', { token: worker.token, body: { task_id: task.id } });
    t.clock.advance(75_000);
    const done = await taskAction(t, worker.token, task.id, 'complete');
    expect(done).toMatchObject({ status: 'done', work_state: 'completed', ongoing_by: null, time_spent_s: 75, derived_status: 3 });
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task.id, ended_at: null })).toEqual([]);
    expect((await selectRows(db.sql, 'work_sessions', { task_id: task.id }))[0]?.ended_reason).toBe('complete');
  });

  test('completing a done task again changes nothing', async () => {
    const task = await createTask(t, supervisor.token, { status: 'done' });
    const before = await dumpTaskTables(db.sql);
    expect(await taskAction(t, worker.token, task.id, 'complete')).toEqual(task);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('another worker may not complete a claimed task → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await refused('POST', `/api/v1/tasks/${task.id}/complete`, { token: worker.token }, 409, 'CONFLICT_CLAIMED');
  });

  test('a task with checklist items is completed by its items → 400 STATUS_DERIVED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await addItem(t, supervisor.token, task.id, 1);
    const res = await refused('POST', `/api/v1/tasks/${task.id}/complete`, { token: supervisor.token }, 400, 'STATUS_DERIVED');
    expect(errorOf(res).message).toBe(STATUS_DERIVED_MESSAGE);
  });

  test.each(['supervisor', 'admin'] as const)('a %s completes an unclaimed task', async (role) => {
    const task = await createTask(t, supervisor.token);
    expect(await taskAction(t, ROLES[role].token, task.id, 'complete')).toMatchObject({ status: 'done' });
  });

  test('a worker completing an unclaimed task → 409 CONFLICT_CLAIMED (claim it first), nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    const res = await refused('POST', `/api/v1/tasks/${task.id}/complete`, { token: worker.token }, 409, 'CONFLICT_CLAIMED');
    expect(errorOf(res).message).toBe('Claim the task before completing it');
  });
});

describe.each(['claim', 'release', 'complete'] as const)('POST /api/v1/tasks/:id/%s errors', (action) => {
  test('an unknown task → 404 NOT_FOUND, nothing changed', async () => {
    await refused('POST', `/api/v1/tasks/${newTaskId('missing')}/${action}`, { token: worker.token }, 404, 'NOT_FOUND');
  });

  test('a malformed id → 400, nothing changed', async () => {
    await refused('POST', `/api/v1/tasks/${'x'.repeat(129)}/${action}`, { token: worker.token }, 400, 'INVALID_INPUT');
  });

  test('no token → 401, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('POST', `/api/v1/tasks/${task.id}/${action}`, {}, 401, 'UNAUTHENTICATED');
  });
});
