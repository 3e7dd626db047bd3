/**
 * Every task rule behind one discriminated union, run against an in-memory
 * state: the local view, the simulation and property tests use it. (The
 * intent layer keeps its own zod-checked kinds and calls the rules directly.)
 *
 * Invariants:
 *  1. Each op reads exactly one task's snapshot and answers with effects on it
 *     (create reads the task row only, and creates it).
 *  2. An op on a task that does not exist is 404 NOT_FOUND, except create.
 *  3. The switch is exhaustive: a new op kind does not compile until handled.
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason } from '../rows.ts';
import type { TaskStatus } from '../rows.ts';
import { evidenceAt, withEvidence } from './evidence.ts';
import type { State } from '../state.ts';
import { closeStale } from './stale-sweep.ts';
import { claimTask, completeTask, releaseTask } from './task-claim.ts';
import { createTask, renameTask } from './task-create.ts';
import { taskNotFound } from './task-errors.ts';
import { snapshotOf } from './task-snapshot.ts';
import { setTaskStatus } from './task-status.ts';
import { heartbeatWork, pauseWork, startWork } from './work-session.ts';
import { unreachable } from '../unreachable.ts';

export type TaskOp =
  | { readonly kind: 'create'; readonly id: string; readonly title: string; readonly status?: TaskStatus }
  | { readonly kind: 'rename'; readonly task_id: string; readonly title: string }
  | { readonly kind: 'set_status'; readonly task_id: string; readonly status: TaskStatus }
  | { readonly kind: 'claim' | 'release' | 'complete'; readonly task_id: string }
  | { readonly kind: 'start' | 'pause'; readonly task_id: string }
  /** `run_ms`: how long the device had been beating without a gap (from `alive_since`), 0 for a lone beat. */
  | { readonly kind: 'heartbeat'; readonly task_id: string; readonly run_ms?: number }
  | { readonly kind: 'close_stale'; readonly task_id: string };

export type TaskOpKind = TaskOp['kind'];

export function runTaskOp(state: State, op: TaskOp, ctx: RuleContext): Result<Effect[]> {
  if (op.kind === 'create') {
    const args = op.status === undefined ? { id: op.id, title: op.title } : { id: op.id, title: op.title, status: op.status };
    return createTask(state.tasks.get(op.id) ?? null, args, ctx);
  }
  const snap = snapshotOf(state, op.task_id);
  if (snap === null) return err(taskNotFound(op.task_id));
  switch (op.kind) {
    case 'rename':
      return renameTask(snap, { title: op.title }, ctx);
    case 'set_status':
      return withEvidence(snap, evidenceAt(ctx), ctx, {}, (current) => setTaskStatus(current, { status: op.status }, ctx));
    case 'claim':
      return claimTask(snap, ctx);
    case 'release':
      return withEvidence(snap, evidenceAt(ctx), ctx, { endReason: EndReason.release }, (current) => releaseTask(current, ctx));
    case 'complete':
      return withEvidence(snap, evidenceAt(ctx), ctx, { endReason: EndReason.complete }, (current) => completeTask(current, ctx));
    case 'start':
      return startWork(snap, ctx);
    case 'pause':
      return pauseWork(snap, ctx);
    case 'heartbeat':
      return heartbeatWork(snap, ctx, op.run_ms ?? 0);
    case 'close_stale':
      return closeStale(snap, ctx);
    default:
      return unreachable(op);
  }
}
