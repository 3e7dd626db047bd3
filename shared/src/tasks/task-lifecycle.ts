/**
 * The core task status transition (DESIGN §2 I2). Manual status changes,
 * start/pause/complete/release and checklist-derived changes all move a task
 * through `moveTask`, so sessions open and close the same way whoever causes
 * the change.
 *
 * Invariants kept:
 *  I1 at most one open session per task: entering in-progress first closes any
 *     session still open (the sanity check of seeds/000-task-status-drives-sessions.md §1.B.1), then opens one.
 *  I2 open session ⇔ status in-progress: → in-progress opens one for the actor,
 *     any other target closes it.
 *  I3 only the claimer opens a session; an unclaimed task entering
 *     in-progress is picked up (claimed) by the actor. A worker may change
 *     only an unclaimed task or their own; supervisors and admins may close
 *     anyone's.
 *  I4 closing a session adds its duration to task.time_spent_ms and to the
 *     (session user, task) total in the same effects.
 *  I5 a transition never moves the task's clock backwards: it happens at
 *     `transitionTime` = max(now, lastEventAt). With the server's monotone
 *     clock that is just `now`; for an offline intent replayed late it is the
 *     clamp DESIGN §3 asks for, and it makes "durations ≥ 0, sessions never
 *     overlap" true by construction.
 */
import { isSupervisor } from '../context.ts';
import type { Actor, RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import type { Millis } from '../time.ts';
import { claimedConflict, invalidState } from './task-errors.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** A transition before it becomes effects: the task's next row plus the session and total rows it writes. */
export interface TaskPlan {
  readonly task: TaskRow;
  readonly rows: readonly Effect[];
}

/** Moves a task to `target`, opening or closing its work session (I2); `reason` names why a session ends. */
export function moveTask(snap: TaskSnapshot, target: TaskStatus, ctx: RuleContext, reason: EndReason): Result<Effect[]> {
  const plan = planMove(snap, target, ctx, reason);
  return plan.ok ? ok(planEffects(snap, plan.value)) : plan;
}

/** `moveTask` as a plan, for rules that change more of the task in the same step (release). */
export function planMove(snap: TaskSnapshot, target: TaskStatus, ctx: RuleContext, reason: EndReason): Result<TaskPlan> {
  const { task } = snap;
  if (target === task.status) return ok({ task, rows: [] });
  const at = transitionTime(snap, ctx.now);
  if (target === TaskStatus.inProgress) {
    if (task.status === TaskStatus.done) return err(invalidState(task, 'A done task cannot be resumed; reopen it first'));
    if (task.claimed_by !== null && task.claimed_by !== ctx.actor.user_id) return err(claimedConflict(task));
    const closed = closeOpenSession(snap, at, reason, at);
    const session: WorkSessionRow = {
      id: ctx.newId('session'),
      task_id: task.id,
      user_id: ctx.actor.user_id,
      started_at: at,
      last_heartbeat_at: at,
      ended_at: null,
      ended_reason: null,
      zone: ctx.zone,
      offline: ctx.offline,
      created_at: at,
      closed_at: null,
      extended_by_owner: false,
    };
    // Entering in-progress is a pick-up (seeds/000-task-status-drives-sessions.md §1.B.3), so the pick-up time is now.
    const next: TaskRow = { ...closed.task, status: target, claimed_by: ctx.actor.user_id, assigned_at: at, updated_at: stamp(task, at) };
    return ok({ task: next, rows: [...closed.rows, put('work_sessions', session)] });
  }
  if (!mayChange(task, ctx.actor)) return err(claimedConflict(task));
  const closed = closeOpenSession(snap, at, reason, at);
  return ok({ task: { ...closed.task, status: target, updated_at: stamp(task, at) }, rows: closed.rows });
}

/**
 * Closes the task's open session at `endedAt` (no-op without one): the
 * session row, the (user, task) total — created when missing — and the
 * task's time_spent, all in one plan (I4). The task row is not yet written.
 */
export function closeOpenSession(snap: TaskSnapshot, endedAt: Millis, reason: EndReason, at: Millis): TaskPlan {
  const open = snap.open_session;
  if (open === null) return { task: snap.task, rows: [] };
  const ended_at = Math.max(endedAt, open.started_at);
  const duration = ended_at - open.started_at;
  const previous = snap.totals.find((t) => t.user_id === open.user_id && t.task_id === open.task_id);
  const total: UserTaskTotalRow = {
    user_id: open.user_id,
    task_id: open.task_id,
    accumulated_ms: (previous?.accumulated_ms ?? 0) + duration,
    updated_at: Math.max(at, previous?.updated_at ?? at),
  };
  return {
    task: { ...snap.task, time_spent_ms: snap.task.time_spent_ms + duration },
    rows: [put('work_sessions', { ...open, ended_at, ended_reason: reason, closed_at: at }), put('user_task_totals', total)],
  };
}

/** The moment a transition takes effect: now, never before the task's last recorded event (I5). */
export function transitionTime(snap: TaskSnapshot, now: Millis): Millis {
  return Math.max(now, lastEventAt(snap));
}

/**
 * The latest recorded event of a task, the floor of any change to it (and of
 * an offline intent's corrected time, DESIGN §3): the task row's last change
 * and its open session's last heartbeat. When the stale sweep made the last
 * change, the sweep's own time does not count: the last event is the closed
 * session's last evidence, so late evidence and a late pause can land
 * between the two (DESIGN §3.1).
 */
export function lastEventAt(snap: TaskSnapshot): Millis {
  const { task, open_session: open, last_closed_session: closed } = snap;
  if (open !== null) return Math.max(task.updated_at, open.last_heartbeat_at);
  if (closed !== null && untouchedSinceSweep(snap, closed)) return closed.ended_at ?? task.updated_at;
  return task.updated_at;
}

/** The session was closed by the stale sweep and the task is as the sweep left it: on hold, same claimer, no change recorded since. */
export function untouchedSinceSweep(snap: TaskSnapshot, session: WorkSessionRow): boolean {
  const { task } = snap;
  return (
    session.ended_reason === EndReason.staleTimeout &&
    session.closed_at !== null &&
    task.updated_at <= session.closed_at &&
    task.status === TaskStatus.onHold &&
    task.claimed_by === session.user_id
  );
}

/** A plan as effects; an unchanged plan is no effects at all. */
export function planEffects(snap: TaskSnapshot, plan: TaskPlan): Effect[] {
  if (plan.task === snap.task && plan.rows.length === 0) return [];
  return [put('tasks', plan.task), ...plan.rows];
}

/**
 * A task row's updated_at after a change at `at`: never earlier than it was.
 * `at` can be earlier when the last change was the stale sweep's, which
 * `lastEventAt` does not count; the row's own clock still never runs back.
 */
export function stamp(task: TaskRow, at: Millis): Millis {
  return Math.max(at, task.updated_at);
}

/** I3 for changes that open nothing: a worker may change an unclaimed task or their own. */
export function mayChange(task: TaskRow, actor: Actor): boolean {
  return task.claimed_by === null || task.claimed_by === actor.user_id || isSupervisor(actor);
}
