/**
 * The work-session acts (`POST /api/v1/me/work-sessions/start|
 * pause|heartbeat {task_id}`, intents `work.start|pause|heartbeat`). A person
 * may have any number of tasks in progress at once (0..N); each task has at
 * most one open session.
 *
 * Invariants:
 *  I3 only the claimer starts: start does not claim (unclaimed or claimed by
 *     another → 409 CONFLICT_CLAIMED); a done task never gets a session (409
 *     CONFLICT_INVALID_STATE).
 *  I1 start while the caller's session is open is idempotent: no second session.
 *  I2 start = → in-progress, pause = → on-hold (reason `pause`), both via
 *     moveTask; pause with nothing of the caller's open is a no-op (200).
 *  I6 a checklist task may be started only while its items say "in progress"
 *     (numeric 2), so on-hold ↔ in-progress keeps status = derived; otherwise
 *     400 STATUS_DERIVED (its items, not a timer, decide its status).
 *  I5 a heartbeat only moves the caller's open session's last_heartbeat_at
 *     forward; without one it is 409 CONFLICT_INVALID_STATE, unless it is
 *     late evidence for the caller's stale-closed session (evidence.ts).
 *  I10 a heartbeat or a pause arriving after the stale sweep extends the
 *     session it vouches for (DESIGN §3.1); a late pause ends it at its own time.
 */
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { deriveTaskStatus, isAtomic, liveItems } from '../checklist/derive.ts';
import { adjusted, err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { ChecklistStatus, EndReason, TaskStatus } from '../rows.ts';
import type { WorkSessionRow } from '../rows.ts';
import { claimedConflict, invalidState, statusDerived } from './task-errors.ts';
import { applyEvidence, evidenceAt, staleSessionOf, withEvidence } from './evidence.ts';
import type { Evidence } from './evidence.ts';
import { moveTask } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';
import type { Millis } from '../time.ts';
import { toIso } from '../time.ts';

export function startWork(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  const { task, open_session } = snap;
  const me = ctx.actor.user_id;
  if (task.status === TaskStatus.done) return err(invalidState(task, 'A done task cannot be started'));
  if (task.claimed_by !== me) return err(claimedConflict(task, task.claimed_by === null ? 'Claim the task before starting work on it' : undefined));
  if (open_session !== null) {
    if (open_session.user_id === me) return ok([]);
    // Unreachable while I3 holds (the open session belongs to the claimer); refuse rather than open a second one.
    return err(claimedConflict(task, 'Another user is working on this task'));
  }
  if (!isAtomic(snap.items) && deriveTaskStatus(liveItems(snap.items)) !== ChecklistStatus.inProgress) {
    return err(statusDerived(task));
  }
  return moveTask(snap, TaskStatus.inProgress, ctx, EndReason.statusChange);
}

export function pauseWork(snap: TaskSnapshot, ctx: RuleContext): Result<Effect[]> {
  return withEvidence(snap, evidenceAt(ctx), ctx, { endReason: EndReason.pause }, (current) => {
    const open = current.open_session;
    if (open === null || open.user_id !== ctx.actor.user_id) return ok([]);
    return moveTask(current, TaskStatus.onHold, ctx, EndReason.pause);
  });
}

/**
 * A heartbeat at `ctx.now`; `runMs` is how long the device had been beating
 * without a gap longer than the cutoff when it made this one (from its
 * `alive_since`), measured on the device's own clock.
 */
export function heartbeatWork(snap: TaskSnapshot, ctx: RuleContext, runMs: Millis = 0): Result<Effect[]> {
  const evidence = { at: ctx.now, since: ctx.now - runMs };
  const applied = applyEvidence(snap, evidence, ctx, { reopen: true });
  const current = applied?.snap ?? snap;
  const effects: Effect[] = [...(applied?.effects ?? [])];
  const open = current.open_session;
  if (open !== null && open.user_id === ctx.actor.user_id) {
    if (ctx.now > open.last_heartbeat_at) effects.push(put('work_sessions', { ...open, last_heartbeat_at: ctx.now }));
  } else if (applied === null) {
    const stale = staleSessionOf(snap, ctx.actor.user_id);
    // Evidence the stale session already covers (a resent beat) is nothing new, not an error.
    if (stale?.ended_at != null && evidence.at <= stale.ended_at) return ok([]);
    return err(invalidState(snap.task, stale === null ? 'No active session on this task' : gapMessage(stale, evidence)));
  }
  return applied?.adjustment === undefined ? ok(effects) : adjusted(effects, applied.adjustment);
}

function gapMessage(stale: WorkSessionRow, evidence: Evidence): string {
  return `This work session was closed at ${toIso(stale.ended_at ?? stale.started_at)} because its device went quiet; this device's evidence starts at ${toIso(evidence.since)}, too late to vouch for the time between. Claim it back with work.extend.`;
}
