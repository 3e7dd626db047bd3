/**
 * Who may change a procedure run, and the audit rows that record changes,
 * overrides and refused attempts.
 *
 * Invariants (I7):
 * 1. An approved (locked) run refuses every change with SESSION_LOCKED,
 *    unless the actor is a supervisor/admin who gives an `override_reason`.
 * 2. A run is changed by its worker; anyone else needs a supervisor/admin
 *    role and an `override_reason` (FORBIDDEN otherwise).
 * 3. Every override that changes something writes an audit row with the
 *    reason and the old and new values of the fields it changed.
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import type { AuditRow, AuditSource, ProcedureRunRow } from '../rows.ts';
import { toIsoOrNull } from '../time.ts';

/** The entity name audit rows of runs carry (the table name). */
export const RUN_ENTITY = 'procedure_runs';

/** How a permitted change is made: by the run's worker, or by a supervisor override. */
export type RunAccess = { readonly mode: 'owner' } | { readonly mode: 'override'; readonly reason: string };

export interface OverrideArgs {
  /** A supervisor's reason for changing a locked run or another worker's run. */
  readonly override_reason?: string | undefined;
}

export function runAccess(run: ProcedureRunRow, args: OverrideArgs, ctx: RuleContext): Result<RunAccess> {
  const reason = args.override_reason?.trim() ?? '';
  const canOverride = isSupervisor(ctx.actor) && reason !== '';
  if (run.locked) {
    return canOverride ? ok({ mode: 'override', reason }) : err(lockedError(run));
  }
  if (run.worker_id === ctx.actor.user_id) return ok({ mode: 'owner' });
  if (canOverride) return ok({ mode: 'override', reason });
  return err(
    domainError(
      'FORBIDDEN',
      isSupervisor(ctx.actor)
        ? 'This procedure run belongs to another worker; give an override_reason to change it.'
        : 'Only the worker who started this procedure run may change it.',
    ),
  );
}

/** Error details travel to clients as they are (sync outcomes, HTTP bodies), so the time is already ISO-8601 UTC. */
export function lockedError(run: ProcedureRunRow) {
  return domainError('SESSION_LOCKED', 'This procedure run was approved and is locked; it can no longer be modified.', {
    reason: 'approved',
    locked_by: run.locked_by,
    locked_at: toIsoOrNull(run.locked_at),
  });
}

/** Appends the override's audit row when the change was made under an override and changed the run. */
export function withOverrideAudit(
  access: RunAccess,
  action: string,
  before: ProcedureRunRow,
  effects: Effect[],
  ctx: RuleContext,
): Effect[] {
  if (access.mode === 'owner' || effects.length === 0) return effects;
  const after = effects.find((e) => e.table === 'procedure_runs' && e.row.id === before.id)?.row as ProcedureRunRow | undefined;
  const [oldValue, newValue] = after === undefined ? [{}, {}] : changedFields(before, after);
  // Rows the change added besides the run (a safety check) belong to its new value too.
  const added = effects.filter((e) => e.table !== 'procedure_runs' && e.table !== 'audit_log').map((e) => e.row);
  const recorded = added.length === 0 ? newValue : { ...newValue, added };
  const row = auditRow(ctx, 'audit', before.id, `${action}.override`, oldValue, recorded, access.reason);
  return [...effects, put('audit_log', row)];
}

/**
 * The audit row the server writes after refusing a change to a locked run
 * (the refusal itself is an error, so it carries no effects).
 */
export function lockedAttemptAudit(
  run: ProcedureRunRow,
  action: string,
  ctx: RuleContext,
  source?: AuditSource,
  attempted?: unknown,
): AuditRow {
  return auditRow(
    ctx,
    'audit',
    run.id,
    `${action}.refused`,
    { locked: run.locked, locked_by: run.locked_by, locked_at: run.locked_at },
    attempted ?? null,
    'SESSION_LOCKED: approved',
    source,
  );
}

export function auditRow(
  ctx: RuleContext,
  idTag: string,
  runId: string,
  action: string,
  oldValue: unknown,
  newValue: unknown,
  reason: string | null,
  source?: AuditSource,
): AuditRow {
  return {
    id: ctx.newId(idTag),
    at: ctx.now,
    actor_id: ctx.actor.user_id,
    device_id: null,
    source: source ?? (ctx.offline ? 'offline' : 'online'),
    entity: RUN_ENTITY,
    entity_id: runId,
    action,
    old_value: oldValue,
    new_value: newValue,
    reason,
  };
}

/** The fields that differ, as [old values, new values]. */
export function changedFields<T extends object>(before: T, after: T): [Partial<T>, Partial<T>] {
  const oldValue: Partial<T> = {};
  const newValue: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (before[key] !== after[key]) {
      oldValue[key] = before[key];
      newValue[key] = after[key];
    }
  }
  return [oldValue, newValue];
}
