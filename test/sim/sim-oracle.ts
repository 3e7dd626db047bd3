/**
 * The oracle: the fold of the server's decisions through the shared rules.
 * Starting from the empty state a seed starts from, each intent is applied
 * with `applyIntent` in the order the server first decided it, with the
 * server's recorded effective time, actor, zone and time source, to the
 * whole in-memory state. The fold must reach the same verdict as the server
 * for every intent and, after every step, exactly the server's rows.
 *
 * Why application order and not effective time: the server serialises
 * intents per aggregate (row locks) and the simulator delivers batches one
 * at a time, so the order of first decisions it observes IS the order the
 * server applied them in. Effective times are not an order: offline intents
 * are clamped to [previous event on that entity, server now], so two
 * aggregates' times interleave freely, and one aggregate's are monotone in
 * application order anyway.
 *
 * What is not derived but taken from the server's record: effective_at
 * (server clock, device clock offset and clamps — DESIGN §3; the clamp
 * bounds are checked by shared time-correction tests) and time_source
 * (whether the intent counts as offline). Everything else — every row of
 * every rule table, and which intents are accepted — is compared exactly.
 * audit_log is compared as "every audit row the fold writes exists on the
 * server" (the server adds device ids, and writes SESSION_LOCKED refusal
 * entries that no rule's effects carry).
 *
 * Scheduler periods are folded too, at their place in that order, through
 * the shared references the SQL sweeps are proven equal to.
 *
 * Invariants:
 *  1. Each intent id is folded at most once: a second decision of the same
 *     id is itself a failure (applied twice).
 *  2. A verdict differs (accepted vs rejected, or the rejection code) →
 *     failure naming the intent.
 */
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_STALE_CUTOFF_MS, applyEffects, applyIntent, emptyState, parseIntent, put, ruleContext, sweepBooking, sweepStale } from '@stint/shared';
import type { Actor, Effect, Millis, State, TableName } from '@stint/shared';
import type { StoredDecision } from './sim-server.ts';

const COMPARED: readonly Exclude<TableName, 'audit_log'>[] = [
  'tasks',
  'checklist_items',
  'work_sessions',
  'user_task_totals',
  'sops',
  'sop_versions',
  'procedure_runs',
  'safety_checks',
  'bookings',
];

export class Oracle {
  state: State = emptyState();
  /** The server's STALE_CUTOFF_S in ms (it changes when a seed resets the server). */
  private readonly staleCutoffMs: () => Millis;
  /** Intent ids in the order the server first decided them. */
  readonly order: string[] = [];
  readonly decided = new Map<string, StoredDecision>();

  constructor(staleCutoffMs: () => Millis = () => DEFAULT_STALE_CUTOFF_MS) {
    this.staleCutoffMs = staleCutoffMs;
  }

  /** Folds one newly decided intent; returns a failure message or null. */
  apply(raw: { readonly id: string } & Readonly<Record<string, unknown>>, actor: Actor, zone: string, stored: StoredDecision): string | null {
    if (this.decided.has(raw.id)) return `intent ${raw.id} decided a second time`;
    this.decided.set(raw.id, stored);
    this.order.push(raw.id);
    const parsed = parseIntent(raw);
    if (!parsed.ok) {
      return stored.status === 'rejected' && stored.code === parsed.error.code ? null : `intent ${raw.id} does not parse (${parsed.error.code}) but the server decided ${stored.status}`;
    }
    if (stored.effective_at === null) {
      return `intent ${raw.id} (${parsed.value.kind}) was ${stored.status} ${stored.code ?? ''} without an effective time: rejected outside the rules`;
    }
    const result = applyIntent(
      this.state,
      parsed.value,
      ruleContext(raw.id, {
        now: stored.effective_at,
        actor,
        zone,
        offline: stored.time_source !== 'server',
        serverNow: stored.received_at,
        staleCutoffMs: this.staleCutoffMs(),
      }),
    );
    const serverAccepted = stored.status !== 'rejected';
    if (result.ok !== serverAccepted) {
      const fold = result.ok ? 'accepts' : `rejects ${result.error.code} (${result.error.message})`;
      return `intent ${raw.id} ${parsed.value.kind} ${JSON.stringify(parsed.value.args)} by ${actor.user_id}: the server decided ${stored.status} ${stored.code ?? ''}, the fold ${fold}`;
    }
    if (!result.ok) {
      return result.error.code === stored.code ? null : `intent ${raw.id} ${parsed.value.kind}: the server rejected it ${stored.code}, the fold ${result.error.code}`;
    }
    this.state = applyEffects(this.state, result.value);
    return null;
  }

  /**
   * A scheduler period at `now`, folded with the shared references of the
   * server's set-based sweeps: sweepStale (the stale-session sweep) and
   * sweepBooking (the booking sweep). Audit rows of sweeps are not compared
   * (the SQL writes its own, named `stale:<session>@<time>`).
   */
  sweep(now: Millis, staleCutoffMs: Millis): void {
    const ctx = ruleContext('sweep', { now, actor: { user_id: 'scheduler', role: 'admin' } });
    this.state = applyEffects(this.state, sweepStale(this.state, staleCutoffMs, ctx).filter((e) => e.table !== 'audit_log'));
    const bookings: Effect[] = [];
    for (const booking of this.state.bookings.values()) {
      const next = sweepBooking(booking, now);
      if (next !== null) bookings.push(put('bookings', next));
    }
    this.state = applyEffects(this.state, bookings);
  }

  /** Differences between the fold and the database, one line each (empty = equal). */
  compare(db: State): string[] {
    const out: string[] = [];
    for (const table of COMPARED) {
      const fold = this.state[table] as ReadonlyMap<string, unknown>;
      const real = db[table] as ReadonlyMap<string, unknown>;
      for (const [key, row] of fold) {
        const other = real.get(key);
        if (other === undefined) out.push(`${table} ${key}: in the fold, not in the database`);
        else if (!isDeepStrictEqual(plain(row), plain(other))) out.push(`${table} ${key}: fold ${JSON.stringify(row)} ≠ database ${JSON.stringify(other)}`);
      }
      for (const key of real.keys()) if (!fold.has(key)) out.push(`${table} ${key}: in the database, not in the fold`);
    }
    for (const [key, row] of this.state.audit_log) {
      const other = db.audit_log.get(key);
      if (other === undefined) out.push(`audit_log ${key}: in the fold, not in the database`);
      else if (!isDeepStrictEqual(plain({ ...row, device_id: null }), plain({ ...other, device_id: null }))) {
        out.push(`audit_log ${key}: fold ${JSON.stringify(row)} ≠ database ${JSON.stringify(other)}`);
      }
    }
    return out;
  }
}

/** As stored: JSON has no undefined, so a key holding undefined and a missing key are the same row. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
