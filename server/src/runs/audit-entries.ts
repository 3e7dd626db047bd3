/**
 * The audit log as supervisors read it: newest first (then id, so paging is
 * stable), optionally filtered by exact match. Rows are only ever inserted
 * (a database trigger refuses UPDATE, DELETE and TRUNCATE), so reading is
 * all this module does. `old_value` / `new_value` hold the changed fields of
 * the row as stored, their times converted like every timestamp on the wire.
 */
import { z } from '@hono/zod-openapi';
import { AuditSource, toIso } from '@stint/shared';
import type { AuditRow } from '@stint/shared';
import { readRows } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';
import type { Paging } from '../http/input.ts';
import { IsoTimeSchema, wireTimes } from '../http/wire-times.ts';

export const AuditEntryJsonSchema = z
  .object({
    id: z.string(),
    at: IsoTimeSchema,
    actor_id: z.string().nullable(),
    device_id: z.string().nullable(),
    source: z.enum(Object.values(AuditSource) as [AuditSource, ...AuditSource[]]),
    entity: z.string(),
    entity_id: z.string(),
    action: z.string(),
    old_value: z.unknown(),
    new_value: z.unknown(),
    reason: z.string().nullable(),
  })
  .openapi('AuditEntry');
export type AuditEntryJson = z.infer<typeof AuditEntryJsonSchema>;

export interface AuditListOptions extends Paging {
  readonly entityId?: string | undefined;
  readonly entity?: string | undefined;
  readonly action?: string | undefined;
}

export async function listAudit(db: Queryable, { entityId, entity, action, limit, offset }: AuditListOptions): Promise<AuditRow[]> {
  const raws = await db<RawRow[]>`
    SELECT * FROM audit_log
    WHERE (${entityId ?? null}::text IS NULL OR entity_id = ${entityId ?? null})
      AND (${entity ?? null}::text IS NULL OR entity = ${entity ?? null})
      AND (${action ?? null}::text IS NULL OR action = ${action ?? null})
    ORDER BY at DESC, id DESC
    LIMIT ${limit} OFFSET ${offset}`;
  return readRows('audit_log', raws);
}

export function auditEntryJson(row: AuditRow): AuditEntryJson {
  return {
    id: row.id,
    at: toIso(row.at),
    actor_id: row.actor_id,
    device_id: row.device_id,
    source: row.source,
    entity: row.entity,
    entity_id: row.entity_id,
    action: row.action,
    old_value: wireTimes(row.old_value) ?? null,
    new_value: wireTimes(row.new_value) ?? null,
    reason: row.reason,
  };
}
