/**
 * Heartbeats in the journal (DESIGN §3.1): a device keeps beating while it
 * is offline, but one pending heartbeat per task stands for the whole
 * unbroken run of beats, carrying `alive_since` (when the run began), so
 * hours offline cost one journal row per task instead of one a minute.
 *
 * Invariants:
 *  1. A beat continues the task's latest open heartbeat row (not settled,
 *     not refused, not yet shown by the replica) when it comes within the
 *     stale cutoff of it on the device clock, never before it; its
 *     alive_since is that row's alive_since, or that row's own time.
 *     Otherwise it starts a run of its own and has no alive_since.
 *  2. A continuing beat replaces that row (deleted, the beat appended with a
 *     new id and seq) only when the row is still pending and no later row
 *     concerns the task: moving the evidence past another act on the task
 *     (a pause, a tick) would change what the server sees first.
 *  3. A row that concerns the task: its task_id is the task, or it names a
 *     checklist item or work session of the task, or one the view does not
 *     know (kept apart, to be safe).
 */
import { Aggregate, intentTarget, toIso } from '@stint/shared';
import type { IntentArgs, Millis, State } from '@stint/shared';
import { Phase, isHeartbeat } from './journal.ts';
import type { JournalRow } from './journal.ts';
import { intentOf } from './replay.ts';

export interface BeatPlan {
  /** Device time (ISO) the unbroken run of beats began, when this beat continues one. */
  readonly aliveSince: string | null;
  /** The pending heartbeat row this beat stands in for. */
  readonly replaces: JournalRow | null;
}

/** The task's latest heartbeat row still open in the journal (invariant 1); `rows` in seq order. */
export function lastBeatOf(rows: readonly JournalRow[], taskId: string, shown: ReadonlySet<string>): JournalRow | undefined {
  return rows.findLast(
    (row) => isHeartbeat(row) && taskIdOf(row) === taskId && row.phase !== Phase.settled && row.status !== 'rejected' && !shown.has(row.id),
  );
}

/** What a beat at device time `at` makes of the journal: `previous` from `lastBeatOf`, `later` every row after it. */
export function planBeat(previous: JournalRow | undefined, later: readonly JournalRow[], at: Millis, cutoffMs: Millis, concerns: (row: JournalRow) => boolean): BeatPlan {
  if (previous === undefined) return { aliveSince: null, replaces: null };
  const gap = at - previous.occurred_at;
  if (gap < 0 || gap > cutoffMs) return { aliveSince: null, replaces: null };
  const aliveSince = aliveSinceOf(previous) ?? toIso(previous.occurred_at);
  return { aliveSince, replaces: previous.phase === Phase.pending && !later.some(concerns) ? previous : null };
}

/** The beat's args with its run: the journal's alive_since wins; one the caller gave stands when the journal knows no run. */
export function heartbeatArgs(beat: IntentArgs<'work.heartbeat'>, plan: BeatPlan): IntentArgs<'work.heartbeat'> {
  const aliveSince = plan.aliveSince ?? beat.alive_since;
  return aliveSince === undefined ? { task_id: beat.task_id } : { task_id: beat.task_id, alive_since: aliveSince };
}

/** Whether a journal row concerns the task (invariant 3), judged against the local view. */
export function concernsTask(view: State, taskId: string): (row: JournalRow) => boolean {
  return (row) => {
    if (taskIdOf(row) === taskId) return true;
    const target = intentTarget(intentOf(row));
    switch (target.aggregate) {
      case Aggregate.checklistItem:
        return (view.checklist_items.get(target.id)?.task_id ?? taskId) === taskId;
      case Aggregate.workSession:
        return (view.work_sessions.get(target.id)?.task_id ?? taskId) === taskId;
      default:
        return false;
    }
  };
}

/** The task a row names directly in its args (task.*, work.start/pause/heartbeat, checklist.add), if any. */
export function taskIdOf(row: JournalRow): string | null {
  const taskId = (row.args as { readonly task_id?: unknown } | null)?.task_id;
  return typeof taskId === 'string' ? taskId : null;
}

function aliveSinceOf(row: JournalRow): string | null {
  const aliveSince = (row.args as { readonly alive_since?: unknown } | null)?.alive_since;
  return typeof aliveSince === 'string' ? aliveSince : null;
}
