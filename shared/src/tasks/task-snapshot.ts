/**
 * What a task rule reads: one task and the rows its lifecycle touches.
 * Executors load it (the server with `SELECT … FOR UPDATE` on the task row,
 * the local view from memory) and pass it to a rule; the rule answers with
 * effects on exactly these rows.
 */
import type { ChecklistItemRow, TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import type { State } from '../state.ts';

export interface TaskSnapshot {
  readonly task: TaskRow;
  /** I1: at most one open session per task. */
  readonly open_session: WorkSessionRow | null;
  /**
   * The task's most recently started closed session: the one late evidence
   * may extend when the sweep closed it (DESIGN §3.1). Sessions of a task
   * never overlap (I5), so it is also the one that ended last.
   */
  readonly last_closed_session: WorkSessionRow | null;
  /** The task's checklist items (may include soft-deleted ones; use liveItems). */
  readonly items: readonly ChecklistItemRow[];
  /** This task's per-user totals rows that exist. */
  readonly totals: readonly UserTaskTotalRow[];
}

/**
 * The snapshot of one task out of an in-memory state, or null when the task
 * does not exist. Scans the session, item and total tables once each: fine
 * for tests and a person's local view, not meant for the server.
 */
export function snapshotOf(state: State, taskId: string): TaskSnapshot | null {
  const task = state.tasks.get(taskId);
  if (task === undefined) return null;
  let open_session: WorkSessionRow | null = null;
  let last_closed_session: WorkSessionRow | null = null;
  for (const session of state.work_sessions.values()) {
    if (session.task_id !== taskId) continue;
    if (session.ended_at === null) open_session = session;
    else if (last_closed_session === null || startedLater(session, last_closed_session)) last_closed_session = session;
  }
  const items = [...state.checklist_items.values()].filter((item) => item.task_id === taskId);
  const totals = [...state.user_task_totals.values()].filter((total) => total.task_id === taskId);
  return { task, open_session, last_closed_session, items, totals };
}

/** Order of a task's sessions: by start, then end, then id, so every executor picks the same one. */
export function startedLater(a: WorkSessionRow, b: WorkSessionRow): boolean {
  if (a.started_at !== b.started_at) return a.started_at > b.started_at;
  if ((a.ended_at ?? Infinity) !== (b.ended_at ?? Infinity)) return (a.ended_at ?? Infinity) > (b.ended_at ?? Infinity);
  return a.id > b.id;
}
