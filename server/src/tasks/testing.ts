/**
 * Test helpers for the task, work-session and checklist routes: the rows
 * those routes may change (to prove a refused request changed nothing), and
 * shortcuts that set up state through the HTTP API itself, so setup takes
 * the same path as the behaviour under test.
 */
import type { ChecklistItemRow, ChecklistStatus, TaskRow, TaskStatus, UserRow, UserTaskTotalRow, WorkSessionRow } from '@stint/shared';
import { selectRows } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';
import type { TestApp, TestResponse } from '../testing/test-app.ts';
import type { TaskJson } from './task-json.ts';

/** Every row a task route can change. applied_intents is left out: a refused intent is logged there by design. */
export interface TaskTablesDump {
  readonly tasks: TaskRow[];
  readonly checklist_items: ChecklistItemRow[];
  readonly work_sessions: WorkSessionRow[];
  readonly user_task_totals: UserTaskTotalRow[];
}

export async function dumpTaskTables(db: Queryable): Promise<TaskTablesDump> {
  const [tasks, checklist_items, work_sessions, user_task_totals] = await Promise.all([
    selectRows(db, 'tasks'),
    selectRows(db, 'checklist_items'),
    selectRows(db, 'work_sessions'),
    selectRows(db, 'user_task_totals'),
  ]);
  return { tasks, checklist_items, work_sessions, user_task_totals };
}

export interface Person {
  readonly user: UserRow;
  readonly token: string;
}

/** The people most tests need: two workers, a supervisor, an admin. */
export interface Cast {
  readonly worker: Person;
  readonly worker2: Person;
  readonly supervisor: Person;
  readonly admin: Person;
}

export async function signInCast(t: TestApp): Promise<Cast> {
  const [worker, worker2, supervisor, admin] = await Promise.all([
    t.signIn('worker'),
    t.signIn('worker'),
    t.signIn('supervisor'),
    t.signIn('admin'),
  ]);
  return { worker, worker2, supervisor, admin };
}

let counter = 0;

/** A fresh task id, unique within the test file. */
export function newTaskId(prefix = 'task'): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Creates a task through POST /api/v1/tasks and returns its JSON (throws unless 201). */
export async function createTask(
  t: TestApp,
  token: string,
  body: { readonly title?: string; readonly status?: TaskStatus; readonly id?: string } = {},
): Promise<TaskJson> {
  const res = await t.request('POST', '/api/v1/tasks', { token, body: { title: 'A task', id: newTaskId(), ...body } });
  return expectStatus<{ data: TaskJson }>(res, 201).data;
}

/** Adds a checklist item through POST /api/checklist-items; returns its id. */
export async function addItem(t: TestApp, token: string, taskId: string, status: ChecklistStatus, title = 'An item'): Promise<string> {
  const res = await t.request('POST', '/api/checklist-items', { token, body: { task_id: taskId, title, status } });
  return expectStatus<{ checklist_item_id: string }>(res, 201).checklist_item_id;
}

/** A POST /api/v1/tasks/{id}/{action} that must succeed. */
export async function taskAction(t: TestApp, token: string, taskId: string, action: 'claim' | 'release' | 'complete'): Promise<TaskJson> {
  const res = await t.request('POST', `/api/v1/tasks/${taskId}/${action}`, { token });
  return expectStatus<{ data: TaskJson }>(res, 200).data;
}

/** The body of a response with the expected status; otherwise throws with the body, so setup failures explain themselves. */
export function expectStatus<T>(res: TestResponse, status: number): T {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** The error body's code and message. */
export function errorOf(res: TestResponse): { code: string; message: string; details: Record<string, unknown> } {
  return (res.body as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
}

export interface RequestShape {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * Sends a request that must be refused with `status` and `code`, and proves it
 * changed no task table. Throws (with the answer) otherwise.
 */
export async function expectRefused(
  t: TestApp,
  db: Queryable,
  request: { readonly method: string; readonly path: string } & RequestShape,
  status: number,
  code: string,
): Promise<TestResponse> {
  const { method, path, ...options } = request;
  const before = await dumpTaskTables(db);
  const res = await t.request(method, path, options);
  if (res.status !== status || errorOf(res).code !== code) {
    throw new Error(`expected HTTP ${status} ${code}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const after = await dumpTaskTables(db);
  if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`${method} ${path} was refused but changed task tables`);
  return res;
}
