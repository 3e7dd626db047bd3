/**
 * The content of an SOP version (tasks → steps) built from what a supervisor
 * sends. Ids are deterministic: a given id is kept (so a draft keeps its step
 * identities across edits), a missing one comes from `ctx.newId('task-i')` /
 * `ctx.newId('step-i-j')`, so a client's optimistic row and the server's agree.
 *
 * Invariants:
 * 1. Titles are non-blank (trimmed).
 * 2. Task ids are unique within a version, and so are step ids.
 */
import type { RuleContext } from '../context.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import type { SopTask } from '../rows.ts';

export interface SopStepInput {
  readonly id?: string | undefined;
  readonly title: string;
  /** Defaults to true: a step of a safety procedure is checked unless said otherwise. */
  readonly requires_check?: boolean | undefined;
}

export interface SopTaskInput {
  readonly id?: string | undefined;
  readonly title: string;
  readonly steps: readonly SopStepInput[];
}

export function buildSopTasks(input: readonly SopTaskInput[], ctx: RuleContext): Result<SopTask[]> {
  const taskIds = new Set<string>();
  const stepIds = new Set<string>();
  const tasks: SopTask[] = [];
  for (const [i, task] of input.entries()) {
    const title = task.title.trim();
    if (title === '') return invalid(`Task ${i + 1} needs a title.`);
    const id = task.id ?? ctx.newId(`task-${i}`);
    if (taskIds.has(id)) return invalid(`Task id ${id} appears twice.`);
    taskIds.add(id);
    const steps = [];
    for (const [j, step] of task.steps.entries()) {
      const stepTitle = step.title.trim();
      if (stepTitle === '') return invalid(`Step ${j + 1} of task ${i + 1} needs a title.`);
      const stepId = step.id ?? ctx.newId(`step-${i}-${j}`);
      if (stepIds.has(stepId)) return invalid(`Step id ${stepId} appears twice.`);
      stepIds.add(stepId);
      steps.push({ id: stepId, title: stepTitle, requires_check: step.requires_check ?? true });
    }
    tasks.push({ id, title, steps });
  }
  return ok(tasks);
}

export function validTitle(title: string): Result<string> {
  const trimmed = title.trim();
  return trimmed === '' ? invalid('An SOP needs a title.') : ok(trimmed);
}

function invalid<T>(message: string): Result<T> {
  return err(domainError('INVALID_INPUT', message));
}
