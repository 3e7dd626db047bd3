/**
 * Claim, release and complete (`POST /api/v1/tasks/:id/claim|release|complete`,
 * intents `task.claim|release|complete`; seed 003's claim model).
 *
 * Invariants:
 *  I3 one claimer per task: claiming an unclaimed task takes it (pick-up time
 *     = now), claiming your own is a no-op, someone else's is 409
 *     CONFLICT_CLAIMED. A done task cannot be claimed (409 CONFLICT_INVALID_STATE).
 *  I3 release and complete close the open session first (reasons `release`,
 *     `complete`), with its time added (I4).
 *  I2 a released in-progress task goes on hold, which keeps seed 004's numeric
 *     status (2) of a checklist task (I6); the claim and pick-up time clear.
 *  I6 a checklist task's status comes from its items, so complete is refused
 *     for it (400 STATUS_DERIVED): ticking its items completes it.
 * Who may: release and complete the claimer or a supervisor/admin. A worker
 * completing an unclaimed task is 409 CONFLICT_CLAIMED: claiming comes first,
 * so the time and the completion are someone's.
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { isAtomic } from '../checklist/derive.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import { claimedConflict, invalidState, statusDerived } from './task-errors.ts';
import { moveTask, planMove, stamp, transitionTime } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export function claimTask(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const { task } = snap;
  if (task.status === TaskStatus.done) return err(invalidState(task, 'A done task cannot be claimed'));
  if (task.claimed_by === ctx.actor.user_id) return ok([]);
  if (task.claimed_by !== null) return err(claimedConflict(task));
  const at = transitionTime(snap, ctx.now);
  return ok([put('tasks', { ...task, claimed_by: ctx.actor.user_id, assigned_at: at, updated_at: stamp(task, at) })]);
}

export function releaseTask(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const { task } = snap;
  if (task.claimed_by === null) return ok([]);
  if (task.claimed_by !== ctx.actor.user_id && !isSupervisor(ctx.actor)) return err(claimedConflict(task));
  const target = task.status === TaskStatus.inProgress ? TaskStatus.onHold : task.status;
  const plan = planMove(snap, target, ctx, EndReason.release);
  if (!plan.ok) return plan;
  const at = transitionTime(snap, ctx.now);
  return ok([put('tasks', { ...plan.value.task, claimed_by: null, assigned_at: null, updated_at: stamp(task, at) }), ...plan.value.rows]);
}

export function completeTask(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const { task } = snap;
  if (task.status === TaskStatus.done) return ok([]);
  if (!isAtomic(snap.items)) return err(statusDerived(task));
  if (task.claimed_by === null && !isSupervisor(ctx.actor)) return err(claimedConflict(task, 'Claim the task before completing it'));
  // moveTask refuses a worker completing someone else's task.
  return moveTask(snap, TaskStatus.done, ctx, EndReason.complete);
}
