/**
 * Derived views of work: who works on a task now, the task's work_state,
 * and a person's list of active sessions ("Now Working"). Pure reads of rows;
 * routes format them (ISO times, whole seconds) at the edge.
 *
 * Invariants:
 *  1. work_state is derived, never stored: completed if done, else ongoing if
 *     a session is open, else claimed if claimed, else available. ongoing
 *     implies claimed (I3), so the order only matters for broken data.
 *  2. Elapsed time = closed time + the open session's running time; it never
 *     goes below the closed time, even for a clock behind started_at.
 */
import { TaskStatus } from '../rows.ts';
import type { TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import type { Millis } from '../time.ts';

export const WorkState = { available: 'available', claimed: 'claimed', ongoing: 'ongoing', completed: 'completed' } as const;
export type WorkState = (typeof WorkState)[keyof typeof WorkState];
export const WORK_STATES: readonly WorkState[] = Object.values(WorkState);

export function workState(task: Pick<TaskRow, 'status' | 'claimed_by'>, openSession: WorkSessionRow | null): WorkState {
  if (task.status === TaskStatus.done) return WorkState.completed;
  if (openSession !== null) return WorkState.ongoing;
  if (task.claimed_by !== null) return WorkState.claimed;
  return WorkState.available;
}

/** `ongoing_by`: who is working on the task right now. */
export function ongoingBy(openSession: WorkSessionRow | null): { readonly user_id: string } | null {
  return openSession === null ? null : { user_id: openSession.user_id };
}

/** The timer: `accumulated + (as_of − started_at)` while a session is open. */
export function elapsedMs(accumulatedMs: number, openSession: WorkSessionRow | null, now: Millis): number {
  if (openSession === null || openSession.ended_at !== null) return accumulatedMs;
  return accumulatedMs + Math.max(0, now - openSession.started_at);
}

/** One entry of `active_sessions`, before the route formats it. */
export interface ActiveSessionView {
  readonly task_id: string;
  readonly started_at: Millis;
  /** The user's closed time on this task (its user_task_totals row; 0 when none). */
  readonly accumulated_ms: number;
}

/** The user's open sessions (0..N, one per task), oldest first, with their closed time per task. */
export function activeSessionsOf(
  userId: string,
  openSessions: Iterable<WorkSessionRow>,
  totals: Iterable<UserTaskTotalRow>,
): ActiveSessionView[] {
  const closedByTask = new Map<string, number>();
  for (const total of totals) {
    if (total.user_id === userId) closedByTask.set(total.task_id, total.accumulated_ms);
  }
  const views: ActiveSessionView[] = [];
  for (const session of openSessions) {
    if (session.user_id !== userId || session.ended_at !== null) continue;
    views.push({ task_id: session.task_id, started_at: session.started_at, accumulated_ms: closedByTask.get(session.task_id) ?? 0 });
  }
  return views.sort((a, b) => a.started_at - b.started_at || (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0));
}
