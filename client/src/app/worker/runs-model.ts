/**
 * Procedures: the confirmed SOPs I can start and my runs.
 *
 * Invariants:
 *  1. An SOP is listed when it is live and has a confirmed version (the one
 *     a new run would pin, `newestConfirmedVersion`); `canStart` says
 *     whether the rules would start it now (one active run per worker, I7).
 *  2. My runs are the runs whose worker is me: active ones (in progress,
 *     paused) first, then finished ones newest first.
 */
import { RunStatus, newestConfirmedVersion, rowsOfTable, runSnapshotOf, runView, stepCount, unreachable } from '@stint/shared';
import type { Actor, Millis, ProcedureRunRow, State } from '@stint/shared';
import { probeOf } from './rule-probe.ts';

export type RunPhase = 'in_progress' | 'paused' | 'completed' | 'approved';

export interface SopOption {
  readonly sopId: string;
  readonly title: string;
  readonly version: number;
  readonly steps: number;
  readonly canStart: boolean;
}

export interface RunSummary {
  readonly id: string;
  readonly title: string;
  readonly phase: RunPhase;
  /** 1-based place of the current step, null once completed. */
  readonly position: number | null;
  readonly totalSteps: number;
  readonly startedAt: Millis;
  readonly completedAt: Millis | null;
}

export interface RunsModel {
  readonly sops: readonly SopOption[];
  /** My in-progress or paused run, if any (I7: at most one). */
  readonly activeRunId: string | null;
  readonly runs: readonly RunSummary[];
}

/** The id a probe of `run.start` uses; never a real run id, since real ids are UUIDs. */
const PROBE_RUN_ID = 'probe:run';

export function runsModel(state: State, actor: Actor, now: Millis): RunsModel {
  const probe = probeOf(state, actor, now);
  const sops = rowsOfTable(state, 'sops')
    .filter((sop) => sop.deleted_at === null)
    .flatMap((sop) => {
      const version = newestConfirmedVersion(state, sop);
      if (version === null) return [];
      return [
        {
          sopId: sop.id,
          title: version.title,
          version: version.version,
          steps: stepCount(version),
          canStart: probe.changes('run.start', { session_id: PROBE_RUN_ID, sop_id: sop.id }),
        },
      ];
    })
    .sort((a, b) => a.title.localeCompare(b.title) || (a.sopId < b.sopId ? -1 : 1));
  const mine = rowsOfTable(state, 'procedure_runs').filter((run) => run.worker_id === actor.user_id);
  const runs = mine
    .flatMap((run) => {
      const snap = runSnapshotOf(state, run.id);
      if (snap === null) return [];
      const view = runView(snap.run, snap.version, snap.checks);
      return [
        {
          id: run.id,
          title: view.sop_title,
          phase: runPhase(run),
          position: view.progress.current_position,
          totalSteps: view.progress.total_steps,
          startedAt: run.started_at,
          completedAt: run.completed_at,
        },
      ];
    })
    .sort((a, b) => activeFirst(a) - activeFirst(b) || b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1));
  const active = mine.find((run) => run.status !== RunStatus.completed) ?? null;
  return { sops, activeRunId: active?.id ?? null, runs };
}

export function runPhase(run: Pick<ProcedureRunRow, 'status' | 'locked'>): RunPhase {
  if (run.locked) return 'approved';
  switch (run.status) {
    case RunStatus.inProgress:
      return 'in_progress';
    case RunStatus.paused:
      return 'paused';
    case RunStatus.completed:
      return 'completed';
    default:
      return unreachable(run.status);
  }
}

function activeFirst(run: RunSummary): number {
  return run.phase === 'in_progress' || run.phase === 'paused' ? 0 : 1;
}
