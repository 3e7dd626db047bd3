/**
 * Seed 004's numeric views of tasks and checklist items (API.md "Seed 004").
 *
 * Invariants:
 *  1. `status` is the task's own status as a number (`numericStatus`),
 *     `derived_status` what seed 004 displays (`displayedStatus`: derived
 *     from live items, else the manual one), `is_atomic` from `isAtomic`.
 *     For an atomic task both numbers are equal; for a checklist task they
 *     are equal too while I6 holds, and the view still computes both.
 *  2. `checklist` lists live items only (soft-deleted ones are gone for
 *     clients), in position order.
 */
import { z } from '@hono/zod-openapi';
import { displayedStatus, isAtomic, liveItems, numericStatus } from '@stint/shared';
import type { ChecklistItemRow } from '@stint/shared';
import { NumericStatusSchema } from './task-json.ts';
import type { TaskBundle } from './task-reads.ts';

export const Seed004ChecklistEntrySchema = z
  .object({ checklist_item_id: z.string(), title: z.string(), status: NumericStatusSchema })
  .openapi('Seed004ChecklistEntry');

export const Seed004TaskSummarySchema = z
  .object({
    task_id: z.string(),
    title: z.string(),
    status: NumericStatusSchema,
    derived_status: NumericStatusSchema,
    is_atomic: z.boolean(),
  })
  .openapi('Seed004TaskSummary');
export type Seed004TaskSummary = z.infer<typeof Seed004TaskSummarySchema>;

export const Seed004TaskSchema = Seed004TaskSummarySchema.extend({
  checklist: z.array(Seed004ChecklistEntrySchema),
}).openapi('Seed004Task');
export type Seed004Task = z.infer<typeof Seed004TaskSchema>;

export const Seed004ItemSchema = z
  .object({ checklist_item_id: z.string(), task_id: z.string(), title: z.string(), status: NumericStatusSchema })
  .openapi('Seed004ChecklistItem');
export type Seed004Item = z.infer<typeof Seed004ItemSchema>;

export function seed004TaskSummary({ task, items }: TaskBundle): Seed004TaskSummary {
  return {
    task_id: task.id,
    title: task.title,
    status: numericStatus(task.status),
    derived_status: displayedStatus(task.status, items),
    is_atomic: isAtomic(items),
  };
}

/** Items arrive in position order from the reads (task-reads.ts invariant 1). */
export function seed004Task(bundle: TaskBundle): Seed004Task {
  return {
    ...seed004TaskSummary(bundle),
    checklist: liveItems(bundle.items).map((item) => ({ checklist_item_id: item.id, title: item.title, status: item.status })),
  };
}

export function seed004Item(item: ChecklistItemRow): Seed004Item {
  return { checklist_item_id: item.id, task_id: item.task_id, title: item.title, status: item.status };
}
