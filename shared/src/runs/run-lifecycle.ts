/**
 * The procedure run lifecycle: in_progress ⇄ paused → completed, then
 * approved (locked) by a supervisor.
 *
 * Invariants (I7):
 * 1. `current_step_id` is null iff the run is completed; pausing and resuming
 *    keep the current step.
 * 2. `paused_at` is set iff the run is paused.
 * 3. Only a completed run is approved; approval locks it (locked, locked_by,
 *    locked_at) and is audited. After that every change is refused with
 *    SESSION_LOCKED unless a supervisor overrides with a reason (run-guard.ts).
 * 4. Repeating a transition that already holds (pause a paused run, complete
 *    a completed one, approve an approved one) changes nothing.
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { RunStatus } from '../rows.ts';
import type { ProcedureRunRow } from '../rows.ts';
import { unreachable } from '../unreachable.ts';
import { auditRow, changedFields, runAccess, withOverrideAudit } from './run-guard.ts';
import type { OverrideArgs } from './run-guard.ts';
import type { RunSnapshot } from './run-snapshot.ts';

export interface ApproveRunArgs {
  readonly reason?: string | undefined;
}

export function pauseRun(snap: Pick<RunSnapshot, 'run'>, args: OverrideArgs, ctx: RuleContext): Result<Effect[]> {
  const { run } = snap;
  const access = runAccess(run, args, ctx);
  if (!access.ok) return access;
  switch (run.status) {
    case RunStatus.inProgress:
      return ok(withOverrideAudit(access.value, 'run.pause', run, [
        put('procedure_runs', { ...run, status: RunStatus.paused, paused_at: ctx.now, updated_at: ctx.now }),
      ], ctx));
    case RunStatus.paused:
      return ok([]);
    case RunStatus.completed:
      return err(invalidState('A completed procedure run cannot be paused.'));
    default:
      return unreachable(run.status);
  }
}

export function resumeRun(snap: Pick<RunSnapshot, 'run'>, args: OverrideArgs, ctx: RuleContext): Result<Effect[]> {
  const { run } = snap;
  const access = runAccess(run, args, ctx);
  if (!access.ok) return access;
  switch (run.status) {
    case RunStatus.paused:
      return ok(withOverrideAudit(access.value, 'run.resume', run, [
        put('procedure_runs', { ...run, status: RunStatus.inProgress, paused_at: null, updated_at: ctx.now }),
      ], ctx));
    case RunStatus.inProgress:
      return ok([]);
    case RunStatus.completed:
      return err(invalidState('A completed procedure run cannot be resumed.'));
    default:
      return unreachable(run.status);
  }
}

/** Manual completion by the run's worker. */
export function completeRun(snap: Pick<RunSnapshot, 'run'>, args: OverrideArgs, ctx: RuleContext): Result<Effect[]> {
  const { run } = snap;
  const access = runAccess(run, args, ctx);
  if (!access.ok) return access;
  switch (run.status) {
    case RunStatus.inProgress:
    case RunStatus.paused:
      return ok(withOverrideAudit(access.value, 'run.complete', run, completionEffects(run, ctx), ctx));
    case RunStatus.completed:
      return ok([]);
    default:
      return unreachable(run.status);
  }
}

export function approveRun(snap: Pick<RunSnapshot, 'run'>, args: ApproveRunArgs, ctx: RuleContext): Result<Effect[]> {
  const { run } = snap;
  if (!isSupervisor(ctx.actor)) return err(domainError('FORBIDDEN', 'Only supervisors and admins approve procedure runs.'));
  if (run.locked) return ok([]);
  if (run.status !== RunStatus.completed) return err(invalidState('Only a completed procedure run can be approved.'));
  const locked: ProcedureRunRow = { ...run, locked: true, locked_by: ctx.actor.user_id, locked_at: ctx.now, updated_at: ctx.now };
  const [oldValue, newValue] = changedFields(run, locked);
  return ok([
    put('procedure_runs', locked),
    put('audit_log', auditRow(ctx, 'audit', run.id, 'run.approve', oldValue, newValue, args.reason?.trim() || null)),
  ]);
}

/**
 * Completing a run: status completed, completed_at now, no current step, and
 * the `WorkSessionCompleted` domain event recorded in the audit log.
 */
export function completionEffects(run: ProcedureRunRow, ctx: RuleContext): Effect[] {
  const completed: ProcedureRunRow = {
    ...run,
    status: RunStatus.completed,
    current_step_id: null,
    paused_at: null,
    completed_at: ctx.now,
    updated_at: ctx.now,
  };
  const [oldValue, newValue] = changedFields(run, completed);
  return [
    put('procedure_runs', completed),
    put('audit_log', auditRow(ctx, 'audit-completed', run.id, 'WorkSessionCompleted', oldValue, newValue, null)),
  ];
}

export function invalidState(message: string) {
  return domainError('CONFLICT_INVALID_STATE', message);
}
