/**
 * Step navigation through one SOP version: tasks in order, steps in order,
 * crossing task boundaries and skipping tasks that have no steps.
 *
 * Invariants this module keeps for its callers:
 * 1. `firstStep` is the first step of the first non-empty task, or null when
 *    the version has no steps at all.
 * 2. `stepAfter` walks the same flat order as `allSteps`; it never returns a
 *    step at or before the given one, and returns null after the last step.
 */
import type { SopStep, SopTask, SopVersionRow } from '../rows.ts';

/** A step with the task it belongs to and its 0-based place in the flat order. */
export interface PlacedStep {
  readonly step: SopStep;
  readonly task: Pick<SopTask, 'id' | 'title'>;
  readonly index: number;
}

/** Every step of the version in run order. */
export function allSteps(version: Pick<SopVersionRow, 'tasks'>): PlacedStep[] {
  const placed: PlacedStep[] = [];
  for (const task of version.tasks) {
    for (const step of task.steps) placed.push({ step, task: { id: task.id, title: task.title }, index: placed.length });
  }
  return placed;
}

export function firstStep(version: Pick<SopVersionRow, 'tasks'>): PlacedStep | null {
  return allSteps(version)[0] ?? null;
}

export function stepById(version: Pick<SopVersionRow, 'tasks'>, stepId: string): PlacedStep | null {
  return allSteps(version).find((p) => p.step.id === stepId) ?? null;
}

/** The next step in the same task, else the first step of the next non-empty task, else null. */
export function stepAfter(version: Pick<SopVersionRow, 'tasks'>, stepId: string): PlacedStep | null {
  const steps = allSteps(version);
  const at = steps.findIndex((p) => p.step.id === stepId);
  if (at < 0) return null;
  return steps[at + 1] ?? null;
}

/** How many steps the version has. */
export function stepCount(version: Pick<SopVersionRow, 'tasks'>): number {
  return version.tasks.reduce((n, task) => n + task.steps.length, 0);
}
