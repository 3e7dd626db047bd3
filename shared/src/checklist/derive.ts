/**
 * A task with live checklist items takes its status from them.
 *
 * Invariant I6: a task with live (not soft-deleted) items has
 * `numericStatus(task.status) === deriveTaskStatus(items)`.
 * This file is the only place the derivation rule is written.
 */
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import type { ChecklistItemRow } from '../rows.ts';
import { unreachable } from '../unreachable.ts';

/** The numeric view of a task status: backlog/todo → 1, in-progress/on-hold → 2, done → 3, skipped → 4. */
export function numericStatus(status: TaskStatus): ChecklistStatus {
  switch (status) {
    case TaskStatus.backlog:
    case TaskStatus.todo:
      return ChecklistStatus.planned;
    case TaskStatus.inProgress:
    case TaskStatus.onHold:
      return ChecklistStatus.inProgress;
    case TaskStatus.done:
      return ChecklistStatus.done;
    case TaskStatus.skipped:
      return ChecklistStatus.skipped;
    default:
      return unreachable(status);
  }
}

/**
 * The task status a numeric status means, given the task's current status:
 * the current one is kept when it already means the same number (a paused
 * task stays on-hold while its checklist still says "in progress").
 */
export function taskStatusFor(numeric: ChecklistStatus, current: TaskStatus): TaskStatus {
  if (numericStatus(current) === numeric) return current;
  switch (numeric) {
    case ChecklistStatus.planned:
      return TaskStatus.todo;
    case ChecklistStatus.inProgress:
      return TaskStatus.inProgress;
    case ChecklistStatus.done:
      return TaskStatus.done;
    case ChecklistStatus.skipped:
      return TaskStatus.skipped;
    default:
      return unreachable(numeric);
  }
}

/** Items that count: soft-deleted ones are ignored. */
export function liveItems<T extends Pick<ChecklistItemRow, 'deleted_at'>>(items: readonly T[]): T[] {
  return items.filter((item) => item.deleted_at === null);
}

/**
 * Rules 1–6 of seeds/004-checklist-derived-task-status.md over the given items' statuses (callers
 * pass live items). An empty list returns PLANNED, as that document's
 * reference does; callers decide
 * atomic tasks by `isAtomic` and never derive for them.
 */
export function deriveTaskStatus(items: readonly Pick<ChecklistItemRow, 'status'>[]): ChecklistStatus {
  if (items.length === 0) return ChecklistStatus.planned;
  let inProgress = 0;
  let planned = 0;
  let done = 0;
  let skipped = 0;
  for (const item of items) {
    if (item.status === ChecklistStatus.inProgress) inProgress++;
    else if (item.status === ChecklistStatus.planned) planned++;
    else if (item.status === ChecklistStatus.done) done++;
    else skipped++;
  }
  const total = items.length;
  if (inProgress > 0) return ChecklistStatus.inProgress; // rule 1: active work wins
  if (done > 0 && planned > 0) return ChecklistStatus.inProgress; // rule 2: partial progress
  if (done === total) return ChecklistStatus.done; // rule 3: all done
  // Rule 5 is checked before rule 4: the spec's code lists "no pending work →
  // DONE" first, which would turn an all-skipped list into DONE, but its test
  // case 7 requires [SKIPPED, SKIPPED, SKIPPED] → SKIPPED. The tests win.
  if (skipped === total) return ChecklistStatus.skipped; // rule 5: all skipped
  if (planned === 0) return ChecklistStatus.done; // rule 4: only done + skipped (inProgress is 0 here)
  return ChecklistStatus.planned; // rule 6: pending work, no progress
}

/** A task is atomic when it has no live checklist items; only atomic tasks take manual status. */
export function isAtomic(items: readonly Pick<ChecklistItemRow, 'deleted_at'>[]): boolean {
  return liveItems(items).length === 0;
}

/** The numeric status a task shows: derived from live items for non-atomic tasks, the manual one otherwise. */
export function displayedStatus(status: TaskStatus, items: readonly ChecklistItemRow[]): ChecklistStatus {
  const live = liveItems(items);
  return live.length === 0 ? numericStatus(status) : deriveTaskStatus(live);
}
