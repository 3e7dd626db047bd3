/**
 * Translation keys and badge colours for the statuses the worker views show,
 * and the mapping of a task action to its intent. One place, so every view
 * names a status the same way.
 */
import { BookingStatus, ChecklistStatus, TaskStatus, unreachable } from '@stint/shared';
import type { IntentArgs } from '@stint/shared';

/** Key of a checklist status under `item.*`. */
export function itemStatusKey(status: ChecklistStatus): 'planned' | 'inProgress' | 'done' | 'skipped' {
  switch (status) {
    case ChecklistStatus.planned:
      return 'planned';
    case ChecklistStatus.inProgress:
      return 'inProgress';
    case ChecklistStatus.done:
      return 'done';
    case ChecklistStatus.skipped:
      return 'skipped';
    default:
      return unreachable(status);
  }
}

export function taskBadge(status: TaskStatus): string {
  switch (status) {
    case TaskStatus.done:
      return 'badge badge-ok';
    case TaskStatus.inProgress:
      return 'badge badge-info';
    case TaskStatus.onHold:
      return 'badge badge-warn';
    case TaskStatus.backlog:
    case TaskStatus.todo:
    case TaskStatus.skipped:
      return 'badge';
    default:
      return unreachable(status);
  }
}

export function bookingBadge(status: BookingStatus): string {
  switch (status) {
    case BookingStatus.scheduled:
      return 'badge';
    case BookingStatus.ongoing:
      return 'badge badge-info';
    case BookingStatus.completed:
      return 'badge badge-ok';
    case BookingStatus.cancelled:
      return 'badge badge-danger';
    default:
      return unreachable(status);
  }
}

export type TaskAction = 'claim' | 'release' | 'start' | 'pause' | 'complete';

/** The intent a task action journals. */
export type TaskIntent =
  | { readonly kind: 'task.claim' | 'task.release' | 'task.complete' | 'work.start' | 'work.pause'; readonly args: IntentArgs<'task.claim'> };

export function taskIntent(action: TaskAction, taskId: string): TaskIntent {
  const args = { task_id: taskId };
  switch (action) {
    case 'claim':
      return { kind: 'task.claim', args };
    case 'release':
      return { kind: 'task.release', args };
    case 'start':
      return { kind: 'work.start', args };
    case 'pause':
      return { kind: 'work.pause', args };
    case 'complete':
      return { kind: 'task.complete', args };
    default:
      return unreachable(action);
  }
}
