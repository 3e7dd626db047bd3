/**
 * The task as PUT /tasks/:id answers it, with every work session of the task
 * (any user), oldest first: the server alone opens and closes them.
 *
 * A session entry's `status` is "in-progress" while it is open and "closed"
 * after: the status the task moved to when it closed is not stored (only
 * ended_reason, "status_change" for any manual change), and end_time says
 * when. `duration` is null while open (a client computes the running time
 * from start_time). `time_spent` is whole seconds of the exact stored sum
 * (I4), so it can exceed the sum of the rounded-down durations by less than
 * a second per session.
 */
import { z } from '@hono/zod-openapi';
import { toIso, wholeSeconds } from '@stint/shared';
import type { TaskRow, WorkSessionRow } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../../http/wire-times.ts';
import { TaskStatusSchema } from '../../tasks/task-json.ts';

export const SessionEntryStatus = { open: 'in-progress', closed: 'closed' } as const;
export type SessionEntryStatus = (typeof SessionEntryStatus)[keyof typeof SessionEntryStatus];

export const TaskSessionEntrySchema = z
  .object({
    start_time: IsoTimeSchema,
    end_time: IsoTimeSchema.nullable(),
    status: z.enum(SessionEntryStatus),
    duration: z.int().nonnegative().nullable(),
  })
  .openapi('TaskSessionEntry');

export const TaskWithSessionsSchema = z
  .object({
    id: z.string(),
    task_status: TaskStatusSchema,
    task_sessions: z.array(TaskSessionEntrySchema),
    time_spent: z.int().nonnegative(),
    task_assigned_date: IsoTimeSchema.nullable(),
    task_updated_at: IsoTimeSchema,
  })
  .openapi('TaskWithSessions');
export type TaskWithSessionsJson = z.infer<typeof TaskWithSessionsSchema>;

/** The task with its sessions (already oldest first, as `taskSessions` returns them). */
export function taskWithSessionsJson(task: TaskRow, sessions: readonly WorkSessionRow[]): TaskWithSessionsJson {
  return {
    id: task.id,
    task_status: task.status,
    task_sessions: sessions.map((session) => ({
      start_time: toIso(session.started_at),
      end_time: isoOrNull(session.ended_at),
      status: session.ended_at === null ? SessionEntryStatus.open : SessionEntryStatus.closed,
      duration: session.ended_at === null ? null : wholeSeconds(session.ended_at - session.started_at),
    })),
    time_spent: wholeSeconds(task.time_spent_ms),
    task_assigned_date: isoOrNull(task.assigned_at),
    task_updated_at: toIso(task.updated_at),
  };
}
