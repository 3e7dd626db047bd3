/**
 * The "Now Working" list: the caller's open work sessions, one entry per
 * task, from shared's `activeSessionsOf`. accumulated_s is the caller's
 * CLOSED time on the task (the running session is not in it) and as_of the
 * server time of the read, so a client shows accumulated_s + (as_of −
 * started_at) without trusting its own clock.
 */
import { z } from '@hono/zod-openapi';
import { activeSessionsOf, toIso, wholeSeconds } from '@stint/shared';
import type { Millis } from '@stint/shared';
import { selectRows } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';
import { IsoTimeSchema } from '../http/wire-times.ts';

export const ActiveSessionSchema = z
  .object({
    task_id: z.string(),
    started_at: IsoTimeSchema,
    accumulated_s: z.int().nonnegative(),
    as_of: IsoTimeSchema,
  })
  .openapi('ActiveWorkSession');

export const ActiveSessionsSchema = z
  .object({ active_sessions: z.array(ActiveSessionSchema), as_of: IsoTimeSchema })
  .openapi('ActiveWorkSessions');
export type ActiveSessionsJson = z.infer<typeof ActiveSessionsSchema>;

export async function activeSessionsJson(db: Queryable, userId: string, now: Millis): Promise<ActiveSessionsJson> {
  const open = await selectRows(db, 'work_sessions', { user_id: userId, ended_at: null });
  const totals = open.length === 0 ? [] : await selectRows(db, 'user_task_totals', { user_id: userId, task_id: open.map((s) => s.task_id) });
  const as_of = toIso(now);
  return {
    active_sessions: activeSessionsOf(userId, open, totals).map((view) => ({
      task_id: view.task_id,
      started_at: toIso(view.started_at),
      accumulated_s: wholeSeconds(view.accumulated_ms),
      as_of,
    })),
    as_of,
  };
}
