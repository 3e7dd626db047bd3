/**
 * The SOP runner: one run, step by step. The current step comes
 * from the shared run view (`runView`); the rules decide what may happen.
 *
 * Invariants:
 *  1. Every step moves on only with a passed check (run-check.ts, I7): a
 *     step that requires a check gets Pass / Fail with notes; a step that
 *     does not gets one "Done" button, which records a passed check too.
 *  2. Actions (check, pause, resume, complete) are offered only when the
 *     rules accept them now; an approved (locked) run offers none.
 *  3. Checks are listed newest first, each with its step's title.
 */
import { allSteps, runSnapshotOf, runView } from '@stint/shared';
import type { Actor, CheckResult, Millis, State } from '@stint/shared';
import { probeOf } from './rule-probe.ts';
import { runPhase } from './runs-model.ts';
import type { RunPhase } from './runs-model.ts';

export interface RunnerStep {
  readonly id: string;
  readonly title: string;
  readonly taskTitle: string;
  readonly requiresCheck: boolean;
  /** 1-based. */
  readonly position: number;
}

export interface RunnerCheck {
  readonly id: string;
  readonly stepTitle: string;
  readonly result: CheckResult;
  readonly notes: string | null;
  readonly checkedAt: Millis;
}

export interface RunnerModel {
  readonly id: string;
  readonly title: string;
  readonly phase: RunPhase;
  readonly lockedAt: Millis | null;
  readonly completedAt: Millis | null;
  /** Null once the run is completed. */
  readonly step: RunnerStep | null;
  readonly totalSteps: number;
  readonly passedSteps: number;
  /** Failed checks recorded on the current step so far. */
  readonly failedHere: number;
  readonly checks: readonly RunnerCheck[];
  readonly actions: { readonly check: boolean; readonly pause: boolean; readonly resume: boolean; readonly complete: boolean };
}

export function runRunnerModel(state: State, actor: Actor, now: Millis, runId: string): RunnerModel | null {
  const snap = runSnapshotOf(state, runId);
  if (snap === null) return null;
  const view = runView(snap.run, snap.version, snap.checks);
  const probe = probeOf(state, actor, now);
  const current = view.current_step;
  const titles = new Map(allSteps(snap.version).map((placed) => [placed.step.id, placed.step.title]));
  const ref = { session_id: runId };
  return {
    id: runId,
    title: view.sop_title,
    phase: runPhase(snap.run),
    lockedAt: snap.run.locked_at,
    completedAt: snap.run.completed_at,
    step:
      current === null
        ? null
        : {
            id: current.step.id,
            title: current.step.title,
            taskTitle: current.task.title,
            requiresCheck: current.step.requires_check,
            position: current.index + 1,
          },
    totalSteps: view.progress.total_steps,
    passedSteps: view.progress.passed_steps,
    failedHere: current === null ? 0 : view.checks.filter((c) => c.step_id === current.step.id && c.result === 'failed').length,
    checks: [...view.checks].reverse().map((check) => ({
      id: check.id,
      stepTitle: titles.get(check.step_id) ?? check.step_id,
      result: check.result,
      notes: check.notes,
      checkedAt: check.checked_at,
    })),
    actions: {
      check: current !== null && probe.changes('run.check', { ...ref, step_id: current.step.id, result: 'passed' }),
      pause: probe.changes('run.pause', ref),
      resume: probe.changes('run.resume', ref),
      complete: probe.changes('run.complete', ref),
    },
  };
}
