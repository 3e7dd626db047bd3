/**
 * The board's quick "new task" form: a title and optional checklist items,
 * one per line, become one `task.create` and one `checklist.add` per item,
 * in that order (the items need the task). Ids are made here, on the device,
 * so the whole batch works offline.
 *
 * Invariants:
 *  1. Every produced args object passes its kind's shared zod schema; a form
 *     that would produce an invalid one produces nothing (null).
 *  2. Blank lines are dropped; items keep the order they were typed in.
 */
import { INTENT_ARGS } from '@stint/shared';
import type { IntentArgs } from '@stint/shared';

export interface CreateTaskPlan {
  readonly task: IntentArgs<'task.create'>;
  readonly items: readonly IntentArgs<'checklist.add'>[];
}

export function planCreateTask(title: string, checklistText: string, newId: () => string): CreateTaskPlan | null {
  const task = INTENT_ARGS['task.create'].safeParse({ task_id: newId(), title });
  if (!task.success) return null;
  const items: IntentArgs<'checklist.add'>[] = [];
  for (const line of checklistText.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const item = INTENT_ARGS['checklist.add'].safeParse({ checklist_item_id: newId(), task_id: task.data.task_id, title: line });
    if (!item.success) return null;
    items.push(item.data);
  }
  return { task: task.data, items };
}
