/**
 * A manual status change: seed 000's `PUT /tasks/:id {task_status}`, the
 * native `PATCH /api/v1/tasks/:id {status}`, seed 004's `PATCH /api/tasks/:id`
 * and the `task.set_status` intent.
 *
 * Invariants:
 *  I6 a task with live checklist items takes its status from them only: a
 *     manual write is refused with 400 STATUS_DERIVED and seed 004's message,
 *     even when it names the status the task already has.
 *  I2–I5 an atomic task moves through `moveTask` (reason `status_change`), so
 *     the session opens or closes with the status; done → in-progress is 409
 *     CONFLICT_INVALID_STATE, while reopening done → todo/backlog is allowed.
 *  I3 setting the status a task already has is judged like a change: a no-op
 *     for whoever may make it, 409 CONFLICT_CLAIMED for anyone else. For
 *     in-progress that is the claimer alone (seed 000: "claimed by someone
 *     else → 409"), so of N people racing to pick up one task exactly one
 *     wins; for any other status, as `mayChange` says.
 */
import type { Actor, RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { isAtomic } from '../checklist/derive.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { TaskRow } from '../rows.ts';
import { claimedConflict, statusDerived } from './task-errors.ts';
import { mayChange, moveTask } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export function setTaskStatus(snap: TaskSnapshot, args: { readonly status: TaskStatus }, ctx: RuleContext): Result<Effect[]> {
  if (!isAtomic(snap.items)) return err(statusDerived(snap.task));
  // moveTask sees nothing to do when the status is unchanged, so who may is judged here.
  const { task } = snap;
  if (args.status === task.status && !mayChangeTo(task, args.status, ctx.actor)) return err(claimedConflict(task));
  return moveTask(snap, args.status, ctx, EndReason.statusChange);
}

function mayChangeTo(task: TaskRow, status: TaskStatus, actor: Actor): boolean {
  return status === TaskStatus.inProgress ? task.claimed_by === actor.user_id : mayChange(task, actor);
}
