/**
 * A device's replica in the simulation: what Zero would hold for its user,
 * taken from a database snapshot with the visibility rules of the synced
 * queries (shared/src/zero/queries.ts), refreshed when the simulator says a
 * replication round reached the device.
 *
 * Running real zero-cache per seed would cost seconds (cold start about
 * 4 s); test/zero/ covers the real read path. Here each round is a filter
 * over the snapshot the step's checks already read.
 *
 * Invariants:
 *  1. A worker sees the tasks claimed by them or by nobody, those tasks'
 *     items, their own sessions and totals on them, their own runs and those
 *     runs' checks, every confirmed SOP version plus the versions their runs
 *     pin (and those SOPs), and the bookings they mentor or attend. A
 *     supervisor sees everything. audit_log is not replicated.
 *  2. appliedIntentIds are the user's own outcomes, from the same snapshot.
 */
import { emptyState, stateFrom } from '@stint/shared';
import type { Actor, State } from '@stint/shared';
import type { ReplicaSource } from '../../client/src/engine/index.ts';
import type { Snapshot } from './sim-server.ts';

export class SimReplica implements ReplicaSource {
  private state: State = emptyState();
  private applied: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<() => void>();
  private readonly actor: Actor;
  rounds = 0;

  constructor(actor: Actor) {
    this.actor = actor;
  }

  getState = (): State => this.state;
  appliedIntentIds = (): ReadonlySet<string> => this.applied;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** One replication round from a database snapshot. */
  replicate(snapshot: Snapshot): void {
    this.rounds += 1;
    this.state = visibleState(snapshot.state, this.actor);
    this.applied = new Set([...snapshot.applied.values()].filter((d) => d.user_id === this.actor.user_id).map((d) => d.id));
    for (const listener of [...this.listeners]) listener();
  }
}

/** The rows `actor` may see (invariant 1). */
export function visibleState(all: State, actor: Actor): State {
  const me = actor.user_id;
  const rows = <T>(map: ReadonlyMap<string, T>): T[] => [...map.values()];
  if (actor.role !== 'worker') return stateFrom({ ...everything(all), audit_log: [] });
  const tasks = rows(all.tasks).filter((t) => t.claimed_by === me || t.claimed_by === null);
  const taskIds = new Set(tasks.map((t) => t.id));
  const myRuns = rows(all.procedure_runs).filter((r) => r.worker_id === me);
  const pinned = new Set(myRuns.map((r) => `${r.sop_id}\u0000${r.sop_version}`));
  const versions = rows(all.sop_versions).filter((v) => v.status === 'confirmed' || pinned.has(`${v.sop_id}\u0000${v.version}`));
  const sopIds = new Set([...rows(all.sop_versions).filter((v) => v.status === 'confirmed').map((v) => v.sop_id), ...myRuns.map((r) => r.sop_id)]);
  const runIds = new Set(myRuns.map((r) => r.id));
  return stateFrom({
    tasks,
    checklist_items: rows(all.checklist_items).filter((i) => taskIds.has(i.task_id)),
    work_sessions: rows(all.work_sessions).filter((s) => s.user_id === me && taskIds.has(s.task_id)),
    user_task_totals: rows(all.user_task_totals).filter((s) => s.user_id === me && taskIds.has(s.task_id)),
    sops: rows(all.sops).filter((s) => sopIds.has(s.id)),
    sop_versions: versions,
    procedure_runs: myRuns,
    safety_checks: rows(all.safety_checks).filter((c) => runIds.has(c.run_id)),
    bookings: rows(all.bookings).filter((b) => b.mentor_id === me || b.student_id === me),
  });
}

function everything(all: State): Parameters<typeof stateFrom>[0] {
  return {
    tasks: [...all.tasks.values()],
    checklist_items: [...all.checklist_items.values()],
    work_sessions: [...all.work_sessions.values()],
    user_task_totals: [...all.user_task_totals.values()],
    sops: [...all.sops.values()],
    sop_versions: [...all.sop_versions.values()],
    procedure_runs: [...all.procedure_runs.values()],
    safety_checks: [...all.safety_checks.values()],
    bookings: [...all.bookings.values()],
  };
}
