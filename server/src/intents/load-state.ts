/**
 * Loads what one intent's rule reads into a partial in-memory state, taking
 * row locks so concurrent intents on the same aggregate serialise (the rule
 * then sees committed state and the constraints are a backstop, not the
 * arbiter).
 *
 * Invariants:
 *  1. The rows loaded are exactly those the kind's rule looks up (its
 *     definition in shared/src/intents/*-intents.ts); nothing else is in the state.
 *  2. The aggregate root is locked FOR UPDATE before its children are read:
 *     a task row for task, work and checklist intents; the run row for run
 *     intents; the actor's user row for run.start (one active run per worker,
 *     I7); the SOP row for SOP intents; the booking row for booking intents.
 *  3. Locks are always taken root-first in the same order, so two intents
 *     never wait on each other in opposite orders.
 *  4. The actor's user row is locked FOR NO KEY UPDATE, not FOR UPDATE:
 *     every intent inserts an applied_intents row referencing its user, which
 *     takes a KEY SHARE lock on that row until the batch commits, and FOR
 *     UPDATE would wait on (or deadlock with) every other in-flight batch of
 *     the same person. NO KEY UPDATE still serialises run.start against
 *     run.start.
 *  5. `previousEventAt` is the latest recorded change of the target: the
 *     shared `lastEventAt` of the task (its row, its open session's last
 *     heartbeat, or the last evidence of a session the sweep closed), and for
 *     a checklist item the item itself, so the clamp the executor reports is
 *     the one the rule applies (task-lifecycle's transitionTime).
 *  6. A task comes with its latest closed session, which late evidence may
 *     extend (DESIGN §3.1); a work session intent comes with its task, the
 *     session and the task's next session after it (the extension's bound).
 */
import { intentTarget, lastEventAt, snapshotOf, stateFrom, unreachable } from '@stint/shared';
import type { Actor, Intent, Millis, State, StateRows } from '@stint/shared';
import { readRows, selectRow, selectRows } from '../db/rows.ts';
import { toDate } from '../db/sql.ts';
import type { Queryable } from '../db/sql.ts';

export interface LoadedState {
  readonly state: State;
  /** The last recorded change of the target entity: the lower clamp of offline time (DESIGN §3). */
  readonly previousEventAt: Millis | null;
}

export async function loadIntentState(tx: Queryable, intent: Intent, actor: Actor): Promise<LoadedState> {
  const target = intentTarget(intent);
  switch (target.aggregate) {
    case 'task':
      return loadTask(tx, target.id);
    case 'work_session': {
      const session = await selectRow(tx, 'work_sessions', { id: target.id });
      if (session === undefined) return empty();
      const loaded = await loadTask(tx, session.task_id);
      const [locked, next] = await Promise.all([
        selectRows(tx, 'work_sessions', { id: session.id }),
        tx`SELECT * FROM work_sessions WHERE task_id = ${session.task_id} AND id <> ${session.id} AND started_at >= ${toDate(session.started_at)}
           ORDER BY started_at, id LIMIT 2`.then((raws) => readRows('work_sessions', raws)),
      ]);
      const rows = [...loaded.state.work_sessions.values(), ...locked, ...next];
      return { ...loaded, state: { ...loaded.state, work_sessions: new Map(rows.map((row) => [row.id, row])) } };
    }
    case 'checklist_item': {
      if (intent.kind === 'checklist.add') return loadTask(tx, intent.args.task_id, [intent.args.checklist_item_id]);
      const item = await selectRow(tx, 'checklist_items', { id: target.id });
      if (item === undefined) return empty();
      const loaded = await loadTask(tx, item.task_id);
      // The item as read under the task lock (it may have changed while we waited).
      const locked = loaded.state.checklist_items.get(item.id);
      return { ...loaded, previousEventAt: latest(loaded.previousEventAt, locked?.updated_at ?? null) };
    }
    case 'run':
      return intent.kind === 'run.start' ? loadRunStart(tx, target.id, intent.args.sop_id, actor) : loadRun(tx, target.id);
    case 'sop':
      return loadSop(tx, target.id);
    case 'booking': {
      const booking = await selectRow(tx, 'bookings', { id: target.id }, { forUpdate: true });
      return booking === undefined ? empty() : { state: stateFrom({ bookings: [booking] }), previousEventAt: booking.updated_at };
    }
    default:
      return unreachable(target.aggregate);
  }
}

/** A task with its open session, every checklist item and its totals. */
async function loadTask(tx: Queryable, taskId: string, extraItemIds: readonly string[] = []): Promise<LoadedState> {
  const task = await selectRow(tx, 'tasks', { id: taskId }, { forUpdate: true });
  if (task === undefined) return empty();
  const [open, lastClosed, items, totals] = await Promise.all([
    selectRows(tx, 'work_sessions', { task_id: taskId, ended_at: null }),
    tx`SELECT * FROM work_sessions WHERE task_id = ${taskId} AND ended_at IS NOT NULL ORDER BY started_at DESC, ended_at DESC, id DESC LIMIT 1`
      .then((raws) => readRows('work_sessions', raws)),
    selectRows(tx, 'checklist_items', { task_id: taskId }),
    selectRows(tx, 'user_task_totals', { task_id: taskId }),
  ]);
  // An item id reused from another task must still be seen (so the rule can refuse it).
  const extra = extraItemIds.length === 0 ? [] : await selectRows(tx, 'checklist_items', { id: extraItemIds });
  const rows: StateRows = {
    tasks: [task],
    work_sessions: [...open, ...lastClosed],
    checklist_items: [...items, ...extra.filter((i) => i.task_id !== taskId)],
    user_task_totals: totals,
  };
  const state = stateFrom(rows);
  const snap = snapshotOf(state, taskId);
  return { state, previousEventAt: snap === null ? task.updated_at : lastEventAt(snap) };
}

async function loadRun(tx: Queryable, runId: string): Promise<LoadedState> {
  const run = await selectRow(tx, 'procedure_runs', { id: runId }, { forUpdate: true });
  if (run === undefined) return empty();
  const [versions, checks] = await Promise.all([
    selectRows(tx, 'sop_versions', { sop_id: run.sop_id, version: run.sop_version }),
    selectRows(tx, 'safety_checks', { run_id: runId }),
  ]);
  return { state: stateFrom({ procedure_runs: [run], sop_versions: versions, safety_checks: checks }), previousEventAt: run.updated_at };
}

/** The actor (locked), their active run, the run id if taken, the SOP and its confirmed versions. */
async function loadRunStart(tx: Queryable, runId: string, sopId: string, actor: Actor): Promise<LoadedState> {
  await tx`SELECT 1 FROM users WHERE id = ${actor.user_id} FOR NO KEY UPDATE`;
  // A concurrent sop.delete (FOR UPDATE on the SOP) either commits first — then
  // this start sees the SOP deleted — or waits until this run exists and is refused.
  await tx`SELECT 1 FROM sops WHERE id = ${sopId} FOR SHARE`;
  const [active, existing, sops, versions] = await Promise.all([
    selectRows(tx, 'procedure_runs', { worker_id: actor.user_id, status: ['in_progress', 'paused'] }),
    selectRows(tx, 'procedure_runs', { id: runId }),
    selectRows(tx, 'sops', { id: sopId }),
    selectRows(tx, 'sop_versions', { sop_id: sopId, status: 'confirmed' }),
  ]);
  return { state: stateFrom({ procedure_runs: [...active, ...existing], sops, sop_versions: versions }), previousEventAt: null };
}

/** An SOP (locked), its newest version, and its active runs (the delete guard, I7). */
async function loadSop(tx: Queryable, sopId: string): Promise<LoadedState> {
  const sop = await selectRow(tx, 'sops', { id: sopId }, { forUpdate: true });
  if (sop === undefined) return empty();
  const [versions, active] = await Promise.all([
    selectRows(tx, 'sop_versions', { sop_id: sopId, version: sop.latest_version }),
    selectRows(tx, 'procedure_runs', { sop_id: sopId, status: ['in_progress', 'paused'] }),
  ]);
  return { state: stateFrom({ sops: [sop], sop_versions: versions, procedure_runs: active }), previousEventAt: sop.updated_at };
}

function latest(a: Millis | null, b: Millis | null): Millis | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function empty(): LoadedState {
  return { state: stateFrom({}), previousEventAt: null };
}
