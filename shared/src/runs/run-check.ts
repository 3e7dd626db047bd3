/**
 * Recording a safety check on a run's step.
 *
 * Invariants (I7):
 * 1. A run advances only past a passed check for its current step; a failed
 *    check is recorded and the run stays on the step.
 * 2. A pass on the last step completes the run (WorkSessionCompleted).
 * 3. Checks go to the current step of an in_progress run (STEP_NOT_CURRENT,
 *    CONFLICT_INVALID_STATE otherwise). A supervisor override may add a check
 *    to a completed run as an amendment; it never moves the run.
 * 4. Recording the same check id again with the same content changes nothing.
 */
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { CheckResult, RunStatus } from '../rows.ts';
import type { SafetyCheckRow } from '../rows.ts';
import { unreachable } from '../unreachable.ts';
import { runAccess, withOverrideAudit } from './run-guard.ts';
import type { OverrideArgs } from './run-guard.ts';
import { completionEffects, invalidState } from './run-lifecycle.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { stepAfter, stepById } from './steps.ts';

export interface RecordCheckArgs extends OverrideArgs {
  readonly check_id: string;
  readonly step_id: string;
  readonly result: CheckResult;
  readonly notes?: string | undefined;
}

export function recordCheck(snap: RunSnapshot, args: RecordCheckArgs, ctx: RuleContext): Result<Effect[]> {
  const { run, version, checks } = snap;
  const access = runAccess(run, args, ctx);
  if (!access.ok) return access;
  if (args.result !== CheckResult.passed && args.result !== CheckResult.failed) {
    return err(domainError('INVALID_INPUT', 'A check result is "passed" or "failed".'));
  }
  if (version.sop_id !== run.sop_id || version.version !== run.sop_version) {
    return err(domainError('NOT_FOUND', `SOP version ${run.sop_id} v${run.sop_version} not found.`));
  }
  if (stepById(version, args.step_id) === null) {
    return err(domainError('NOT_FOUND', `Step ${args.step_id} is not part of this run's SOP.`));
  }
  const existing = checks.find((c) => c.id === args.check_id);
  if (existing !== undefined) {
    const same = existing.run_id === run.id && existing.step_id === args.step_id && existing.result === args.result;
    return same ? ok([]) : err(domainError('CONFLICT_EXISTS', `Check ${args.check_id} already exists with other content.`));
  }
  const check: SafetyCheckRow = {
    id: args.check_id,
    run_id: run.id,
    step_id: args.step_id,
    result: args.result,
    notes: args.notes ?? null,
    checked_by: ctx.actor.user_id,
    checked_at: ctx.now,
  };
  const effects = (): Result<Effect[]> => {
    switch (run.status) {
      case RunStatus.paused:
        return err(invalidState('This procedure run is paused; resume it before recording checks.'));
      case RunStatus.completed:
        return access.value.mode === 'override'
          ? ok([put('safety_checks', check)])
          : err(invalidState('This procedure run is completed and can no longer be modified.'));
      case RunStatus.inProgress: {
        if (args.step_id !== run.current_step_id) {
          return err(
            domainError('STEP_NOT_CURRENT', `Step ${args.step_id} is not the current step.`, { current_step_id: run.current_step_id }),
          );
        }
        if (args.result === CheckResult.failed) return ok([put('safety_checks', check)]);
        const next = stepAfter(version, args.step_id);
        if (next === null) return ok([put('safety_checks', check), ...completionEffects(run, ctx)]);
        return ok([put('safety_checks', check), put('procedure_runs', { ...run, current_step_id: next.step.id, updated_at: ctx.now })]);
      }
      default:
        return unreachable(run.status);
    }
  };
  const result = effects();
  return result.ok ? ok(withOverrideAudit(access.value, 'run.check', run, result.value, ctx)) : result;
}
