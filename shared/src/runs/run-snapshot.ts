/**
 * What a run rule reads, out of an in-memory state: a run with its pinned
 * SOP version and checks, a worker's active run, the version a new run
 * starts on. The server loads just these rows (locked); a client's local
 * view has them all.
 */
import type { ProcedureRunRow, SafetyCheckRow, SopRow, SopVersionRow } from '../rows.ts';
import { getRow } from '../state.ts';
import type { State } from '../state.ts';

/** A run with the SOP version it is pinned to and its checks. */
export interface RunSnapshot {
  readonly run: ProcedureRunRow;
  readonly version: SopVersionRow;
  readonly checks: readonly SafetyCheckRow[];
}

/** A run with its pinned version and checks (oldest first), or null when the run does not exist. */
export function runSnapshotOf(state: State, runId: string): RunSnapshot | null {
  const run = state.procedure_runs.get(runId);
  if (run === undefined) return null;
  const version = getRow(state, 'sop_versions', [run.sop_id, run.sop_version]);
  if (version === undefined) return null;
  const checks: SafetyCheckRow[] = [];
  for (const check of state.safety_checks.values()) if (check.run_id === runId) checks.push(check);
  checks.sort((a, b) => a.checked_at - b.checked_at);
  return { run, version, checks };
}

/** The worker's active run (in_progress or paused), if any: I7 allows one. */
export function activeRunOf(state: State, workerId: string): ProcedureRunRow | null {
  for (const run of state.procedure_runs.values()) {
    if (run.worker_id === workerId && run.status !== 'completed') return run;
  }
  return null;
}

/** The newest confirmed version of a live SOP: where new runs start. */
export function newestConfirmedVersion(state: State, sop: SopRow | null): SopVersionRow | null {
  if (sop === null) return null;
  let newest: SopVersionRow | null = null;
  for (const version of state.sop_versions.values()) {
    if (version.sop_id === sop.id && version.status === 'confirmed' && (newest === null || version.version > newest.version)) {
      newest = version;
    }
  }
  return newest;
}
