/**
 * The worker's home: "Now Working" (one live timer per open work session
 * of mine), my claimed tasks and the open pool.
 *
 * Invariants:
 *  1. Now Working lists exactly my open sessions (`activeSessionsOf`), oldest
 *     first, each timer = my accumulated time on the task + time since its
 *     start (`elapsedMs`); several can run at once.
 *  2. My tasks are the tasks claimed by me, done ones included (until they
 *     leave the replica), running ones first.
 *  3. The open pool is every unclaimed task that is not done (nor skipped:
 *     nothing left to do there), oldest first. It offers claim and start
 *     only: completing a task is for whoever claimed it (or a supervisor),
 *     whatever a rule would accept of an unclaimed one.
 */
import { TaskStatus, activeSessionsOf, elapsedMs, rowsOfTable } from '@stint/shared';
import type { Actor, Millis, State } from '@stint/shared';
import { probeOf } from './rule-probe.ts';
import { taskCardModel } from './task-card-model.ts';
import type { TaskCardModel } from './task-card-model.ts';

export interface NowWorkingEntry {
  readonly taskId: string;
  /** The task's title, or null when the task row is not (yet) in the view. */
  readonly title: string | null;
  readonly startedAt: Millis;
  readonly accumulatedMs: number;
  /** accumulated + time since startedAt, at `now`. */
  readonly elapsedMs: number;
}

export interface WorkHomeModel {
  readonly nowWorking: readonly NowWorkingEntry[];
  readonly myTasks: readonly TaskCardModel[];
  readonly openPool: readonly TaskCardModel[];
}

export function workHomeModel(state: State, actor: Actor, now: Millis): WorkHomeModel {
  const probe = probeOf(state, actor, now);
  const openSessions = rowsOfTable(state, 'work_sessions').filter((s) => s.ended_at === null);
  const nowWorking = activeSessionsOf(actor.user_id, openSessions, rowsOfTable(state, 'user_task_totals')).map((active) => {
    const session = openSessions.find((s) => s.task_id === active.task_id && s.user_id === actor.user_id) ?? null;
    return {
      taskId: active.task_id,
      title: state.tasks.get(active.task_id)?.title ?? null,
      startedAt: active.started_at,
      accumulatedMs: active.accumulated_ms,
      elapsedMs: elapsedMs(active.accumulated_ms, session, now),
    };
  });
  const tasks = rowsOfTable(state, 'tasks');
  const myTasks = tasks
    .filter((task) => task.claimed_by === actor.user_id)
    .map((task) => taskCardModel(state, actor, now, task, probe))
    .sort((a, b) => Number(b.running) - Number(a.running) || doneLast(a) - doneLast(b) || byTitle(a, b));
  const openPool = tasks
    .filter((task) => task.claimed_by === null && task.status !== TaskStatus.done && task.status !== TaskStatus.skipped)
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((task) => poolCard(taskCardModel(state, actor, now, task, probe)));
  return { nowWorking, myTasks, openPool };
}

/** A pool entry: the card with claim and start, nothing else (invariant 3). */
export function poolCard(card: TaskCardModel): TaskCardModel {
  const { claim, start } = card.actions;
  return { ...card, actions: { claim, start, release: false, pause: false, complete: false } };
}

function doneLast(card: TaskCardModel): number {
  return card.status === TaskStatus.done || card.status === TaskStatus.skipped ? 1 : 0;
}

function byTitle(a: TaskCardModel, b: TaskCardModel): number {
  return a.title.localeCompare(b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
