/**
 * Creating and renaming tasks (`POST /api/v1/tasks`, `PATCH … {title}`).
 *
 * Invariants:
 *  1. Only supervisors and admins create or rename tasks (403 FORBIDDEN).
 *  2. Creating is idempotent by id: the same id with the same title is a
 *     no-op (a retried offline create), with another title 409 CONFLICT_EXISTS.
 *  3. A new task starts unclaimed with no time; created straight into
 *     in-progress it goes through `moveTask`, so the creator picks it up and
 *     its session opens exactly as for any other pick-up (I2, I3).
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { TaskRow } from '../rows.ts';
import { forbidden } from './task-errors.ts';
import { moveTask } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export interface CreateTaskArgs {
  readonly id: string;
  readonly title: string;
  readonly status?: TaskStatus;
}

export function createTask(existing: TaskRow | null, args: CreateTaskArgs, ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return err(forbidden('Only supervisors and admins create tasks'));
  if (existing !== null) {
    if (existing.title === args.title) return ok([]);
    return err(domainError('CONFLICT_EXISTS', 'A task with this id already exists', { task_id: args.id }));
  }
  const status = args.status ?? TaskStatus.todo;
  const row: TaskRow = {
    id: args.id,
    title: args.title,
    status: status === TaskStatus.inProgress ? TaskStatus.todo : status,
    claimed_by: null,
    assigned_at: null,
    time_spent_ms: 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  if (status !== TaskStatus.inProgress) return ok([put('tasks', row)]);
  // moveTask always writes the whole task row, so its effects create the task too.
  return moveTask({ task: row, open_session: null, last_closed_session: null, items: [], totals: [] }, status, ctx, EndReason.statusChange);
}

export function renameTask(snap: TaskSnapshot, args: { readonly title: string }, ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return err(forbidden('Only supervisors and admins rename tasks'));
  if (args.title === snap.task.title) return ok([]);
  // Renaming is not a status event, so it takes `now` as is; updated_at never goes back.
  return ok([put('tasks', { ...snap.task, title: args.title, updated_at: Math.max(ctx.now, snap.task.updated_at) })]);
}
