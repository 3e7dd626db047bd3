import { STATUS_DERIVED_MESSAGE } from '@stint/shared';
import type { ChecklistStatus } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { selectRows } from '../../db/rows.ts';
import { createTestDatabase } from '../../testing/create-test-database.ts';
import { createTestApp } from '../../testing/test-app.ts';
import type { NumericChecklistItemJson, NumericTaskJson, NumericTaskSummaryJson } from './numeric-checklist-status-json.ts';
import type { Person, RequestShape } from '../../tasks/testing.ts';
import { addItem, createTask, dumpTaskTables, errorOf, expectRefused, expectStatus, signInCast, taskAction } from '../../tasks/testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const { worker, worker2, supervisor, admin } = await signInCast(t);
const ROLES = { worker, supervisor, admin } as const;
const ROLE_NAMES = Object.keys(ROLES) as (keyof typeof ROLES)[];

const PLANNED = 1;
const IN_PROGRESS = 2;
const DONE = 3;
const SKIPPED = 4;

async function getTask(id: string, token = worker.token): Promise<NumericTaskJson> {
  return expectStatus<NumericTaskJson>(await t.request('GET', `/api/tasks/${id}`, { token }), 200);
}

/** A task with items of these statuses, added in order by the supervisor. */
async function taskWithItems(statuses: readonly ChecklistStatus[]): Promise<{ id: string; itemIds: string[] }> {
  const task = await createTask(t, supervisor.token);
  const itemIds: string[] = [];
  for (const [i, status] of statuses.entries()) itemIds.push(await addItem(t, supervisor.token, task.id, status, `Item ${i + 1}`));
  return { id: task.id, itemIds };
}

/** A request that must be refused without changing any row. */
function refused(method: string, path: string, options: RequestShape, status: number, code: string) {
  return expectRefused(t, db.sql, { method, path, ...options }, status, code);
}

describe('the checklist decides the task status', () => {
  test('empty checklist → derived_status = status (manual status)', async () => {
    const task = await createTask(t, supervisor.token);
    expect(await getTask(task.id)).toEqual({ task_id: task.id, title: task.title, status: PLANNED, derived_status: PLANNED, is_atomic: true, checklist: [] });
    const patched = expectStatus<NumericTaskJson>(await t.request('PATCH', `/api/tasks/${task.id}`, { token: supervisor.token, body: { status: DONE } }), 200);
    expect(patched).toMatchObject({ status: DONE, derived_status: DONE, is_atomic: true });
  });

  test.each([
    ['all planned', [PLANNED, PLANNED, PLANNED], PLANNED],
    ['one in progress', [IN_PROGRESS, PLANNED, PLANNED], IN_PROGRESS],
    ['partial progress', [DONE, PLANNED, PLANNED], IN_PROGRESS],
    ['all done', [DONE, DONE, DONE], DONE],
    ['done + skipped', [DONE, DONE, SKIPPED], DONE],
    ['all skipped', [SKIPPED, SKIPPED, SKIPPED], SKIPPED],
    ['mixed states, in progress wins', [IN_PROGRESS, DONE, SKIPPED], IN_PROGRESS],
  ] as const)('%s → derived_status %i', async (_name, statuses, expected) => {
    const { id, itemIds } = await taskWithItems(statuses);
    expect(await getTask(id)).toEqual({
      task_id: id,
      title: 'A task',
      // The task follows its items (I6), so its own numeric status agrees.
      status: expected,
      derived_status: expected,
      is_atomic: false,
      checklist: statuses.map((status, i) => ({ checklist_item_id: itemIds[i], title: `Item ${i + 1}`, status })),
    });
  });

  test('updating a checklist item updates derived_status (planned → in progress)', async () => {
    const { id, itemIds } = await taskWithItems([PLANNED, PLANNED]);
    expect((await getTask(id)).derived_status).toBe(PLANNED);
    const res = await t.request('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: worker.token, body: { status: IN_PROGRESS } });
    expect(res.status).toBe(200);
    expect(await getTask(id)).toMatchObject({ status: IN_PROGRESS, derived_status: IN_PROGRESS });
  });

  test('deleting a checklist item updates derived_status (in progress → planned)', async () => {
    const { id, itemIds } = await taskWithItems([IN_PROGRESS, PLANNED]);
    expect((await getTask(id)).derived_status).toBe(IN_PROGRESS);
    const res = await t.request('DELETE', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token });
    expect(res.status).toBe(204);
    expect(await getTask(id)).toMatchObject({ status: PLANNED, derived_status: PLANNED, checklist: [{ checklist_item_id: itemIds[1] }] });
  });

  test('PATCH status on a task with 2 checklist items → 400 STATUS_DERIVED with its fixed message, nothing changed', async () => {
    const { id } = await taskWithItems([PLANNED, PLANNED]);
    const res = await refused('PATCH', `/api/tasks/${id}`, { token: supervisor.token, body: { status: DONE } }, 400, 'STATUS_DERIVED');
    expect(errorOf(res).message).toBe(STATUS_DERIVED_MESSAGE);
    expect(errorOf(res).message).toBe('Cannot set status for tasks with checklist items. Status is derived from checklist items.');
  });
});

describe('checklist edge cases', () => {
  test('a task created done takes PLANNED once a planned item is added', async () => {
    const task = await createTask(t, supervisor.token, { status: 'done' });
    await addItem(t, supervisor.token, task.id, PLANNED);
    expect(await getTask(task.id)).toMatchObject({ status: PLANNED, derived_status: PLANNED, is_atomic: false });
  });

  test('with every item deleted the task is atomic again and keeps its status', async () => {
    const { id, itemIds } = await taskWithItems([DONE, DONE]);
    for (const itemId of itemIds) expect((await t.request('DELETE', `/api/checklist-items/${itemId}`, { token: supervisor.token })).status).toBe(204);
    expect(await getTask(id)).toMatchObject({ status: DONE, derived_status: DONE, is_atomic: true, checklist: [] });
  });

  test('a derived "in progress" on an unclaimed task picks it up for whoever ticked the item and opens a session', async () => {
    const task = await createTask(t, supervisor.token);
    await addItem(t, worker.token, task.id, IN_PROGRESS);
    const [row] = await selectRows(db.sql, 'tasks', { id: task.id });
    expect(row).toMatchObject({ status: 'in-progress', claimed_by: worker.user.id });
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task.id, ended_at: null })).toMatchObject([{ user_id: worker.user.id }]);
  });
});

describe('GET /api/tasks/:id', () => {
  test('the checklist lists live items only, in the order they were added', async () => {
    const { id, itemIds } = await taskWithItems([PLANNED, DONE, PLANNED]);
    await t.request('DELETE', `/api/checklist-items/${itemIds[1]}`, { token: supervisor.token });
    expect((await getTask(id)).checklist.map((item) => item.checklist_item_id)).toEqual([itemIds[0], itemIds[2]]);
  });

  test.each(ROLE_NAMES)('a %s reads any task', async (role) => {
    const task = await createTask(t, supervisor.token);
    expect((await getTask(task.id, ROLES[role].token)).task_id).toBe(task.id);
  });

  test('an unknown task → 404', async () => {
    const res = await t.request('GET', '/api/tasks/nope', { token: worker.token });
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });

  test('a malformed id → 400', async () => {
    expect((await t.request('GET', '/api/tasks/a%20b', { token: worker.token })).status).toBe(400);
  });

  test('no token → 401', async () => {
    expect((await t.request('GET', '/api/tasks/anything')).status).toBe(401);
  });
});

describe('GET /api/tasks/by-user/:userId', () => {
  async function listFor(userId: string, token: string): Promise<NumericTaskSummaryJson[]> {
    return expectStatus<{ items: NumericTaskSummaryJson[] }>(await t.request('GET', `/api/tasks/by-user/${userId}`, { token }), 200).items;
  }

  test('lists exactly the tasks claimed by the user, with numeric and derived status', async () => {
    const me: Person = await t.signIn('worker');
    const atomic = await createTask(t, supervisor.token, { title: 'Simple task' });
    await taskAction(t, me.token, atomic.id, 'claim');
    await t.request('PATCH', `/api/tasks/${atomic.id}`, { token: me.token, body: { status: DONE } });
    const withItems = await createTask(t, supervisor.token, { title: 'Task with checklist' });
    await taskAction(t, me.token, withItems.id, 'claim');
    await addItem(t, me.token, withItems.id, DONE);
    await addItem(t, me.token, withItems.id, PLANNED);
    await createTask(t, supervisor.token, { title: 'Not mine' });

    expect(await listFor(me.user.id, me.token)).toEqual([
      { task_id: atomic.id, title: 'Simple task', status: DONE, derived_status: DONE, is_atomic: true },
      { task_id: withItems.id, title: 'Task with checklist', status: IN_PROGRESS, derived_status: IN_PROGRESS, is_atomic: false },
    ]);
  });

  test('a user with no claimed tasks gets an empty list', async () => {
    const me = await t.signIn('worker');
    expect(await listFor(me.user.id, me.token)).toEqual([]);
  });

  test('a worker may not list another user\'s tasks → 403', async () => {
    const res = await t.request('GET', `/api/tasks/by-user/${worker2.user.id}`, { token: worker.token });
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  test.each(['supervisor', 'admin'] as const)('a %s lists any user\'s tasks', async (role) => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    expect((await listFor(worker2.user.id, ROLES[role].token)).map((item) => item.task_id)).toContain(task.id);
  });

  test('an unknown user → 404 for a supervisor, 403 for a worker', async () => {
    expect((await t.request('GET', '/api/tasks/by-user/nobody', { token: supervisor.token })).status).toBe(404);
    expect((await t.request('GET', '/api/tasks/by-user/nobody', { token: worker.token })).status).toBe(403);
  });

  test('no token → 401', async () => {
    expect((await t.request('GET', `/api/tasks/by-user/${worker.user.id}`)).status).toBe(401);
  });
});

describe('PATCH /api/tasks/:id', () => {
  test.each([
    [PLANNED, 'todo'],
    [IN_PROGRESS, 'in-progress'],
    [DONE, 'done'],
    [SKIPPED, 'skipped'],
  ] as const)('status %i on an atomic todo task → 200 and the task becomes %s', async (status, taskStatus) => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('PATCH', `/api/tasks/${task.id}`, { token: worker.token, body: { status } });
    expect(expectStatus<NumericTaskJson>(res, 200)).toEqual({ task_id: task.id, title: task.title, status, derived_status: status, is_atomic: true, checklist: [] });
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.status).toBe(taskStatus);
  });

  test('status 2 picks an unclaimed task up for the caller, opening a session (as PUT /tasks/:id does)', async () => {
    const task = await createTask(t, supervisor.token);
    await t.request('PATCH', `/api/tasks/${task.id}`, { token: worker.token, body: { status: IN_PROGRESS } });
    expect((await selectRows(db.sql, 'tasks', { id: task.id }))[0]?.claimed_by).toBe(worker.user.id);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task.id, ended_at: null })).toHaveLength(1);
  });

  test('status 2 on a task on hold keeps it on hold (2 already means on-hold too)', async () => {
    const task = await createTask(t, supervisor.token, { status: 'on-hold' });
    const before = await dumpTaskTables(db.sql);
    const res = await t.request('PATCH', `/api/tasks/${task.id}`, { token: worker.token, body: { status: IN_PROGRESS } });
    expect(expectStatus<NumericTaskJson>(res, 200).status).toBe(IN_PROGRESS);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('a task another worker holds → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await refused('PATCH', `/api/tasks/${task.id}`, { token: worker.token, body: { status: DONE } }, 409, 'CONFLICT_CLAIMED');
  });

  test('an unknown task → 404, nothing changed', async () => {
    await refused('PATCH', '/api/tasks/nope', { token: worker.token, body: { status: DONE } }, 404, 'NOT_FOUND');
  });

  test.each([
    ['no status', {}],
    ['status 0', { status: 0 }],
    ['status 5', { status: 5 }],
    ['a string status', { status: '3' }],
    ['a TaskStatus word', { status: 'done' }],
    ['a fractional status', { status: 2.5 }],
    ['a title (not part of this route)', { status: 3, title: 'X' }],
    ['a null body', null],
    ['malformed JSON', '{"status": 3'],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/tasks/${task.id}`, { token: worker.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/tasks/${task.id}`, { token: worker.token }, 400, 'INVALID_INPUT');
  });

  test.each(ROLE_NAMES)('a %s sets the status of an unclaimed atomic task', async (role) => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('PATCH', `/api/tasks/${task.id}`, { token: ROLES[role].token, body: { status: SKIPPED } });
    expect(expectStatus<NumericTaskJson>(res, 200).status).toBe(SKIPPED);
  });

  test('no token → 401, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('PATCH', `/api/tasks/${task.id}`, { body: { status: DONE } }, 401, 'UNAUTHENTICATED');
  });
});

describe('POST /api/checklist-items', () => {
  test('creates an item with a client id → 201 item; status defaults to planned', async () => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('POST', '/api/checklist-items', { token: worker.token, body: { task_id: task.id, title: ' Design ', checklist_item_id: 'design-1' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ checklist_item_id: 'design-1', task_id: task.id, title: 'Design', status: PLANNED });
    expect(await getTask(task.id)).toMatchObject({ is_atomic: false, derived_status: PLANNED });
  });

  test('without an id the server names the item', async () => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('POST', '/api/checklist-items', { token: worker.token, body: { task_id: task.id, title: 'X', status: DONE } });
    const item = expectStatus<NumericChecklistItemJson>(res, 201);
    expect(item.checklist_item_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.status).toBe(DONE);
  });

  test('a retried create (same id, same content) → 201 with the item, nothing duplicated or changed', async () => {
    const task = await createTask(t, supervisor.token);
    const body = { task_id: task.id, title: 'Once', checklist_item_id: 'once-1', status: PLANNED };
    const first = await t.request('POST', '/api/checklist-items', { token: worker.token, body });
    const before = await dumpTaskTables(db.sql);
    const again = await t.request('POST', '/api/checklist-items', { token: worker.token, body });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('the same id with other content → 409 CONFLICT_EXISTS, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await t.request('POST', '/api/checklist-items', { token: worker.token, body: { task_id: task.id, title: 'First', checklist_item_id: 'dup-1' } });
    await refused('POST', '/api/checklist-items', { token: worker.token, body: { task_id: task.id, title: 'Second', checklist_item_id: 'dup-1' } }, 409, 'CONFLICT_EXISTS');
  });

  test('an unknown task → 404, nothing changed', async () => {
    await refused('POST', '/api/checklist-items', { token: worker.token, body: { task_id: 'nope', title: 'X' } }, 404, 'NOT_FOUND');
  });

  test('a worker may not add items to a task another worker holds → 409 CONFLICT_CLAIMED, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    await refused('POST', '/api/checklist-items', { token: worker.token, body: { task_id: task.id, title: 'X' } }, 409, 'CONFLICT_CLAIMED');
  });

  test.each([
    ['no task_id', { title: 'X' }],
    ['no title', { task_id: 'x' }],
    ['an empty title', { task_id: 'x', title: ' ' }],
    ['a numeric task_id', { task_id: 1, title: 'X' }],
    ['status 0', { task_id: 'x', title: 'X', status: 0 }],
    ['a word status', { task_id: 'x', title: 'X', status: 'done' }],
    ['an id with spaces', { task_id: 'x', title: 'X', checklist_item_id: 'a b' }],
    ['an unknown field', { task_id: 'x', title: 'X', position: 3 }],
    ['a null body', null],
    ['malformed JSON', '{"task_id": "x",'],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    await refused('POST', '/api/checklist-items', { token: worker.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    await refused('POST', '/api/checklist-items', { token: worker.token }, 400, 'INVALID_INPUT');
  });

  test.each(ROLE_NAMES)('a %s adds items to an unclaimed task', async (role) => {
    const task = await createTask(t, supervisor.token);
    const res = await t.request('POST', '/api/checklist-items', { token: ROLES[role].token, body: { task_id: task.id, title: 'X' } });
    expect(res.status).toBe(201);
  });

  test('no token → 401, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await refused('POST', '/api/checklist-items', { body: { task_id: task.id, title: 'X' } }, 401, 'UNAUTHENTICATED');
  });
});

describe('PATCH /api/checklist-items/:id', () => {
  test('a status change → 200 item, and the task follows', async () => {
    const { id, itemIds } = await taskWithItems([PLANNED, PLANNED]);
    const itemId = itemIds[0] ?? '';
    const res = await t.request('PATCH', `/api/checklist-items/${itemId}`, { token: supervisor.token, body: { status: DONE } });
    expect(res.body).toEqual({ checklist_item_id: itemId, task_id: id, title: 'Item 1', status: DONE });
    expect((await getTask(id)).derived_status).toBe(IN_PROGRESS);
  });

  test('a title change → 200 item; the derived status stays', async () => {
    const { id, itemIds } = await taskWithItems([DONE]);
    const res = await t.request('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token, body: { title: 'Renamed' } });
    expect(expectStatus<NumericChecklistItemJson>(res, 200)).toMatchObject({ title: 'Renamed', status: DONE });
    expect((await getTask(id)).derived_status).toBe(DONE);
  });

  test('status and title together', async () => {
    const { id, itemIds } = await taskWithItems([PLANNED]);
    const res = await t.request('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token, body: { status: SKIPPED, title: 'Not needed' } });
    expect(expectStatus<NumericChecklistItemJson>(res, 200)).toMatchObject({ title: 'Not needed', status: SKIPPED });
    expect((await getTask(id)).derived_status).toBe(SKIPPED);
  });

  test('a worker may not change items of a task another worker holds (both fields) → 409, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    const itemId = await addItem(t, worker2.token, task.id, PLANNED);
    await refused('PATCH', `/api/checklist-items/${itemId}`, { token: worker.token, body: { status: DONE, title: 'Mine' } }, 409, 'CONFLICT_CLAIMED');
  });

  test('a deleted item → 404, nothing changed', async () => {
    const { itemIds } = await taskWithItems([PLANNED, PLANNED]);
    await t.request('DELETE', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token });
    await refused('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token, body: { status: DONE } }, 404, 'NOT_FOUND');
  });

  test('an unknown item → 404, nothing changed', async () => {
    await refused('PATCH', '/api/checklist-items/nope', { token: supervisor.token, body: { status: DONE } }, 404, 'NOT_FOUND');
  });

  test.each([
    ['an empty object', {}],
    ['status 9', { status: 9 }],
    ['a string status', { status: '2' }],
    ['an empty title', { title: '' }],
    ['an unknown field', { status: 2, task_id: 'other' }],
    ['a null body', null],
    ['malformed JSON', '{'],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const { itemIds } = await taskWithItems([PLANNED]);
    await refused('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    const { itemIds } = await taskWithItems([PLANNED]);
    await refused('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token }, 400, 'INVALID_INPUT');
  });

  test.each(ROLE_NAMES)('a %s renames an item of an unclaimed task', async (role) => {
    const { itemIds } = await taskWithItems([PLANNED]);
    const res = await t.request('PATCH', `/api/checklist-items/${itemIds[0]}`, { token: ROLES[role].token, body: { title: `By ${role}` } });
    expect(expectStatus<NumericChecklistItemJson>(res, 200).title).toBe(`By ${role}`);
  });

  test('no token → 401, nothing changed', async () => {
    const { itemIds } = await taskWithItems([PLANNED]);
    await refused('PATCH', `/api/checklist-items/${itemIds[0]}`, { body: { status: DONE } }, 401, 'UNAUTHENTICATED');
  });
});

describe('DELETE /api/checklist-items/:id', () => {
  test('→ 204 and the item is soft-deleted (the row stays with deleted_at)', async () => {
    const { itemIds } = await taskWithItems([PLANNED, DONE]);
    const itemId = itemIds[0] ?? '';
    const res = await t.request('DELETE', `/api/checklist-items/${itemId}`, { token: supervisor.token });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await selectRows(db.sql, 'checklist_items', { id: itemId })).toMatchObject([{ deleted_at: t.clock() }]);
  });

  test('deleting it again → 204 and nothing changes', async () => {
    const { itemIds } = await taskWithItems([PLANNED]);
    await t.request('DELETE', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token });
    const before = await dumpTaskTables(db.sql);
    expect((await t.request('DELETE', `/api/checklist-items/${itemIds[0]}`, { token: supervisor.token })).status).toBe(204);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('an unknown item → 404, nothing changed', async () => {
    await refused('DELETE', '/api/checklist-items/nope', { token: supervisor.token }, 404, 'NOT_FOUND');
  });

  test('a malformed id → 400, nothing changed', async () => {
    await refused('DELETE', '/api/checklist-items/a%20b', { token: supervisor.token }, 400, 'INVALID_INPUT');
  });

  test('a worker may not delete items of a task another worker holds → 409, nothing changed', async () => {
    const task = await createTask(t, supervisor.token);
    await taskAction(t, worker2.token, task.id, 'claim');
    const itemId = await addItem(t, worker2.token, task.id, PLANNED);
    await refused('DELETE', `/api/checklist-items/${itemId}`, { token: worker.token }, 409, 'CONFLICT_CLAIMED');
  });

  test.each(ROLE_NAMES)('a %s deletes an item of an unclaimed task', async (role) => {
    const { itemIds } = await taskWithItems([PLANNED]);
    expect((await t.request('DELETE', `/api/checklist-items/${itemIds[0]}`, { token: ROLES[role].token })).status).toBe(204);
  });

  test('no token → 401, nothing changed', async () => {
    const { itemIds } = await taskWithItems([PLANNED]);
    await refused('DELETE', `/api/checklist-items/${itemIds[0]}`, {}, 401, 'UNAUTHENTICATED');
  });
});
