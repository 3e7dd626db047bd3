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
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { isAtomic } from '../checklist/derive.ts';
import { EndReason } from '../rows.ts';
import type { TaskStatus } from '../rows.ts';
import { statusDerived } from './task-errors.ts';
import { moveTask } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export function setTaskStatus(snap: TaskSnapshot, args: { readonly status: TaskStatus }, ctx: RuleContext): Result<Effect[]> {
  if (!isAtomic(snap.items)) return err(statusDerived(snap.task));
  return moveTask(snap, args.status, ctx, EndReason.statusChange);
}
