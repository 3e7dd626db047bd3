/**
 * The native task on the wire. Every derived field (work_state, ongoing_by,
 * derived_status, is_atomic) comes from a shared view, so the server and a
 * device's local view never disagree about it; time_spent_s rounds the
 * stored milliseconds down, and only here: storage never rounds.
 */
import { z } from '@hono/zod-openapi';
import { ChecklistStatus, TaskStatus, WorkState, displayedStatus, isAtomic, ongoingBy, toIso, wholeSeconds, workState } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../http/wire-times.ts';
import type { TaskBundle } from './task-reads.ts';

export const TaskStatusSchema = z.enum(TaskStatus).openapi('TaskStatus');
/** Numeric statuses of checklist items and tasks: 1 planned, 2 in progress, 3 done, 4 skipped. */
export const NumericStatusSchema = z.enum(ChecklistStatus).openapi('NumericStatus', { example: 2 });

export const TaskJsonSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: TaskStatusSchema,
    claimed_by: z.string().nullable(),
    assigned_at: IsoTimeSchema.nullable(),
    time_spent_s: z.int().nonnegative(),
    work_state: z.enum(WorkState),
    ongoing_by: z.object({ user_id: z.string() }).nullable(),
    derived_status: NumericStatusSchema,
    is_atomic: z.boolean(),
    created_at: IsoTimeSchema,
    updated_at: IsoTimeSchema,
  })
  .openapi('Task');
export type TaskJson = z.infer<typeof TaskJsonSchema>;

export function taskJson({ task, open_session, items }: TaskBundle): TaskJson {
  const ongoing = ongoingBy(open_session);
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    claimed_by: task.claimed_by,
    assigned_at: isoOrNull(task.assigned_at),
    time_spent_s: wholeSeconds(task.time_spent_ms),
    work_state: workState(task, open_session),
    ongoing_by: ongoing === null ? null : { user_id: ongoing.user_id },
    derived_status: displayedStatus(task.status, items),
    is_atomic: isAtomic(items),
    created_at: toIso(task.created_at),
    updated_at: toIso(task.updated_at),
  };
}
