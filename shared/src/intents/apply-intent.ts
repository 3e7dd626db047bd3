/**
 * One entry point for every intent kind: `(state, intent, ctx) → effects |
 * DomainError` (DESIGN §4). The state holds at least the rows of the
 * intent's aggregate: the server loads just those (locked) into a partial
 * state; the client's local view passes its whole replica. Either way the
 * same rule decides, so the client never predicts an outcome the server
 * would not reach.
 *
 * Invariants:
 * 1. Every kind dispatches to exactly one rule (exhaustive switch).
 * 2. A missing target entity is NOT_FOUND, never an exception.
 * 3. Ids of rows an intent creates are the client's (task_id,
 *    checklist_item_id, session_id) or `ctx.newId(tag)`, which callers derive
 *    from the intent id, so replays and optimistic rows agree on ids.
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import type { BookingRow, ProcedureRunRow, SafetyCheckRow, SopRow, SopVersionRow } from '../rows.ts';
import { getRow } from '../state.ts';
import type { State } from '../state.ts';
import { cancelBooking, completeBooking, createBooking, startBooking } from '../bookings/booking.ts';
import { addChecklistItem, deleteChecklistItem, renameChecklistItem, setChecklistItemStatus } from '../checklist/checklist-rules.ts';
import { approveRun, completeRun, pauseRun, resumeRun } from '../runs/run-lifecycle.ts';
import type { RunSnapshot } from '../runs/run-lifecycle.ts';
import { recordCheck } from '../runs/run-check.ts';
import { startRun } from '../runs/run-start.ts';
import { confirmSop, createSop, deleteSop, editSop } from '../runs/sop-rules.ts';
import { evidenceAt, withEvidence } from '../tasks/evidence.ts';
import { taskNotFound } from '../tasks/task-errors.ts';
import { extendWorkSession, nextSessionStart } from '../tasks/work-extend.ts';
import { runTaskOp } from '../tasks/task-ops.ts';
import { snapshotOf } from '../tasks/task-snapshot.ts';
import type { TaskSnapshot } from '../tasks/task-snapshot.ts';
import type { Intent } from './intent.ts';
import { unreachable } from '../unreachable.ts';

export function applyIntent(state: State, intent: Intent, ctx: RuleContext): Result<Effect[]> {
  switch (intent.kind) {
    case 'task.create': {
      const { task_id, title, status } = intent.args;
      return runTaskOp(state, status === undefined ? { kind: 'create', id: task_id, title } : { kind: 'create', id: task_id, title, status }, ctx);
    }
    case 'task.set_status':
      return runTaskOp(state, { kind: 'set_status', task_id: intent.args.task_id, status: intent.args.status }, ctx);
    case 'task.claim':
      return runTaskOp(state, { kind: 'claim', task_id: intent.args.task_id }, ctx);
    case 'task.release':
      return runTaskOp(state, { kind: 'release', task_id: intent.args.task_id }, ctx);
    case 'task.complete':
      return runTaskOp(state, { kind: 'complete', task_id: intent.args.task_id }, ctx);
    case 'task.rename':
      return runTaskOp(state, { kind: 'rename', task_id: intent.args.task_id, title: intent.args.title }, ctx);
    case 'work.start':
      return runTaskOp(state, { kind: 'start', task_id: intent.args.task_id }, ctx);
    case 'work.pause':
      return runTaskOp(state, { kind: 'pause', task_id: intent.args.task_id }, ctx);
    case 'work.heartbeat': {
      const runMs = heartbeatRunMs(intent);
      if (!runMs.ok) return runMs;
      return runTaskOp(state, { kind: 'heartbeat', task_id: intent.args.task_id, run_ms: runMs.value }, ctx);
    }
    case 'work.extend': {
      const { session_id, until } = intent.args;
      const session = state.work_sessions.get(session_id);
      if (session === undefined) return err(domainError('NOT_FOUND', `Work session ${session_id} not found.`, { session_id }));
      // `until` is the device's time, like occurred_at: it keeps its distance from the act.
      const untilAt = ctx.now - (Date.parse(intent.occurred_at) - Date.parse(until));
      return withTask(state, session.task_id, (snap) => extendWorkSession(snap, session, nextSessionStart(state, session), untilAt, ctx));
    }
    case 'checklist.add': {
      const { checklist_item_id, task_id, title, status } = intent.args;
      return withTask(state, task_id, (snap) => addChecklistItem(snap, { id: checklist_item_id, title, status }, ctx));
    }
    case 'checklist.set_status': {
      const { checklist_item_id, status } = intent.args;
      // Ticking an item is evidence that its task's work went on (DESIGN §3.1).
      return withItemTask(state, checklist_item_id, (snap) =>
        withEvidence(snap, evidenceAt(ctx), ctx, {}, (current) => setChecklistItemStatus(current, { item_id: checklist_item_id, status }, ctx)),
      );
    }
    case 'checklist.rename': {
      const { checklist_item_id, title } = intent.args;
      return withItemTask(state, checklist_item_id, (snap) => renameChecklistItem(snap, { item_id: checklist_item_id, title }, ctx));
    }
    case 'checklist.delete': {
      const { checklist_item_id } = intent.args;
      return withItemTask(state, checklist_item_id, (snap) => deleteChecklistItem(snap, { item_id: checklist_item_id }, ctx));
    }
    case 'run.start': {
      const { session_id, sop_id } = intent.args;
      const existing = state.procedure_runs.get(session_id);
      if (existing !== undefined) {
        return err(domainError('CONFLICT_EXISTS', `Work session ${session_id} already exists.`, { session_id }));
      }
      const sop = state.sops.get(sop_id) ?? null;
      return startRun(activeRunOf(state, ctx.actor.user_id), newestConfirmedVersion(state, sop), sop, { id: session_id, sop_id }, ctx);
    }
    case 'run.check': {
      const { session_id, step_id, result, notes, override_reason } = intent.args;
      return withRun(state, session_id, (snap) =>
        recordCheck(snap, { check_id: ctx.newId('check'), step_id, result, notes, override_reason }, ctx),
      );
    }
    case 'run.pause':
      return withRun(state, intent.args.session_id, (snap) => pauseRun(snap, intent.args, ctx));
    case 'run.resume':
      return withRun(state, intent.args.session_id, (snap) => resumeRun(snap, intent.args, ctx));
    case 'run.complete':
      return withRun(state, intent.args.session_id, (snap) => completeRun(snap, intent.args, ctx));
    case 'run.approve':
      return withRun(state, intent.args.session_id, (snap) => approveRun(snap, { reason: intent.args.reason }, ctx));
    case 'sop.create': {
      const { sop_id, title, tasks } = intent.args;
      if (state.sops.has(sop_id)) return err(domainError('CONFLICT_EXISTS', `SOP ${sop_id} already exists.`, { sop_id }));
      return createSop({ id: sop_id, title, tasks }, ctx);
    }
    case 'sop.edit': {
      const { title, tasks } = intent.args;
      return withSop(state, intent.args.sop_id, (sop, latest) => editSop(sop, latest, { title, tasks }, ctx));
    }
    case 'sop.confirm':
      return withSop(state, intent.args.sop_id, (sop, latest) => confirmSop(sop, latest, ctx));
    case 'sop.delete':
      return withSop(state, intent.args.sop_id, (sop) => deleteSop(sop, [...state.procedure_runs.values()], ctx));
    case 'booking.create': {
      const { booking_id, mentor_id, student_id, start_time, end_time } = intent.args;
      const args = { id: booking_id, mentor_id, student_id, start_time: Date.parse(start_time), end_time: Date.parse(end_time) };
      return createBooking(state.bookings.get(booking_id) ?? null, args, ctx);
    }
    case 'booking.cancel':
      return withBooking(state, intent.args.booking_id, (booking) => cancelBooking(booking, ctx));
    case 'booking.start':
      return withBooking(state, intent.args.booking_id, (booking) => startBooking(booking, ctx));
    case 'booking.complete':
      return withBooking(state, intent.args.booking_id, (booking) => completeBooking(booking, ctx));
    default:
      return unreachable(intent);
  }
}

/** The worker's active run (in_progress or paused), if any: I7 allows one. */
export function activeRunOf(state: State, workerId: string): ProcedureRunRow | null {
  for (const run of state.procedure_runs.values()) {
    if (run.worker_id === workerId && run.status !== 'completed') return run;
  }
  return null;
}

/** The newest confirmed version of a live SOP: where new runs start. */
export function newestConfirmedVersion(state: State, sop: SopRow | null): SopVersionRow | null {
  if (sop === null) return null;
  let newest: SopVersionRow | null = null;
  for (const version of state.sop_versions.values()) {
    if (version.sop_id === sop.id && version.status === 'confirmed' && (newest === null || version.version > newest.version)) {
      newest = version;
    }
  }
  return newest;
}

/** A run with its pinned version and checks, or null when the run does not exist. */
export function runSnapshotOf(state: State, runId: string): RunSnapshot | null {
  const run = state.procedure_runs.get(runId);
  if (run === undefined) return null;
  const version = getRow(state, 'sop_versions', [run.sop_id, run.sop_version]);
  if (version === undefined) return null;
  const checks: SafetyCheckRow[] = [];
  for (const check of state.safety_checks.values()) if (check.run_id === runId) checks.push(check);
  checks.sort((a, b) => a.checked_at - b.checked_at);
  return { run, version, checks };
}

/** How long the device had been beating without a gap, from `alive_since` to the beat, on the device's own clock. */
function heartbeatRunMs(intent: Extract<Intent, { kind: 'work.heartbeat' }>): Result<number> {
  if (intent.args.alive_since === undefined) return ok(0);
  const run = Date.parse(intent.occurred_at) - Date.parse(intent.args.alive_since);
  if (!(run >= 0)) {
    return err(domainError('INVALID_INPUT', 'alive_since is after the heartbeat it belongs to', { task_id: intent.args.task_id }));
  }
  return ok(run);
}

function withTask(state: State, taskId: string, rule: (snap: TaskSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const snap = snapshotOf(state, taskId);
  return snap === null ? err(taskNotFound(taskId)) : rule(snap);
}

function withItemTask(state: State, itemId: string, rule: (snap: TaskSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const item = state.checklist_items.get(itemId);
  if (item === undefined) return err(domainError('NOT_FOUND', `Checklist item ${itemId} not found.`, { checklist_item_id: itemId }));
  return withTask(state, item.task_id, rule);
}

function withRun(state: State, runId: string, rule: (snap: RunSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const snap = runSnapshotOf(state, runId);
  return snap === null ? err(domainError('NOT_FOUND', `Work session ${runId} not found.`, { session_id: runId })) : rule(snap);
}

/** A live-or-deleted SOP with its newest version (deleteSop decides about deleted ones). */
function withSop(state: State, sopId: string, rule: (sop: SopRow, latest: SopVersionRow) => Result<Effect[]>): Result<Effect[]> {
  const sop = state.sops.get(sopId);
  const latest = sop === undefined ? undefined : getRow(state, 'sop_versions', [sop.id, sop.latest_version]);
  if (sop === undefined || latest === undefined) return err(domainError('NOT_FOUND', `SOP ${sopId} not found.`, { sop_id: sopId }));
  return rule(sop, latest);
}

function withBooking(state: State, bookingId: string, rule: (booking: BookingRow) => Result<Effect[]>): Result<Effect[]> {
  const booking = state.bookings.get(bookingId);
  return booking === undefined ? err(domainError('NOT_FOUND', `Booking ${bookingId} not found.`, { booking_id: bookingId })) : rule(booking);
}
