/**
 * Builders for task tests and simulations: rows with sensible defaults, a
 * rule context with deterministic ids, and a one-step runner that applies an
 * intent's effects to an in-memory state. Pure, like the rules: ids come from a
 * counter the caller owns, time from the caller.
 */
import { DEFAULT_STALE_CUTOFF_MS } from '../context.ts';
import type { Actor, RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import { TaskStatus } from '../rows.ts';
import type { ChecklistItemRow, Role, TaskRow, WorkSessionRow } from '../rows.ts';
import { applyEffects } from '../state.ts';
import type { State } from '../state.ts';
import type { Millis } from '../time.ts';
import { toIso } from '../time.ts';
import { applyIntent } from '../intents/apply-intent.ts';
import type { IntentArgs, IntentKind } from '../intents/intent-definitions.ts';
import type { Intent } from '../intents/intent.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

/** 2026-01-16T12:00:00Z, the time in the example payload of seeds/003-multi-ongoing-claimed-work-sessions.md. */
export const T0: Millis = 1_768_564_800_000;

export function actor(user_id: string, role: Role = 'worker'): Actor {
  return { user_id, role };
}

/** A context whose ids are `${tag}-${n}` from a per-context counter, so tests can predict them. */
export function contextAt(now: Millis, who: Actor, options: { zone?: string; offline?: boolean; idPrefix?: string; serverNow?: Millis; staleCutoffMs?: Millis } = {}): RuleContext {
  let n = 0;
  const prefix = options.idPrefix ?? '';
  return {
    now,
    actor: who,
    newId: (tag) => `${prefix}${tag}-${++n}`,
    zone: options.zone ?? 'Europe/Madrid',
    offline: options.offline ?? false,
    serverNow: options.serverNow ?? now,
    staleCutoffMs: options.staleCutoffMs ?? DEFAULT_STALE_CUTOFF_MS,
  };
}

export function taskRow(overrides: Partial<TaskRow> & { id: string }): TaskRow {
  return {
    title: `Task ${overrides.id}`,
    status: TaskStatus.todo,
    claimed_by: null,
    assigned_at: null,
    time_spent_ms: 0,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function openSessionRow(overrides: Partial<WorkSessionRow> & { id: string; task_id: string; user_id: string }): WorkSessionRow {
  return {
    started_at: T0,
    last_heartbeat_at: overrides.started_at ?? T0,
    ended_at: null,
    ended_reason: null,
    zone: 'Europe/Madrid',
    offline: false,
    created_at: overrides.started_at ?? T0,
    closed_at: overrides.ended_at ?? null,
    extended_by_owner: false,
    ...overrides,
  };
}

export function itemRow(overrides: Partial<ChecklistItemRow> & { id: string; task_id: string }): ChecklistItemRow {
  return {
    title: `Item ${overrides.id}`,
    status: 1,
    position: 0,
    deleted_at: null,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export function snapshot(task: TaskRow, rest: Partial<Omit<TaskSnapshot, 'task'>> = {}): TaskSnapshot {
  return { task, open_session: null, last_closed_session: null, items: [], totals: [], ...rest };
}

/** An intent's kind and args: what a test step does. */
export type Act = { readonly [K in IntentKind]: { readonly kind: K; readonly args: IntentArgs<K> } }[IntentKind];

/**
 * Runs one act as an intent made on the device at `ctx.now`; the state
 * changes only when the intent is accepted.
 */
export function step(state: State, act: Act, ctx: RuleContext): { state: State; result: Result<Effect[]> } {
  const result = applyIntent(state, asIntent(act, ctx.now), ctx);
  return { state: result.ok ? applyEffects(state, result.value) : state, result };
}

/** The act as an intent the device made at `at`. */
export function asIntent(act: Act, at: Millis, id = 'step'): Intent {
  return { id, ...act, occurred_at: toIso(at) };
}
