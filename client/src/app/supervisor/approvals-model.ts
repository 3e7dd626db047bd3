/**
 * Approvals (I7): completed procedure runs waiting for a
 * supervisor, with their checks, and the runs already approved (locked).
 *
 * Invariants:
 *  1. A run is awaiting approval iff it is completed and not locked (the
 *     shared rule `approveRun` approves exactly those); a locked run is
 *     listed as approved, never offered again. Runs still in progress or
 *     paused are not listed.
 *  2. Checks are the run's own, oldest first (shared `runView`), each with
 *     its step's title from the pinned SOP version and the checker's name.
 *  3. Awaiting runs oldest completion first (first come, first approved);
 *     approved runs newest approval first.
 */
import { RunStatus, getRow, rowsOfTable, runView, stepById } from '@stint/shared';
import type { CheckResult, Millis, ProcedureRunRow, State, UserRow } from '@stint/shared';

export interface ApprovalCheck {
  readonly id: string;
  readonly stepId: string;
  /** The step's title in the pinned version; the step id when the version does not have it. */
  readonly stepTitle: string;
  readonly result: CheckResult;
  readonly notes: string | null;
  readonly checkedBy: string;
  readonly checkedByName: string;
  readonly checkedAt: Millis;
}

export interface ApprovalRun {
  readonly runId: string;
  readonly sopTitle: string;
  readonly sopVersion: number;
  readonly workerId: string;
  readonly workerName: string;
  readonly completedAt: Millis | null;
  readonly locked: boolean;
  readonly lockedByName: string | null;
  readonly lockedAt: Millis | null;
  readonly totalSteps: number;
  readonly passedSteps: number;
  readonly failedChecks: number;
  readonly checks: readonly ApprovalCheck[];
}

export interface ApprovalsModel {
  readonly awaiting: readonly ApprovalRun[];
  readonly approved: readonly ApprovalRun[];
}

export function approvalsModel(state: State, users: ReadonlyMap<string, UserRow>): ApprovalsModel {
  const checks = rowsOfTable(state, 'safety_checks');
  const name = (id: string): string => users.get(id)?.name ?? id;
  const runs = rowsOfTable(state, 'procedure_runs')
    .filter((run) => run.status === RunStatus.completed)
    .map((run) => approvalRun(state, run, checks, name));
  return {
    awaiting: runs.filter((r) => !r.locked).sort((a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0) || cmp(a.runId, b.runId)),
    approved: runs.filter((r) => r.locked).sort((a, b) => (b.lockedAt ?? 0) - (a.lockedAt ?? 0) || cmp(a.runId, b.runId)),
  };
}

function approvalRun(
  state: State,
  run: ProcedureRunRow,
  checks: Parameters<typeof runView>[2],
  name: (id: string) => string,
): ApprovalRun {
  const version = getRow(state, 'sop_versions', [run.sop_id, run.sop_version]);
  // A run whose version has not reached the replica yet still lists its checks, titled by step id.
  const view = version === undefined ? null : runView(run, version, checks);
  const own = view?.checks ?? checks.filter((c) => c.run_id === run.id).sort((a, b) => a.checked_at - b.checked_at || cmp(a.id, b.id));
  return {
    runId: run.id,
    sopTitle: version?.title ?? getRow(state, 'sops', run.sop_id)?.title ?? run.sop_id,
    sopVersion: run.sop_version,
    workerId: run.worker_id,
    workerName: name(run.worker_id),
    completedAt: run.completed_at,
    locked: run.locked,
    lockedByName: run.locked_by === null ? null : name(run.locked_by),
    lockedAt: run.locked_at,
    totalSteps: view?.progress.total_steps ?? 0,
    passedSteps: view?.progress.passed_steps ?? 0,
    failedChecks: own.filter((c) => c.result === 'failed').length,
    checks: own.map((c) => ({
      id: c.id,
      stepId: c.step_id,
      stepTitle: (version === undefined ? null : stepById(version, c.step_id)?.step.title) ?? c.step_id,
      result: c.result,
      notes: c.notes,
      checkedBy: c.checked_by,
      checkedByName: name(c.checked_by),
      checkedAt: c.checked_at,
    })),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
