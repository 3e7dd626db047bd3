/**
 * An SOP on the wire: one version of it with the SOP's own fields. By
 * default the version shown is the latest (draft or confirmed), the one a
 * supervisor edits; `confirmed_version` names the newest confirmed one, where
 * new runs start (null: not startable yet). `title` and `tasks` are the
 * shown version's, `created_at`/`updated_at` the SOP's, and `confirmed_at`
 * is when the shown version was confirmed.
 */
import { z } from '@hono/zod-openapi';
import { SopStatus, toIso } from '@stint/shared';
import type { SopRow, SopVersionRow } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../http/wire-times.ts';

export const SopStepJsonSchema = z
  .object({ id: z.string(), title: z.string(), requires_check: z.boolean() })
  .openapi('SopStep');

export const SopTaskJsonSchema = z
  .object({ id: z.string(), title: z.string(), steps: z.array(SopStepJsonSchema) })
  .openapi('SopTask');

export const SopJsonSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    version: z.number().int(),
    status: z.enum([SopStatus.draft, SopStatus.confirmed]),
    latest_version: z.number().int(),
    confirmed_version: z.number().int().nullable(),
    created_by: z.string(),
    tasks: z.array(SopTaskJsonSchema),
    created_at: IsoTimeSchema,
    updated_at: IsoTimeSchema,
    confirmed_at: IsoTimeSchema.nullable(),
  })
  .openapi('Sop');
export type SopJson = z.infer<typeof SopJsonSchema>;

/** An SOP with the version to show and the number of its newest confirmed version. */
export interface SopRecord {
  readonly sop: SopRow;
  readonly version: SopVersionRow;
  readonly confirmedVersion: number | null;
}

export function sopJson({ sop, version, confirmedVersion }: SopRecord): SopJson {
  return {
    id: sop.id,
    title: version.title,
    version: version.version,
    status: version.status,
    latest_version: sop.latest_version,
    confirmed_version: confirmedVersion,
    created_by: sop.created_by,
    tasks: version.tasks.map((task) => ({
      id: task.id,
      title: task.title,
      steps: task.steps.map((step) => ({ id: step.id, title: step.title, requires_check: step.requires_check })),
    })),
    created_at: toIso(sop.created_at),
    updated_at: toIso(sop.updated_at),
    confirmed_at: isoOrNull(version.confirmed_at),
  };
}
