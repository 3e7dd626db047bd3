/**
 * Which aggregates an intent touches, from its kind's definition. The server
 * locks and loads the target before running the rule; the client treats
 * intents naming a common aggregate as dependent (DESIGN §4: a rejected
 * intent blocks only the ones behind it that depend on it).
 */
import type { AggregateRef } from './define-intent.ts';
import { definitionOf } from './intent-definitions.ts';
import type { IntentKind, KindWithArgs } from './intent-definitions.ts';
import type { Intent } from './intent.ts';

/** The aggregate an intent changes. */
export function intentTarget(intent: Intent): AggregateRef {
  return targetOf(intent);
}

/** The target, then every other aggregate the intent names (e.g. the task a new checklist item joins). */
export function intentRefs(intent: Intent): AggregateRef[] {
  return [targetOf(intent), ...otherRefsOf(intent)];
}

/** A stable string for an aggregate, for maps and lock names: `task:t1`. */
export function aggregateKey(ref: AggregateRef): string {
  return `${ref.aggregate}:${ref.id}`;
}

/** Whether two intents name a common aggregate, so the later one depends on the earlier. */
export function sharesAggregate(a: Intent, b: Intent): boolean {
  const keys = new Set(intentRefs(a).map(aggregateKey));
  return intentRefs(b).some((ref) => keys.has(aggregateKey(ref)));
}

function targetOf<K extends IntentKind>(intent: KindWithArgs<K>): AggregateRef {
  return definitionOf(intent).target(intent.args);
}

function otherRefsOf<K extends IntentKind>(intent: KindWithArgs<K>): readonly AggregateRef[] {
  return definitionOf(intent).refs?.(intent.args) ?? [];
}
