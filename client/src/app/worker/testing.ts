/**
 * A world for the worker views' tests, built through the real shared rules
 * (`applyIntent` + `applyEffects`), never by mocking the engine: each step
 * is an intent by a person at a time, refused steps fail the test.
 *
 *   const w = world().as(SUP, T0).act('task.create', {task_id: 't1', title: 'Poda'});
 *   w.as(ANA, T0 + 1000).act('task.claim', {task_id: 't1'}).state
 */
import { applyEffects, applyIntent, emptyState, ruleContext } from '@stint/shared';
import type { Actor, Intent, IntentArgs, IntentKind, Millis, State, UserRow } from '@stint/shared';

/** 2026-03-02T08:00:00Z. */
export const T0: Millis = Date.UTC(2026, 2, 2, 8, 0);
export const ANA: Actor = { user_id: 'ana', role: 'worker' };
export const LUIS: Actor = { user_id: 'luis', role: 'worker' };
export const SUP: Actor = { user_id: 'sup', role: 'supervisor' };
export const USERS: ReadonlyMap<string, UserRow> = new Map(
  [
    { id: 'ana', name: 'Ana García', role: 'worker' as const, created_at: T0 },
    { id: 'luis', name: 'Luis Pérez', role: 'worker' as const, created_at: T0 },
    { id: 'sup', name: 'Marta Ruiz', role: 'supervisor' as const, created_at: T0 },
  ].map((user) => [user.id, user]),
);

export interface World {
  readonly state: State;
  /** The next steps are by `actor` at `now`. */
  as(actor: Actor, now: Millis): Step;
}

export interface Step extends World {
  act<K extends IntentKind>(kind: K, args: IntentArgs<K>): Step;
}

let intentCounter = 0;

export function world(state: State = emptyState()): World {
  return {
    state,
    as: (actor, now) => step(state, actor, now),
  };
}

function step(state: State, actor: Actor, now: Millis): Step {
  return {
    state,
    as: (nextActor, nextNow) => step(state, nextActor, nextNow),
    act: (kind, args) => {
      const id = `i${++intentCounter}`;
      const intent = { id, kind, args, occurred_at: new Date(now).toISOString() } as Intent;
      const result = applyIntent(state, intent, ruleContext(id, { now, actor, zone: 'Europe/Madrid' }));
      if (!result.ok) throw new Error(`${kind} by ${actor.user_id} refused: ${result.error.code} ${result.error.message}`);
      return step(applyEffects(state, result.value), actor, now);
    },
  };
}

/** A confirmed SOP with two tasks: steps s1 (check), s2 (no check) | s3 (check). */
export function withSop(w: World, now: Millis, sopId = 'sop1'): Step {
  return w
    .as(SUP, now)
    .act('sop.create', {
      sop_id: sopId,
      title: 'Cierre de cámara frigorífica',
      tasks: [
        {
          id: `${sopId}-a`,
          title: 'Preparar',
          steps: [
            { id: `${sopId}-s1`, title: 'Desconectar la corriente', requires_check: true },
            { id: `${sopId}-s2`, title: 'Retirar el producto', requires_check: false },
          ],
        },
        { id: `${sopId}-b`, title: 'Cerrar', steps: [{ id: `${sopId}-s3`, title: 'Sellar la puerta', requires_check: true }] },
      ],
    })
    .act('sop.confirm', { sop_id: sopId });
}
