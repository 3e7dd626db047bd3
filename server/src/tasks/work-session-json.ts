/**
 * A work session on the wire. `end_reason` is the stored `ended_reason`
 * under the API's name; `extended_by_owner` says the owner claimed back time
 * after a stale close (`work.extend`), so whoever reads the history sees
 * whose word the time rests on.
 */
import { z } from '@hono/zod-openapi';
import { EndReason, toIso } from '@stint/shared';
import type { WorkSessionRow } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../http/wire-times.ts';

export const WorkSessionJsonSchema = z
  .object({
    id: z.string(),
    task_id: z.string(),
    user_id: z.string(),
    started_at: IsoTimeSchema,
    ended_at: IsoTimeSchema.nullable(),
    end_reason: z.enum(EndReason).nullable(),
    zone: z.string().openapi({ description: "The worker's IANA time zone when the session opened", example: 'Europe/Berlin' }),
    offline: z.boolean().openapi({ description: 'Opened by an intent recorded offline' }),
    extended_by_owner: z.boolean().openapi({ description: 'The owner claimed back time after a stale close (work.extend)' }),
  })
  .openapi('WorkSession');
export type WorkSessionJson = z.infer<typeof WorkSessionJsonSchema>;

export function workSessionJson(row: WorkSessionRow): WorkSessionJson {
  return {
    id: row.id,
    task_id: row.task_id,
    user_id: row.user_id,
    started_at: toIso(row.started_at),
    ended_at: isoOrNull(row.ended_at),
    end_reason: row.ended_reason,
    zone: row.zone,
    offline: row.offline,
    extended_by_owner: row.extended_by_owner,
  };
}
