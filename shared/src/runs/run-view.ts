/**
 * What a client shows for a run: the current step, the next expected step,
 * the checks so far and progress counts. Pure data; the HTTP layer formats
 * timestamps.
 */
import { CheckResult, RunStatus } from '../rows.ts';
import type { ProcedureRunRow, SafetyCheckRow, SopVersionRow } from '../rows.ts';
import { allSteps, stepAfter, stepById } from './steps.ts';
import type { PlacedStep } from './steps.ts';

export interface RunProgress {
  readonly total_steps: number;
  /** Steps with at least one passed check. */
  readonly passed_steps: number;
  readonly failed_checks: number;
  /** 1-based place of the current step, null once completed. */
  readonly current_position: number | null;
}

export interface RunView {
  readonly run: ProcedureRunRow;
  readonly sop_title: string;
  readonly current_step: PlacedStep | null;
  readonly next_step: PlacedStep | null;
  /** This run's checks, oldest first. */
  readonly checks: readonly SafetyCheckRow[];
  readonly progress: RunProgress;
}

export function runView(run: ProcedureRunRow, version: SopVersionRow, checks: readonly SafetyCheckRow[]): RunView {
  const own = checks.filter((c) => c.run_id === run.id).sort((a, b) => a.checked_at - b.checked_at || cmp(a.id, b.id));
  const current = run.status === RunStatus.completed || run.current_step_id === null ? null : stepById(version, run.current_step_id);
  const next = current === null ? null : stepAfter(version, current.step.id);
  const stepIds = new Set(allSteps(version).map((p) => p.step.id));
  const passed = new Set(own.filter((c) => c.result === CheckResult.passed && stepIds.has(c.step_id)).map((c) => c.step_id));
  return {
    run,
    sop_title: version.title,
    current_step: current,
    next_step: next,
    checks: own,
    progress: {
      total_steps: stepIds.size,
      passed_steps: passed.size,
      failed_checks: own.filter((c) => c.result === CheckResult.failed).length,
      current_position: current === null ? null : current.index + 1,
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
