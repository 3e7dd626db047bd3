/**
 * How a task follows its checklist (I6): after an item changes, the task
 * moves to the status its live items derive, through the task lifecycle's
 * `moveTask`, so work sessions open and close exactly as for a manual change
 * (I2) and claims are respected (I3).
 *
 * Invariants:
 * 1. A task with live items ends with numericStatus(status) === deriveTaskStatus(live items).
 * 2. A task left with no live items (the last one deleted) is atomic again and
 *    keeps its current status (edge case 4 of seeds/004-checklist-derived-task-status.md).
 * 3. A derived "in progress" opens a session only for someone allowed to
 *    (the claimer, or whoever picks up an unclaimed task); a supervisor
 *    ticking an item of a task claimed by someone else puts it on hold
 *    instead — the same number (2) without starting another person's clock.
 * 4. A done task whose items say "in progress" again is reopened (done →
 *    todo) and then picked up, since the lifecycle never resumes a done task
 *    directly.
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { ChecklistItemRow, TaskRow } from '../rows.ts';
import { moveTask } from '../tasks/task-lifecycle.ts';
import type { TaskSnapshot } from '../tasks/task-snapshot.ts';
import { deriveTaskStatus, liveItems, taskStatusFor } from './derive.ts';

/** The task moves that follow replacing the snapshot's items with `items`. */
export function followItems(snap: TaskSnapshot, items: readonly ChecklistItemRow[], ctx: RuleContext): Result<Effect[]> {
  const next: TaskSnapshot = { ...snap, items };
  const live = liveItems(items);
  if (live.length === 0) return ok([]);
  const target = derivedTarget(snap.task, deriveTaskStatus(live), ctx);
  if (target === TaskStatus.inProgress && snap.task.status === TaskStatus.done) {
    const reopened = moveTask(next, TaskStatus.todo, ctx, EndReason.statusChange);
    if (!reopened.ok) return reopened;
    const task = lastTaskRow(reopened.value) ?? snap.task;
    const pickedUp = moveTask({ ...next, task }, TaskStatus.inProgress, ctx, EndReason.statusChange);
    if (!pickedUp.ok) return pickedUp;
    // Keep one write of the task row: the pick-up's, which includes the reopen.
    return ok([...reopened.value.filter((e) => e.table !== 'tasks'), ...pickedUp.value]);
  }
  return moveTask(next, target, ctx, EndReason.statusChange);
}

function derivedTarget(task: TaskRow, derived: Parameters<typeof taskStatusFor>[0], ctx: RuleContext): TaskStatus {
  const target = taskStatusFor(derived, task.status);
  const claimedByOther = task.claimed_by !== null && task.claimed_by !== ctx.actor.user_id;
  return target === TaskStatus.inProgress && claimedByOther ? TaskStatus.onHold : target;
}

function lastTaskRow(effects: readonly Effect[]): TaskRow | undefined {
  let row: TaskRow | undefined;
  for (const effect of effects) if (effect.table === 'tasks') row = effect.row;
  return row;
}
