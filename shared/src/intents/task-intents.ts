/**
 * Intents on a task: create, rename, set its status, claim, release,
 * complete. An act of the task's worker is evidence that their work went on
 * (DESIGN §3.1), so the acts that end or change the work apply it first.
 */
import { z } from 'zod';
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { State } from '../state.ts';
import { evidenceAt, withEvidence } from '../tasks/evidence.ts';
import { claimTask, completeTask, releaseTask } from '../tasks/task-claim.ts';
import { createTask, renameTask } from '../tasks/task-create.ts';
import { taskNotFound } from '../tasks/task-errors.ts';
import { snapshotOf } from '../tasks/task-snapshot.ts';
import type { TaskSnapshot } from '../tasks/task-snapshot.ts';
import { setTaskStatus } from '../tasks/task-status.ts';
import { IdSchema, TitleSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import type { AggregateRef } from './define-intent.ts';

export const taskIntents = {
  'task.create': defineIntent({
    args: z.strictObject({ task_id: IdSchema, title: TitleSchema, status: z.enum(TaskStatus).optional() }),
    target: onTask,
    rule: ({ state, args: { task_id, title, status }, ctx }) =>
      createTask(state.tasks.get(task_id) ?? null, status === undefined ? { id: task_id, title } : { id: task_id, title, status }, ctx),
  }),
  'task.rename': defineIntent({
    args: z.strictObject({ task_id: IdSchema, title: TitleSchema }),
    target: onTask,
    rule: ({ state, args, ctx }) => withTask(state, args.task_id, (snap) => renameTask(snap, args, ctx)),
  }),
  'task.set_status': defineIntent({
    args: z.strictObject({ task_id: IdSchema, status: z.enum(TaskStatus) }),
    target: onTask,
    rule: ({ state, args, ctx }) =>
      withTask(state, args.task_id, (snap) => withEvidence(snap, evidenceAt(ctx), ctx, {}, (current) => setTaskStatus(current, args, ctx))),
  }),
  'task.claim': taskAct(claimTask),
  'task.release': taskAct((snap, ctx) =>
    withEvidence(snap, evidenceAt(ctx), ctx, { endReason: EndReason.release }, (current) => releaseTask(current, ctx)),
  ),
  'task.complete': taskAct((snap, ctx) =>
    withEvidence(snap, evidenceAt(ctx), ctx, { endReason: EndReason.complete }, (current) => completeTask(current, ctx)),
  ),
} as const;

/** An act that names only its task (`{task_id}`) and runs `rule` on the task's snapshot. */
export function taskAct(rule: (snap: TaskSnapshot, ctx: RuleContext) => Result<Effect[]>) {
  return defineIntent({
    args: z.strictObject({ task_id: IdSchema }),
    target: onTask,
    rule: ({ state, args, ctx }) => withTask(state, args.task_id, (snap) => rule(snap, ctx)),
  });
}

export function onTask(args: { readonly task_id: string }): AggregateRef {
  return { aggregate: Aggregate.task, id: args.task_id };
}

/** `rule` on the task's snapshot; NOT_FOUND when there is no such task. */
export function withTask(state: State, taskId: string, rule: (snap: TaskSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const snap = snapshotOf(state, taskId);
  return snap === null ? err(taskNotFound(taskId)) : rule(snap);
}
