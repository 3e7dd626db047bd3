/**
 * Whether the shared rules would accept an intent right now, asked of the
 * same `applyIntent` the engine runs before journaling (engine/act.ts
 * invariant 1). Views use it to offer only the buttons that would do
 * something, so the screen never disagrees with what the engine accepts.
 *
 * "Allowed" means the rule answers ok; an ok with no effects (claiming your
 * own task) counts as allowed only when `changes` is not asked for.
 */
import { applyIntent, ruleContext } from '@stint/shared';
import type { Actor, Intent, IntentArgs, IntentKind, Millis, State } from '@stint/shared';

export interface Probe {
  /** The rules accept the intent (possibly as a no-op). */
  readonly allows: <K extends IntentKind>(kind: K, args: IntentArgs<K>) => boolean;
  /** The rules accept the intent and it would change something. */
  readonly changes: <K extends IntentKind>(kind: K, args: IntentArgs<K>) => boolean;
}

/** A probe of `state` as `actor` at `now`. */
export function probeOf(state: State, actor: Actor, now: Millis): Probe {
  const run = <K extends IntentKind>(kind: K, args: IntentArgs<K>) => {
    const intent = { id: 'probe', kind, args, occurred_at: '' } as Intent;
    // No late-evidence reach: a button offered now acts now, and the view already shows where the
    // sweep cut a session, so no button may rest on extending it (with any cutoff, now is past it).
    return applyIntent(state, intent, ruleContext(intent.id, { now, actor, staleCutoffMs: 0 }));
  };
  return {
    allows: (kind, args) => run(kind, args).ok,
    changes: (kind, args) => {
      const result = run(kind, args);
      return result.ok && result.value.length > 0;
    },
  };
}
