/**
 * Read-side queries for tasks: one task with what its views need (its open
 * session and its checklist items), lists of them, and a task's sessions.
 * Reads only: every change goes through runIntent.
 *
 * Invariants:
 *  1. A bundle's `open_session` is the task's session with ended_at IS NULL
 *     (I1 makes it unique); `items` are all the task's items, soft-deleted
 *     ones included, in position order (views apply `liveItems`).
 *  2. Lists are ordered by created_at, then id, so clients and tests see a
 *     stable order.
 *  3. A missing task is NOT_FOUND with the rules' message and details, so a
 *     404 reads the same whether a read or a rule found it missing.
 */
import { domainError, unreachable } from '@stint/shared';
import type { ChecklistItemRow, TaskRow, WorkSessionRow } from '@stint/shared';
import { columnsOf } from '../db/columns.ts';
import { readRows, selectRows } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';

export interface TaskBundle {
  readonly task: TaskRow;
  readonly open_session: WorkSessionRow | null;
  readonly items: readonly ChecklistItemRow[];
}

/** Which tasks a list shows. */
export type TaskFilter =
  | { readonly kind: 'all' }
  /** Tasks claimed by the user (the numeric by-user list). */
  | { readonly kind: 'claimed_by'; readonly user_id: string }
  /** A worker's list: tasks claimed by them plus the unclaimed pool. */
  | { readonly kind: 'mine_and_pool'; readonly user_id: string };

export async function findTaskBundle(db: Queryable, taskId: string): Promise<TaskBundle | undefined> {
  const [bundle] = await bundlesOf(db, await selectRows(db, 'tasks', { id: taskId }));
  return bundle;
}

/** The task's bundle, or NOT_FOUND (invariant 3). */
export async function requireTaskBundle(db: Queryable, taskId: string): Promise<TaskBundle> {
  const bundle = await findTaskBundle(db, taskId);
  if (bundle === undefined) throw taskNotFound(taskId);
  return bundle;
}

export async function listTaskBundles(db: Queryable, filter: TaskFilter): Promise<TaskBundle[]> {
  return bundlesOf(db, await selectTasks(db, filter));
}

/** Every session of a task, open or closed, oldest first. */
export async function taskSessions(db: Queryable, taskId: string): Promise<WorkSessionRow[]> {
  const sessions = await selectRows(db, 'work_sessions', { task_id: taskId });
  return sessions.sort((a, b) => a.started_at - b.started_at || compareIds(a.id, b.id));
}

export function taskNotFound(taskId: string) {
  return domainError('NOT_FOUND', 'Task not found', { task_id: taskId });
}

async function selectTasks(db: Queryable, filter: TaskFilter): Promise<TaskRow[]> {
  const columns = db(columnsOf('tasks') as string[]);
  let raws: readonly RawRow[];
  switch (filter.kind) {
    case 'all':
      raws = await db`SELECT ${columns} FROM tasks ORDER BY created_at, id`;
      break;
    case 'claimed_by':
      raws = await db`SELECT ${columns} FROM tasks WHERE claimed_by = ${filter.user_id} ORDER BY created_at, id`;
      break;
    case 'mine_and_pool':
      raws = await db`
        SELECT ${columns} FROM tasks
        WHERE claimed_by = ${filter.user_id} OR claimed_by IS NULL
        ORDER BY created_at, id`;
      break;
    default:
      return unreachable(filter);
  }
  return readRows('tasks', raws);
}

/** Open sessions and items for many tasks in two queries, grouped per task. */
async function bundlesOf(db: Queryable, tasks: readonly TaskRow[]): Promise<TaskBundle[]> {
  if (tasks.length === 0) return [];
  const ids = tasks.map((task) => task.id);
  const [open, items] = await Promise.all([
    selectRows(db, 'work_sessions', { task_id: ids, ended_at: null }),
    selectRows(db, 'checklist_items', { task_id: ids }),
  ]);
  const openByTask = new Map(open.map((session) => [session.task_id, session]));
  const itemsByTask = new Map<string, ChecklistItemRow[]>();
  for (const item of items.sort((a, b) => a.position - b.position || compareIds(a.id, b.id))) {
    const list = itemsByTask.get(item.task_id);
    if (list === undefined) itemsByTask.set(item.task_id, [item]);
    else list.push(item);
  }
  return tasks.map((task) => ({
    task,
    open_session: openByTask.get(task.id) ?? null,
    items: itemsByTask.get(task.id) ?? [],
  }));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
