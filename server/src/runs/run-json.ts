/**
 * A procedure run on the wire (API.md calls it a "session"):
 *
 *   {id, sop_id, sop_version, worker_id, status, current_step_id,
 *    started_at, paused_at, completed_at, locked, locked_by, locked_at,
 *    updated_at, sop: {id, title, version, tasks?}, checks: [check],
 *    current_step: step|null, next_step: step|null, progress}
 *   check: {id, step_id, result, notes, checked_by, checked_at}
 *   step:  {id, title, requires_check, position, task: {id, title}}
 *
 * Built from shared's `runView`, so the current and next step and the
 * progress counts are the rules' own. `sop` is the pinned version (its title
 * as of that version); `sop.tasks` (the whole procedure) is sent for one
 * run and left out of lists, which carry basic info only.
 */
import { z } from '@hono/zod-openapi';
import { CheckResult, RunStatus, runView, toIso } from '@stint/shared';
import type { PlacedStep, RunSnapshot } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../http/wire-times.ts';
import { SopTaskJsonSchema } from './sop-json.ts';

export const RunStatusSchema = z.enum([RunStatus.inProgress, RunStatus.paused, RunStatus.completed]);

export const RunStepJsonSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    requires_check: z.boolean(),
    /** 1-based place in the whole procedure. */
    position: z.number().int(),
    task: z.object({ id: z.string(), title: z.string() }),
  })
  .openapi('RunStep');

export const SafetyCheckJsonSchema = z
  .object({
    id: z.string(),
    step_id: z.string(),
    result: z.enum([CheckResult.passed, CheckResult.failed]),
    notes: z.string().nullable(),
    checked_by: z.string(),
    checked_at: IsoTimeSchema,
  })
  .openapi('SafetyCheck');

export const RunJsonSchema = z
  .object({
    id: z.string(),
    sop_id: z.string(),
    sop_version: z.number().int(),
    worker_id: z.string(),
    status: RunStatusSchema,
    current_step_id: z.string().nullable(),
    started_at: IsoTimeSchema,
    paused_at: IsoTimeSchema.nullable(),
    completed_at: IsoTimeSchema.nullable(),
    locked: z.boolean(),
    locked_by: z.string().nullable(),
    locked_at: IsoTimeSchema.nullable(),
    updated_at: IsoTimeSchema,
    sop: z.object({ id: z.string(), title: z.string(), version: z.number().int(), tasks: z.array(SopTaskJsonSchema).optional() }),
    checks: z.array(SafetyCheckJsonSchema),
    current_step: RunStepJsonSchema.nullable(),
    next_step: RunStepJsonSchema.nullable(),
    progress: z.object({
      total_steps: z.number().int(),
      passed_steps: z.number().int(),
      failed_checks: z.number().int(),
      current_position: z.number().int().nullable(),
    }),
  })
  .openapi('ProcedureRun');
export type RunJson = z.infer<typeof RunJsonSchema>;

export function runJson({ run, version, checks }: RunSnapshot, options: { readonly withSopTasks: boolean }): RunJson {
  const view = runView(run, version, checks);
  return {
    id: run.id,
    sop_id: run.sop_id,
    sop_version: run.sop_version,
    worker_id: run.worker_id,
    status: run.status,
    current_step_id: run.current_step_id,
    started_at: toIso(run.started_at),
    paused_at: isoOrNull(run.paused_at),
    completed_at: isoOrNull(run.completed_at),
    locked: run.locked,
    locked_by: run.locked_by,
    locked_at: isoOrNull(run.locked_at),
    updated_at: toIso(run.updated_at),
    sop: {
      id: run.sop_id,
      title: view.sop_title,
      version: run.sop_version,
      ...(options.withSopTasks
        ? { tasks: version.tasks.map((t) => ({ id: t.id, title: t.title, steps: t.steps.map((s) => ({ id: s.id, title: s.title, requires_check: s.requires_check })) })) }
        : {}),
    },
    checks: view.checks.map((c) => ({
      id: c.id,
      step_id: c.step_id,
      result: c.result,
      notes: c.notes,
      checked_by: c.checked_by,
      checked_at: toIso(c.checked_at),
    })),
    current_step: stepJson(view.current_step),
    next_step: stepJson(view.next_step),
    progress: { ...view.progress },
  };
}

function stepJson(placed: PlacedStep | null): RunJson['current_step'] {
  if (placed === null) return null;
  const { step, task, index } = placed;
  return { id: step.id, title: step.title, requires_check: step.requires_check, position: index + 1, task: { id: task.id, title: task.title } };
}
