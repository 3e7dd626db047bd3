/**
 * I7 checked over a whole in-memory state, for tests, simulations and the
 * server's consistency check. Returns one message per violation (empty = ok).
 *
 * Invariants checked:
 * 1. A worker has at most one active (in_progress or paused) run.
 * 2. `current_step_id` is null iff the run is completed; otherwise it names a
 *    step of the pinned SOP version. `paused_at` is set iff paused.
 * 3. A run has advanced past a step only with a passed check for it: every
 *    step before the current one has a passed check of this run.
 * 4. A locked run is completed and names who locked it and when.
 * 5. Given the previous state: a run locked there is unchanged (row and
 *    checks) unless an override audit row for it was added; and no run
 *    changes its pinned SOP version.
 */
import { CheckResult, RunStatus } from '../rows.ts';
import type { ProcedureRunRow } from '../rows.ts';
import { getRow } from '../state.ts';
import type { State } from '../state.ts';
import { allSteps } from './steps.ts';

export function checkRunInvariants(state: State, previous?: State): string[] {
  const violations: string[] = [];
  const activeByWorker = new Map<string, string[]>();
  const passed = new Set<string>();
  for (const check of state.safety_checks.values()) {
    if (check.result === CheckResult.passed) passed.add(`${check.run_id}\u0000${check.step_id}`);
  }
  for (const run of state.procedure_runs.values()) {
    if (run.status !== RunStatus.completed) {
      activeByWorker.set(run.worker_id, [...(activeByWorker.get(run.worker_id) ?? []), run.id]);
    }
    if ((run.current_step_id === null) !== (run.status === RunStatus.completed)) {
      violations.push(`run ${run.id}: current_step_id ${String(run.current_step_id)} with status ${run.status}`);
    }
    if ((run.paused_at !== null) !== (run.status === RunStatus.paused)) {
      violations.push(`run ${run.id}: paused_at ${String(run.paused_at)} with status ${run.status}`);
    }
    if (run.locked && (run.status !== RunStatus.completed || run.locked_by === null || run.locked_at === null)) {
      violations.push(`run ${run.id}: locked but ${run.status}, locked_by ${String(run.locked_by)}`);
    }
    violations.push(...stepViolations(state, run, passed));
  }
  for (const [worker, runs] of activeByWorker) {
    if (runs.length > 1) violations.push(`worker ${worker} has ${runs.length} active runs: ${runs.join(', ')}`);
  }
  if (previous !== undefined) violations.push(...lockViolations(previous, state));
  return violations;
}

function stepViolations(state: State, run: ProcedureRunRow, passed: ReadonlySet<string>): string[] {
  if (run.current_step_id === null) return [];
  const version = getRow(state, 'sop_versions', [run.sop_id, run.sop_version]);
  if (version === undefined) return [`run ${run.id}: pinned version ${run.sop_id} v${run.sop_version} missing`];
  const steps = allSteps(version);
  const at = steps.findIndex((p) => p.step.id === run.current_step_id);
  if (at < 0) return [`run ${run.id}: current step ${run.current_step_id} not in its SOP version`];
  return steps
    .slice(0, at)
    .filter((p) => !passed.has(`${run.id}\u0000${p.step.id}`))
    .map((p) => `run ${run.id}: advanced past step ${p.step.id} without a passed check`);
}

function lockViolations(before: State, after: State): string[] {
  const violations: string[] = [];
  const overridden = new Set<string>();
  for (const [id, row] of after.audit_log) {
    if (!before.audit_log.has(id) && row.action.endsWith('.override')) overridden.add(row.entity_id);
  }
  const checkCount = (state: State, runId: string) => [...state.safety_checks.values()].filter((c) => c.run_id === runId).length;
  for (const [id, old] of before.procedure_runs) {
    const now = after.procedure_runs.get(id);
    if (now === undefined) {
      violations.push(`run ${id} disappeared`);
      continue;
    }
    if (now.sop_id !== old.sop_id || now.sop_version !== old.sop_version) violations.push(`run ${id} changed its pinned SOP version`);
    if (!old.locked || overridden.has(id)) continue;
    if (JSON.stringify(now) !== JSON.stringify(old) || checkCount(after, id) !== checkCount(before, id)) {
      violations.push(`locked run ${id} changed without an audited override`);
    }
  }
  return violations;
}
