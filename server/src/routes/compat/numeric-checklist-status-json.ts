/**
 * Tasks and checklist items with numeric statuses (API.md "Seed 004": 1
 * planned, 2 in progress, 3 done, 4 skipped).
 *
 * `status` is the task's own status as a number and `derived_status` what a
 * client displays (from live items, else the manual one). While I6 holds the
 * two are equal; both are still computed, so a broken I6 shows instead of
 * hiding. `checklist` lists live items only: soft-deleted ones are gone for
 * clients.
 */
import { z } from '@hono/zod-openapi';
import { displayedStatus, isAtomic, liveItems, numericStatus } from '@stint/shared';
import type { ChecklistItemRow } from '@stint/shared';
import { NumericStatusSchema } from '../../tasks/task-json.ts';
import type { TaskBundle } from '../../tasks/task-reads.ts';

export const NumericChecklistEntrySchema = z
  .object({ checklist_item_id: z.string(), title: z.string(), status: NumericStatusSchema })
  .openapi('NumericChecklistEntry');

export const NumericTaskSummarySchema = z
  .object({
    task_id: z.string(),
    title: z.string(),
    status: NumericStatusSchema,
    derived_status: NumericStatusSchema,
    is_atomic: z.boolean(),
  })
  .openapi('NumericTaskSummary');
export type NumericTaskSummaryJson = z.infer<typeof NumericTaskSummarySchema>;

export const NumericTaskSchema = NumericTaskSummarySchema.extend({
  checklist: z.array(NumericChecklistEntrySchema),
}).openapi('NumericTask');
export type NumericTaskJson = z.infer<typeof NumericTaskSchema>;

export const NumericChecklistItemSchema = z
  .object({ checklist_item_id: z.string(), task_id: z.string(), title: z.string(), status: NumericStatusSchema })
  .openapi('NumericChecklistItem');
export type NumericChecklistItemJson = z.infer<typeof NumericChecklistItemSchema>;

export function numericTaskSummaryJson({ task, items }: TaskBundle): NumericTaskSummaryJson {
  return {
    task_id: task.id,
    title: task.title,
    status: numericStatus(task.status),
    derived_status: displayedStatus(task.status, items),
    is_atomic: isAtomic(items),
  };
}

/** Items arrive in position order from the reads (task-reads.ts). */
export function numericTaskJson(bundle: TaskBundle): NumericTaskJson {
  return {
    ...numericTaskSummaryJson(bundle),
    checklist: liveItems(bundle.items).map((item) => ({ checklist_item_id: item.id, title: item.title, status: item.status })),
  };
}

export function numericChecklistItemJson(item: ChecklistItemRow): NumericChecklistItemJson {
  return { checklist_item_id: item.id, task_id: item.task_id, title: item.title, status: item.status };
}
