/**
 * The invariants the simulation checks after every step that touched the
 * server, on rows read back from Postgres (one snapshot):
 *
 *  I1–I5  the server's consistency query (checkConsistency) is empty;
 *  I1–I6  the shared checker (checkTaskInvariants) agrees on the same rows;
 *  I7     checkRunInvariants, given the previous snapshot (a locked run
 *         changes only with an audited override; runs keep their version);
 *  I8     bookings move only forward against the previous snapshot, a
 *         final status never changes, is_delayed is never cleared;
 *  I5/§3  history stays in order: no entity's updated_at moves back, a
 *         session keeps its start, its heartbeat never moves back, and a
 *         closed session or a recorded check never changes again — but a
 *         session the sweep closed, which late evidence or its owner may
 *         extend or reopen, only later (DESIGN §3.1);
 *  views  every device's local view is a possible state (viewViolations),
 *         checked after every step, whatever it touched;
 *  oracle the fold of the decided intents equals the database, and the
 *         decided intents are exactly the outcomes stored (nothing was
 *         decided behind the simulator's back, nothing rolled back that
 *         was answered).
 */
import { isDeepStrictEqual } from 'node:util';
import { checkRunInvariants, checkTaskInvariants, taskTablesOf } from '@stint/shared';
import type { Actor, BookingStatus, State, WorkSessionRow } from '@stint/shared';
import type { Oracle } from './sim-oracle.ts';
import type { Snapshot } from './sim-server.ts';

export function snapshotViolations(snapshot: Snapshot, previous: State, oracle: Oracle): string[] {
  const out: string[] = [];
  for (const v of snapshot.consistency) out.push(`${v.invariant} (consistency query) ${v.entity_id}: ${v.message}`);
  for (const v of checkTaskInvariants(taskTablesOf(snapshot.state))) out.push(`${v.invariant} (shared checker) ${v.entity_id}: ${v.message}`);
  for (const v of checkRunInvariants(snapshot.state, previous)) out.push(`I7 ${v}`);
  out.push(...bookingViolations(previous, snapshot.state));
  out.push(...historyViolations(previous, snapshot.state));
  for (const id of snapshot.applied.keys()) if (!oracle.decided.has(id)) out.push(`I9 outcome of ${id} stored but never answered`);
  for (const id of oracle.decided.keys()) if (!snapshot.applied.has(id)) out.push(`I9 outcome of ${id} answered but not stored`);
  for (const [id, stored] of snapshot.applied) {
    const seen = oracle.decided.get(id);
    if (seen !== undefined && (seen.status !== stored.status || seen.code !== stored.code || seen.effective_at !== stored.effective_at)) {
      out.push(`I9 outcome of ${id} changed: ${JSON.stringify(seen)} → ${JSON.stringify(stored)}`);
    }
  }
  out.push(...oracle.compare(snapshot.state).map((line) => `oracle: ${line}`));
  return out;
}

/**
 * What a device's local view shows must itself be a possible state: the
 * replica is a consistent snapshot and every overlay intent is replayed
 * through the rules, so I1–I3, I5, I6 and I7 hold in it. A worker's view
 * holds only their own sessions while task totals count everyone's, so I4 is
 * checked only in a supervisor's view.
 */
export function viewViolations(view: State, actor: Actor): string[] {
  const everything = actor.role !== 'worker';
  return [
    ...checkTaskInvariants(taskTablesOf(view))
      .filter((v) => everything || v.invariant !== 'I4')
      .map((v) => `${v.invariant} ${v.entity_id}: ${v.message}`),
    ...checkRunInvariants(view).map((v) => `I7 ${v}`),
  ];
}

/** A stale-closed session that grew, reopened or was ended by a late act: same start, later end, nothing else rewritten. */
function extendedByEvidence(old: WorkSessionRow, now: WorkSessionRow): boolean {
  if (old.ended_reason !== 'stale_timeout' || old.ended_at === null) return false;
  const same = old.id === now.id && old.task_id === now.task_id && old.user_id === now.user_id && old.started_at === now.started_at && old.zone === now.zone && old.offline === now.offline;
  return same && (now.ended_at === null || now.ended_at > old.ended_at || (now.ended_at === old.ended_at && now.extended_by_owner !== old.extended_by_owner)) && now.last_heartbeat_at >= old.last_heartbeat_at;
}

/** DESIGN §3: offline times are clamped to the previous event on the entity, so an entity's history never runs backwards. */
export function historyViolations(before: State, after: State): string[] {
  const out: string[] = [];
  const tables = ['tasks', 'checklist_items', 'user_task_totals', 'sops', 'procedure_runs', 'bookings'] as const;
  for (const table of tables) {
    for (const [key, old] of before[table] as ReadonlyMap<string, { updated_at: number }>) {
      const now = (after[table] as ReadonlyMap<string, { updated_at: number }>).get(key);
      if (now !== undefined && now.updated_at < old.updated_at) out.push(`§3 ${table} ${key}: updated_at moved back ${old.updated_at - now.updated_at} ms`);
    }
  }
  for (const [id, old] of before.work_sessions) {
    const now = after.work_sessions.get(id);
    if (now === undefined) out.push(`I5 session ${id} disappeared`);
    else if (old.ended_at !== null && !isDeepStrictEqual(old, now) && !extendedByEvidence(old, now)) out.push(`I5 closed session ${id} changed: ${JSON.stringify(old)} → ${JSON.stringify(now)}`);
    else if (now.started_at !== old.started_at || now.last_heartbeat_at < old.last_heartbeat_at) out.push(`I5 session ${id} moved back: ${JSON.stringify(old)} → ${JSON.stringify(now)}`);
  }
  for (const [id, old] of before.safety_checks) {
    if (!isDeepStrictEqual(old, after.safety_checks.get(id))) out.push(`I7 recorded check ${id} changed or disappeared`);
  }
  return out;
}

const RANK: { readonly [S in BookingStatus]: number } = { SCHEDULED: 0, ONGOING: 1, COMPLETED: 2, CANCELLED: 2 };

/** I8 between two snapshots. */
export function bookingViolations(before: State, after: State): string[] {
  const out: string[] = [];
  for (const [id, old] of before.bookings) {
    const now = after.bookings.get(id);
    if (now === undefined) {
      out.push(`I8 booking ${id} disappeared`);
      continue;
    }
    const final = old.status === 'COMPLETED' || old.status === 'CANCELLED';
    if (RANK[now.status] < RANK[old.status] || (final && now.status !== old.status)) out.push(`I8 booking ${id} moved ${old.status} → ${now.status}`);
    if (old.is_delayed && !now.is_delayed) out.push(`I8 booking ${id} lost its delay flag`);
  }
  return out;
}
