/**
 * One task in full: status, work state, my live time,
 * start/pause, manual status changes for atomic tasks, the checklist with a
 * status control per item, complete and release.
 *
 * Invariants:
 *  1. Manual status options exist only for atomic tasks; a task with live
 *     items shows its derived status and offers none (I6).
 *  2. Every option (task status, item status, action) is offered only when
 *     the shared rules accept it now and it would change something.
 *  3. Deleted checklist items are not shown; items come by position.
 */
import { CHECKLIST_STATUSES, ChecklistStatus, TASK_STATUSES, liveItems } from '@stint/shared';
import type { Actor, Millis, State, TaskStatus } from '@stint/shared';
import { probeOf } from './rule-probe.ts';
import { itemsOf, taskCardModel } from './task-card-model.ts';
import type { TaskCardModel } from './task-card-model.ts';

export interface StatusOption<S> {
  readonly status: S;
  readonly current: boolean;
  /** The rules would accept a change to this status now. */
  readonly allowed: boolean;
}

export interface ChecklistItemModel {
  readonly id: string;
  readonly title: string;
  readonly status: ChecklistStatus;
  readonly options: readonly StatusOption<ChecklistStatus>[];
}

export interface TaskDetailModel extends TaskCardModel {
  readonly claimedBy: string | null;
  /** Empty for a task whose status is derived (invariant 1). */
  readonly statusOptions: readonly StatusOption<TaskStatus>[];
  readonly items: readonly ChecklistItemModel[];
}

export function taskDetailModel(state: State, actor: Actor, now: Millis, taskId: string): TaskDetailModel | null {
  const task = state.tasks.get(taskId);
  if (task === undefined) return null;
  const probe = probeOf(state, actor, now);
  const card = taskCardModel(state, actor, now, task, probe);
  const statusOptions =
    card.checklist === null
      ? TASK_STATUSES.map((status) => ({
          status,
          current: status === task.status,
          allowed: status !== task.status && probe.changes('task.set_status', { task_id: task.id, status }),
        }))
      : [];
  const items = liveItems(itemsOf(state, task.id)).map((item) => ({
    id: item.id,
    title: item.title,
    status: item.status,
    options: CHECKLIST_STATUSES.map((status) => ({
      status,
      current: status === item.status,
      allowed: status !== item.status && probe.changes('checklist.set_status', { checklist_item_id: item.id, status }),
    })),
  }));
  return { ...card, claimedBy: task.claimed_by, statusOptions, items };
}

/** The status one tap on an item's big button moves it to: done, or back to planned when it is done. */
export function tapTarget(item: ChecklistItemModel): StatusOption<ChecklistStatus> | null {
  const wanted: ChecklistStatus = item.status === ChecklistStatus.done ? ChecklistStatus.planned : ChecklistStatus.done;
  return item.options.find((option) => option.status === wanted) ?? null;
}
