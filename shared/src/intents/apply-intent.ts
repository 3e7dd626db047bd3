/**
 * One entry point for every intent kind: `(state, intent, ctx) → effects |
 * DomainError` (DESIGN §4). The state holds at least the rows of the
 * intent's aggregate: the server loads just those (locked) into a partial
 * state; the client's local view passes its whole replica. Either way the
 * same rule decides, so the client never predicts an outcome the server
 * would not reach. Ids of the rows an intent creates are the client's
 * (task_id, checklist_item_id, session_id) or `ctx.newId(tag)`, derived from
 * the intent id, so replays and optimistic rows agree on ids.
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import type { State } from '../state.ts';
import { definitionOf } from './intent-definitions.ts';
import type { IntentKind, KindWithArgs } from './intent-definitions.ts';
import type { Intent } from './intent.ts';

export function applyIntent(state: State, intent: Intent, ctx: RuleContext): Result<Effect[]> {
  return ruleOf(state, intent, ctx);
}

function ruleOf<K extends IntentKind>(state: State, intent: KindWithArgs<K> & { readonly occurred_at: string }, ctx: RuleContext): Result<Effect[]> {
  return definitionOf(intent).rule({ state, args: intent.args, occurredAt: intent.occurred_at, ctx });
}
