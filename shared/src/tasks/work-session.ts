/**
 * Seed 003's own work-session intents (`POST /api/v1/me/work-sessions/start|
 * pause|heartbeat {task_id}`, intents `work.start|pause|heartbeat`). A person
 * may have any number of tasks in progress at once (0..N); each task has at
 * most one open session.
 *
 * Invariants:
 *  I3 only the claimer starts: start does not claim (unclaimed or claimed by
 *     another → 409 CONFLICT_CLAIMED); a done task never gets a session (409
 *     CONFLICT_INVALID_STATE).
 *  I1 start while the caller's session is open is idempotent: no second session.
 *  I2 start = → in-progress, pause = → on-hold (reason `pause`), both via
 *     moveTask; pause with nothing of the caller's open is a no-op (200).
 *  I6 a checklist task may be started only while its items say "in progress"
 *     (numeric 2), so on-hold ↔ in-progress keeps status = derived; otherwise
 *     400 STATUS_DERIVED (its items, not a timer, decide its status).
 *  I5 a heartbeat only moves the caller's open session's last_heartbeat_at
 *     forward; without one it is 409 CONFLICT_INVALID_STATE.
 */
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { deriveTaskStatus, isAtomic, liveItems } from '../checklist/derive.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { ChecklistStatus, EndReason, TaskStatus } from '../rows.ts';
import { claimedConflict, invalidState, statusDerived } from './task-errors.ts';
import { moveTask } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export function startWork(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const { task, open_session } = snap;
  const me = ctx.actor.user_id;
  if (task.status === TaskStatus.done) return err(invalidState(task, 'A done task cannot be started'));
  if (task.claimed_by !== me) return err(claimedConflict(task, task.claimed_by === null ? 'Claim the task before starting work on it' : undefined));
  if (open_session !== null) {
    if (open_session.user_id === me) return ok([]);
    // Unreachable while I3 holds (the open session belongs to the claimer); refuse rather than open a second one.
    return err(claimedConflict(task, 'Another user is working on this task'));
  }
  if (!isAtomic(snap.items) && deriveTaskStatus(liveItems(snap.items)) !== ChecklistStatus.inProgress) {
    return err(statusDerived(task));
  }
  return moveTask(snap, TaskStatus.inProgress, ctx, EndReason.statusChange);
}

export function pauseWork(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const open = snap.open_session;
  if (open === null || open.user_id !== ctx.actor.user_id) return ok([]);
  return moveTask(snap, TaskStatus.onHold, ctx, EndReason.pause);
}

export function heartbeatWork(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const open = snap.open_session;
  if (open === null || open.user_id !== ctx.actor.user_id) {
    return err(invalidState(snap.task, 'No active session on this task'));
  }
  if (ctx.now <= open.last_heartbeat_at) return ok([]);
  return ok([put('work_sessions', { ...open, last_heartbeat_at: ctx.now })]);
}
