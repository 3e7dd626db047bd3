/**
 * One task as the worker's lists show it: its status, my time on it, its
 * checklist summary and the actions the rules would accept now. Shared by
 * the work home (my tasks, open pool) and the task detail.
 *
 * Invariants:
 *  1. Time is the shared timer (`elapsedMs`): my closed time on the task (my
 *     user_task_totals row) plus my open session's running time, if any.
 *  2. A task with live checklist items shows the derived status
 *     (`deriveTaskStatus`); `checklist` is null exactly for atomic tasks.
 *  3. An action is offered only when the shared rules accept it now
 *     (rule-probe.ts), and only when it would change something.
 */
import { ChecklistStatus, deriveTaskStatus, elapsedMs, getRow, liveItems, workState } from '@stint/shared';
import type { Actor, ChecklistItemRow, Millis, State, TaskRow, TaskStatus, WorkSessionRow, WorkState } from '@stint/shared';
import type { Probe } from './rule-probe.ts';

export interface ChecklistSummary {
  /** The status the task's checklist derives. */
  readonly derived: ChecklistStatus;
  /** Live items marked done. */
  readonly done: number;
  /** Live (not deleted) items. */
  readonly total: number;
}

export interface TaskActions {
  readonly claim: boolean;
  readonly release: boolean;
  readonly start: boolean;
  readonly pause: boolean;
  readonly complete: boolean;
}

export interface TaskCardModel {
  readonly id: string;
  readonly title: string;
  readonly status: TaskStatus;
  readonly workState: WorkState;
  /** My time on the task at `now` (invariant 1). */
  readonly elapsedMs: number;
  /** I have an open work session on it. */
  readonly running: boolean;
  readonly claimedByMe: boolean;
  readonly checklist: ChecklistSummary | null;
  readonly actions: TaskActions;
}

export function taskCardModel(state: State, actor: Actor, now: Millis, task: TaskRow, probe: Probe): TaskCardModel {
  const open = openSessionOf(state, task.id);
  const mine = open !== null && open.user_id === actor.user_id ? open : null;
  const accumulated = getRow(state, 'user_task_totals', [actor.user_id, task.id])?.accumulated_ms ?? 0;
  const ref = { task_id: task.id };
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    workState: workState(task, open),
    elapsedMs: elapsedMs(accumulated, mine, now),
    running: mine !== null,
    claimedByMe: task.claimed_by === actor.user_id,
    checklist: checklistSummary(itemsOf(state, task.id)),
    actions: {
      claim: probe.changes('task.claim', ref),
      release: probe.changes('task.release', ref),
      start: probe.changes('work.start', ref),
      pause: probe.changes('work.pause', ref),
      complete: probe.changes('task.complete', ref),
    },
  };
}

/** The summary of a task's checklist, or null for an atomic task (invariant 2). */
export function checklistSummary(items: readonly ChecklistItemRow[]): ChecklistSummary | null {
  const live = liveItems(items);
  if (live.length === 0) return null;
  return { derived: deriveTaskStatus(live), done: live.filter((item) => item.status === ChecklistStatus.done).length, total: live.length };
}

/** The task's open session (I1: at most one). */
export function openSessionOf(state: State, taskId: string): WorkSessionRow | null {
  for (const session of state.work_sessions.values()) {
    if (session.task_id === taskId && session.ended_at === null) return session;
  }
  return null;
}

/** All of a task's checklist items (deleted ones included), by position. */
export function itemsOf(state: State, taskId: string): ChecklistItemRow[] {
  return [...state.checklist_items.values()]
    .filter((item) => item.task_id === taskId)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

