/**
 * Checks DESIGN §2's task invariants over a whole in-memory state. Property
 * tests, the multi-device simulation and server consistency tests run it
 * after every step; it is one pass over each table plus a sort of each task's
 * sessions, so it stays fast on large states.
 *
 *  I1 at most one open session per task.
 *  I2 a task has an open session iff its status is in-progress.
 *  I3 an open session belongs to the task's claimer; a task has a pick-up
 *     time iff it is claimed.
 *  I4 task.time_spent_ms = sum of its closed session durations; each
 *     (user, task) total = sum of that user's closed durations on the task,
 *     and exists whenever such a session does; every session has its task.
 *  I5 timestamps are finite, durations ≥ 0, heartbeats not before the start,
 *     an ended session has a reason (and only then), a task's sessions never
 *     overlap.
 *  I6 a task with live checklist items has numericStatus(status) = deriveTaskStatus(items).
 */
import { displayedStatus, liveItems, numericStatus } from '../checklist/derive.ts';
import { TaskStatus } from '../rows.ts';
import type { ChecklistItemRow, TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import type { State } from '../state.ts';

export interface TaskTables {
  readonly tasks: Iterable<TaskRow>;
  readonly sessions: Iterable<WorkSessionRow>;
  readonly totals: Iterable<UserTaskTotalRow>;
  readonly items: Iterable<ChecklistItemRow>;
}

export type TaskInvariant = 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6';

export interface InvariantViolation {
  readonly invariant: TaskInvariant;
  /** The task, session or `user/task` total concerned. */
  readonly entity_id: string;
  readonly message: string;
}

export function taskTablesOf(state: State): TaskTables {
  return {
    tasks: state.tasks.values(),
    sessions: state.work_sessions.values(),
    totals: state.user_task_totals.values(),
    items: state.checklist_items.values(),
  };
}

export function checkTaskInvariants(state: TaskTables): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const report = (invariant: TaskInvariant, entity_id: string, message: string): void => {
    out.push({ invariant, entity_id, message });
  };
  const tasks = new Map<string, TaskRow>();
  for (const task of state.tasks) tasks.set(task.id, task);
  const sessionsByTask = groupBy(state.sessions, (s) => s.task_id);
  const itemsByTask = groupBy(state.items, (i) => i.task_id);
  const closedByUserTask = new Map<string, number>();

  for (const [taskId, sessions] of sessionsByTask) {
    if (!tasks.has(taskId)) report('I4', taskId, `${sessions.length} session(s) of a task that does not exist`);
    for (const s of sessions) {
      checkSession(s, report);
      if (s.ended_at !== null) {
        const key = totalKey(s.user_id, s.task_id);
        closedByUserTask.set(key, (closedByUserTask.get(key) ?? 0) + (s.ended_at - s.started_at));
      }
    }
  }

  for (const task of tasks.values()) {
    const sessions = sessionsByTask.get(task.id) ?? [];
    checkTask(task, sessions, itemsByTask.get(task.id) ?? [], report);
  }

  const seenTotals = new Set<string>();
  for (const total of state.totals) {
    const key = totalKey(total.user_id, total.task_id);
    seenTotals.add(key);
    const expected = closedByUserTask.get(key) ?? 0;
    if (total.accumulated_ms !== expected) {
      report('I4', key, `accumulated_ms ${total.accumulated_ms} ≠ closed session time ${expected}`);
    }
    if (total.accumulated_ms < 0) report('I4', key, 'accumulated_ms is negative');
  }
  for (const key of closedByUserTask.keys()) {
    if (!seenTotals.has(key)) report('I4', key, 'closed sessions but no user_task_totals row');
  }
  return out;
}

type Report = (invariant: TaskInvariant, entityId: string, message: string) => void;

function checkSession(s: WorkSessionRow, report: Report): void {
  const times = [s.started_at, s.last_heartbeat_at, s.created_at, ...(s.ended_at === null ? [] : [s.ended_at])];
  if (!times.every(Number.isFinite)) report('I5', s.id, 'a timestamp is not a finite number');
  if (s.last_heartbeat_at < s.started_at) report('I5', s.id, 'last heartbeat before the start');
  if (s.ended_at !== null && s.ended_at < s.started_at) report('I5', s.id, 'negative duration');
  if ((s.ended_at === null) !== (s.ended_reason === null)) report('I5', s.id, 'ended_reason set iff ended_at is');
}

function checkTask(task: TaskRow, sessions: WorkSessionRow[], items: ChecklistItemRow[], report: Report): void {
  const open = sessions.filter((s) => s.ended_at === null);
  if (open.length > 1) report('I1', task.id, `${open.length} open sessions`);
  if ((open.length > 0) !== (task.status === TaskStatus.inProgress)) {
    report('I2', task.id, `status ${task.status} with ${open.length} open session(s)`);
  }
  for (const s of open) {
    if (s.user_id !== task.claimed_by) report('I3', task.id, `open session of ${s.user_id}, claimed by ${String(task.claimed_by)}`);
  }
  if ((task.claimed_by === null) !== (task.assigned_at === null)) report('I3', task.id, 'pick-up time set iff claimed');

  let closed = 0;
  for (const s of sessions) if (s.ended_at !== null) closed += s.ended_at - s.started_at;
  if (task.time_spent_ms !== closed) report('I4', task.id, `time_spent_ms ${task.time_spent_ms} ≠ closed session time ${closed}`);

  if (![task.created_at, task.updated_at, task.time_spent_ms].every(Number.isFinite)) report('I5', task.id, 'a number is not finite');
  // Sorted by start, zero-length sessions before a session starting at the same instant.
  const ordered = [...sessions].sort((a, b) => a.started_at - b.started_at || (a.ended_at ?? Infinity) - (b.ended_at ?? Infinity));
  for (let i = 1; i < ordered.length; i++) {
    const prev = ordered[i - 1]!;
    const next = ordered[i]!;
    if (prev.ended_at === null || prev.ended_at > next.started_at) report('I5', task.id, `sessions ${prev.id} and ${next.id} overlap`);
  }

  if (liveItems(items).length > 0 && numericStatus(task.status) !== displayedStatus(task.status, items)) {
    report('I6', task.id, `status ${task.status} but checklist derives ${displayedStatus(task.status, items)}`);
  }
}

function groupBy<T>(rows: Iterable<T>, key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [row]);
    else group.push(row);
  }
  return groups;
}

function totalKey(userId: string, taskId: string): string {
  return JSON.stringify([userId, taskId]);
}
