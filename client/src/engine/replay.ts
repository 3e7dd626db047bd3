/**
 * The local view (DESIGN §1 step 2): replicated server state plus the
 * journal's not-yet-visible intents replayed through the shared rules.
 * Pure: everything it needs comes in as arguments.
 *
 * Invariants:
 *  1. The overlay is every journaled intent that is pending, or accepted but
 *     not yet shown by the replica, in journal (seq) order. An intent leaves
 *     it only once the replica shows it, so nothing flickers; a rejected
 *     intent has no effect and is never in it.
 *  2. Replays use the ids the server uses (`<intent id>:<tag>`), so an
 *     optimistic row and the replicated row it becomes share a key.
 *  3. A replay the rules refuse is skipped; it changes nothing.
 *  4. The base state is never mutated: a table an intent touches is copied
 *     once per replay, then written in place.
 */
import { applyEffectsInPlace, applyIntent, ruleContext } from '@stint/shared';
import type { Actor, Effect, Intent, Millis, MutableState, RuleContext, State, TableName } from '@stint/shared';
import type { JournalRow } from './journal.ts';

export interface ReplayEnv {
  readonly actor: Actor;
  readonly zone: string;
  /** The current device clock offset estimate (add to device time to get server time). */
  readonly offsetMs: Millis;
  /** The server's time as this device estimates it (device clock + offset) when the view is computed. */
  readonly serverNow: Millis;
  /** STALE_CUTOFF_S in ms, as the server told it at sign-in. */
  readonly staleCutoffMs: Millis;
}

/** The overlay of invariant 1, in seq order (rows come sorted by seq). */
export function overlayOf(rows: readonly JournalRow[], applied: ReadonlySet<string>): JournalRow[] {
  return rows.filter((row) => (row.status === 'pending' || row.status === 'accepted' || row.status === 'accepted_with_adjustment') && !applied.has(row.id));
}

/** Replica state with the overlay replayed on top. */
export function replay(base: State, overlay: readonly JournalRow[], env: ReplayEnv): State {
  if (overlay.length === 0) return base;
  const state = { ...base } as MutableState;
  const copied = new Set<TableName>();
  for (const row of overlay) {
    const result = applyIntent(state, intentOf(row), replayContext(row, env));
    if (!result.ok) continue;
    copyTouched(state, base, copied, result.value);
    applyEffectsInPlace(state, result.value);
  }
  return state;
}

/**
 * When a replayed intent takes effect: the server's effective time once it
 * is known, else the device time corrected by the current offset.
 */
export function replayTime(row: JournalRow, offsetMs: Millis): Millis {
  return row.effective_at ?? row.occurred_at + offsetMs;
}

/**
 * The rule context of a replayed row, with the server's id derivation
 * (invariant 2). A pending row is replayed as the server would decide it
 * now; a decided one as the server decided it: at its effective time, the
 * server's clock reading when the answer came (late evidence reopens a work
 * session only when it is recent at that moment, DESIGN §3.1).
 */
export function replayContext(row: JournalRow, env: ReplayEnv): RuleContext {
  const now = replayTime(row, env.offsetMs);
  const serverNow = row.effective_at === null ? env.serverNow : row.decided_at === null ? now : row.decided_at + env.offsetMs;
  return actContext(row.id, now, Math.max(now, serverNow), env);
}

/** The rule context of an intent taking effect at `now` while the server's clock reads `serverNow`. */
export function actContext(intentId: string, now: Millis, serverNow: Millis, env: Pick<ReplayEnv, 'actor' | 'zone' | 'staleCutoffMs'>): RuleContext {
  // `offline` only marks rows the server writes (work_sessions.offline); the
  // replica's row replaces the optimistic one, so it is not predicted here.
  return ruleContext(intentId, { now, actor: env.actor, zone: env.zone, offline: false, serverNow, staleCutoffMs: env.staleCutoffMs });
}

/** A journal row as the rules and the wire see it (its args were parsed by the kind's schema). */
export function intentOf(row: JournalRow): Intent {
  return { id: row.id, kind: row.kind, args: row.args, occurred_at: new Date(row.occurred_at).toISOString() } as Intent;
}

function copyTouched(state: MutableState, base: State, copied: Set<TableName>, effects: readonly Effect[]): void {
  for (const effect of effects) {
    if (copied.has(effect.table)) continue;
    copied.add(effect.table);
    (state as Record<TableName, Map<string, unknown>>)[effect.table] = new Map(base[effect.table] as ReadonlyMap<string, unknown>);
  }
}
