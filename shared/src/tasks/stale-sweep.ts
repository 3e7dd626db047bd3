/**
 * The stale sweep: an open session whose client has not sent a heartbeat for
 * longer than the cutoff (STALE_CUTOFF_S) is closed with reason
 * `stale_timeout` and its task goes on hold. This is the reference for the
 * server's set-based SQL sweep; both must agree row for row.
 *
 * Invariants:
 *  I2 the session closes and the task leaves in-progress together (on-hold
 *     keeps a checklist task's numeric status 2, so I6 holds too).
 *  I4 the session ends at its last heartbeat, not at the sweep: time after the
 *     last heartbeat is not evidenced (the device may have died or lost the
 *     network right after it), so it is not counted in time_spent or totals.
 *     A worker who was really working just starts again.
 *  I5 the sweep is deterministic and idempotent: it depends only on (state,
 *     cutoff, now), and a closed session is never stale.
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { WorkSessionRow } from '../rows.ts';
import type { State } from '../state.ts';
import type { Millis } from '../time.ts';
import { closeOpenSession, planEffects, transitionTime } from './task-lifecycle.ts';
import { snapshotOf } from './task-snapshot.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** An open session with no heartbeat in the last `cutoffMs` (strictly older than now − cutoff). */
export function isStale(session: WorkSessionRow, cutoffMs: Millis, now: Millis): boolean {
  return session.ended_at === null && session.last_heartbeat_at < now - cutoffMs;
}

/**
 * Closes the task's open session at its last heartbeat and puts the task on
 * hold. The caller decides staleness (`isStale`); the sweep is the system's
 * act, so no claim check applies. No open session → no effects.
 */
export function closeStale(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const open = snap.open_session;
  if (open === null) return ok([]);
  const at = transitionTime(snap, ctx.now);
  const closed = closeOpenSession(snap, open.last_heartbeat_at, EndReason.staleTimeout, at);
  const status = snap.task.status === TaskStatus.inProgress ? TaskStatus.onHold : snap.task.status;
  return ok(planEffects(snap, { task: { ...closed.task, status, updated_at: at }, rows: closed.rows }));
}

/** The whole sweep over an in-memory state: every stale session closed, in session-id order. */
export function sweepStale(state: State, cutoffMs: Millis, ctx: RuleContext): Effect[] {
  const stale = [...state.work_sessions.values()]
    .filter((session) => isStale(session, cutoffMs, ctx.now))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const effects: Effect[] = [];
  for (const session of stale) {
    const snap = snapshotOf(state, session.task_id);
    if (snap === null || snap.open_session?.id !== session.id) continue;
    const result = closeStale(snap, ctx);
    if (result.ok) effects.push(...result.value);
  }
  return effects;
}
