/**
 * Evidence of work that arrives after the stale sweep (DESIGN §3.1, I10).
 * The sweep closes a session at its last evidence when the device goes quiet;
 * a device that was only out of signal kept beating into its journal, and
 * when those beats (or a pause, a complete, a tick) arrive they extend what
 * the sweep cut short.
 *
 * Invariants:
 *  1. Only the owner's evidence extends, only the task's latest closed
 *     session, only one the sweep closed (`stale_timeout`), and not while
 *     the owner has a session of the task open again (that one gets it).
 *  2. Evidence must reach back: the run it closes started no later than one
 *     cutoff after the session's end (`since ≤ ended_at + cutoff`). A later
 *     run is a gap nobody vouched for and changes nothing here; the owner may
 *     claim it back (`extendWorkSession`).
 *  3. Never overlapping (I5): an extension ends no later than the start of
 *     the task's open session, nor than a change of the task made after the
 *     sweep; an extension cut short says so (`accepted_with_adjustment`).
 *  4. Totals stay exact (I4): task time and the (user, task) total grow by
 *     exactly the added time; a reopened session takes its counted time back
 *     out, since only closed sessions count.
 *  5. Evidence at or before the session's end changes nothing, so the same
 *     evidence applied twice is applied once.
 *  6. Every extension writes one audit row.
 */
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { adjusted, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason, TaskStatus } from '../rows.ts';
import type { AuditRow, TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import type { Millis } from '../time.ts';
import { toIso } from '../time.ts';
import { untouchedSinceSweep } from './task-lifecycle.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** What an intent proves: work went on, unbroken, from `since` to `at`. */
export interface Evidence {
  readonly at: Millis;
  /** The start of the unbroken run of evidence `at` closes; `at` itself for a run of one. */
  readonly since: Millis;
}

export interface EvidenceOptions {
  /** The act ends the work at its own time (a late pause, complete or release), with this reason. */
  readonly endReason?: EndReason;
  /** A heartbeat within the cutoff of server now reopens the session (nothing else changed since the sweep). */
  readonly reopen?: boolean;
}

/** The task after the evidence, the rows it wrote, and why it was cut short, if it was. */
export interface Applied {
  readonly snap: TaskSnapshot;
  readonly effects: readonly Effect[];
  readonly adjustment?: string;
}

/** The audit action of each kind of extension. */
export const ExtensionAction = {
  byEvidence: 'work.extended_by_evidence',
  reopened: 'work.reopened_by_evidence',
  byOwner: 'work.extend',
} as const;

/** The session late evidence from the actor would extend, or null (invariant 1). */
export function staleSessionOf(snap: TaskSnapshot, userId: string): WorkSessionRow | null {
  const session = snap.last_closed_session;
  if (session === null || session.ended_at === null) return null;
  return session.ended_reason === EndReason.staleTimeout && session.user_id === userId ? session : null;
}

/** Applies evidence to the actor's stale-closed session; null when it does not reach one (invariants 1, 2, 5). */
export function applyEvidence(snap: TaskSnapshot, evidence: Evidence, ctx: RuleContext, options: EvidenceOptions = {}): Applied | null {
  const session = staleSessionOf(snap, ctx.actor.user_id);
  if (session === null || session.ended_at === null) return null;
  // While the owner works on the task again, their evidence vouches for that session, not the one
  // before: so the same evidence lands in the same place whether it arrives before or after a sweep.
  if (snap.open_session?.user_id === ctx.actor.user_id) return null;
  if (evidence.at <= session.ended_at || evidence.since > session.ended_at + ctx.staleCutoffMs) return null;

  const untouched = untouchedSinceSweep(snap, session);
  const bound = Math.min(snap.open_session?.started_at ?? Infinity, untouched ? Infinity : snap.task.updated_at);
  const end = Math.min(evidence.at, bound);
  const adjustment = end < evidence.at ? cutShort(end) : undefined;
  if (end <= session.ended_at) return { snap, effects: [], ...(adjustment === undefined ? {} : { adjustment }) };

  const reopen =
    options.reopen === true &&
    adjustment === undefined &&
    untouched &&
    snap.open_session === null &&
    evidence.at >= ctx.serverNow - ctx.staleCutoffMs;
  const applied = reopen ? reopenSession(snap, session, evidence.at, ctx) : extendClosed(snap, session, end, ctx, options.endReason);
  return adjustment === undefined ? applied : { ...applied, adjustment };
}

/** `rule` on the task as the actor's evidence leaves it, with the evidence's rows first. */
export function withEvidence(
  snap: TaskSnapshot,
  evidence: Evidence,
  ctx: RuleContext,
  options: EvidenceOptions,
  rule: (snap: TaskSnapshot) => Result<Effect[]>,
): Result<Effect[]> {
  const applied = applyEvidence(snap, evidence, ctx, options);
  if (applied === null) return rule(snap);
  const result = rule(applied.snap);
  if (!result.ok) return result;
  const effects = [...applied.effects, ...result.value];
  const adjustment = applied.adjustment ?? result.adjustment;
  return adjustment === undefined ? ok(effects) : adjusted(effects, adjustment);
}

/** An act's own evidence: a run of one at the time it takes effect. */
export function evidenceAt(ctx: RuleContext): Evidence {
  return { at: ctx.now, since: ctx.now };
}

/**
 * A closed session ends later by `end − ended_at`: the session row, the
 * (user, task) total and the task's time (I4), and an audit row. Shared by
 * late evidence and the owner's claim (`work.extend`).
 */
export function extendClosed(
  snap: TaskSnapshot,
  session: WorkSessionRow,
  end: Millis,
  ctx: RuleContext,
  endReason?: EndReason,
  byOwner = false,
): Applied {
  const endedAt = session.ended_at ?? end;
  const added = end - endedAt;
  // A late pause ends the work; with another session open it belongs to that one.
  const reason = snap.open_session === null ? (endReason ?? session.ended_reason) : session.ended_reason;
  const next: WorkSessionRow = {
    ...session,
    ended_at: end,
    ended_reason: reason,
    last_heartbeat_at: Math.max(session.last_heartbeat_at, end),
    extended_by_owner: session.extended_by_owner || byOwner,
  };
  const total = adjustTotal(snap, session, added, ctx.now);
  const task: TaskRow = { ...snap.task, time_spent_ms: snap.task.time_spent_ms + added };
  const audit = extensionAudit(ctx, session, next, byOwner ? ExtensionAction.byOwner : ExtensionAction.byEvidence);
  return {
    snap: { ...snap, task, last_closed_session: next, totals: replaceTotal(snap.totals, total) },
    effects: [put('tasks', task), put('work_sessions', next), put('user_task_totals', total), put('audit_log', audit)],
  };
}

/** The session runs again, as if it had never gone stale: open, task in progress, its counted time taken back out (I2, I4). */
function reopenSession(snap: TaskSnapshot, session: WorkSessionRow, at: Millis, ctx: RuleContext): Applied {
  const counted = (session.ended_at ?? session.started_at) - session.started_at;
  const next: WorkSessionRow = { ...session, ended_at: null, ended_reason: null, closed_at: null, last_heartbeat_at: Math.max(session.last_heartbeat_at, at) };
  const total = adjustTotal(snap, session, -counted, ctx.now);
  const task: TaskRow = {
    ...snap.task,
    status: TaskStatus.inProgress,
    time_spent_ms: snap.task.time_spent_ms - counted,
    updated_at: Math.max(snap.task.updated_at, ctx.now),
  };
  const audit = extensionAudit(ctx, session, next, ExtensionAction.reopened);
  return {
    snap: { ...snap, task, open_session: next, last_closed_session: null, totals: replaceTotal(snap.totals, total) },
    effects: [put('tasks', task), put('work_sessions', next), put('user_task_totals', total), put('audit_log', audit)],
  };
}

function adjustTotal(snap: TaskSnapshot, session: WorkSessionRow, delta: Millis, at: Millis): UserTaskTotalRow {
  const previous = snap.totals.find((t) => t.user_id === session.user_id && t.task_id === session.task_id);
  return {
    user_id: session.user_id,
    task_id: session.task_id,
    accumulated_ms: Math.max(0, (previous?.accumulated_ms ?? 0) + delta),
    updated_at: Math.max(previous?.updated_at ?? at, at),
  };
}

function replaceTotal(totals: readonly UserTaskTotalRow[], total: UserTaskTotalRow): UserTaskTotalRow[] {
  return [...totals.filter((t) => t.user_id !== total.user_id), total];
}

function extensionAudit(ctx: RuleContext, before: WorkSessionRow, after: WorkSessionRow, action: string): AuditRow {
  return {
    id: ctx.newId('audit-extend'),
    at: ctx.now,
    actor_id: ctx.actor.user_id,
    device_id: null,
    source: ctx.offline ? 'offline' : 'online',
    entity: 'work_session',
    entity_id: before.id,
    action,
    old_value: { ended_at: before.ended_at, ended_reason: before.ended_reason },
    new_value: { ended_at: after.ended_at, ended_reason: after.ended_reason, extended_by_owner: after.extended_by_owner },
    reason: null,
  };
}

/** Why an extension stopped short of what was asked or vouched for. */
export function cutShort(end: Millis): string {
  return `Work time kept until ${toIso(end)}, when the task next changed; time after that was not added, so sessions never overlap.`;
}
