/**
 * A request that changes two things of one aggregate at once (`PATCH {status,
 * title}` on a task or a checklist item) becomes one intent per change, run
 * in order through `runIntent`, the only way routes change state.
 *
 * Invariants:
 *  1. All or nothing for refusals: before the first step is applied, every
 *     step is checked by the same shared rule (`applyIntent`) against the
 *     aggregate's current rows, each step seeing the previous steps' effects.
 *     A step the rules would refuse fails the request with nothing applied.
 *  2. Nothing is written by the check: it runs in its own transaction and
 *     only reads (the rows are locked while it runs, as for a real intent).
 *  3. A single step skips the check: runIntent alone is already atomic.
 * A change committed by someone else between the check and a later step can
 * still refuse that step after an earlier one applied; the refusal then
 * reports the current state, and the earlier change stands on its own.
 */
import { applyEffects, applyIntent, parseIntent, ruleContext, toIso } from '@stint/shared';
import type { Actor, DomainError, Intent, IntentArgs, IntentKind, UserRow } from '@stint/shared';
import type { AppDeps } from '../http/env.ts';
import { loadIntentState } from '../intents/load-state.ts';
import { runIntent } from '../intents/run-intent.ts';

/** One intent of a request, before it gets an id and a time. */
export type IntentStep = { readonly [K in IntentKind]: { readonly kind: K; readonly args: IntentArgs<K> } }[IntentKind];

type Deps = Pick<AppDeps, 'sql' | 'clock' | 'config'>;

export async function runSteps(deps: Deps, user: Pick<UserRow, 'id' | 'role'>, steps: readonly IntentStep[]): Promise<void> {
  if (steps.length > 1) {
    const refusal = await checkSteps(deps, { user_id: user.id, role: user.role }, steps);
    if (refusal !== null) throw refusal;
  }
  for (const step of steps) await runIntent(deps, user, step.kind, step.args);
}

/** The first refusal the rules would give for the steps in order, or null (invariants 1, 2). */
async function checkSteps(deps: Deps, actor: Actor, steps: readonly IntentStep[]): Promise<DomainError | null> {
  const now = deps.clock();
  const intents: Intent[] = [];
  for (const [index, step] of steps.entries()) {
    const parsed = parseIntent({ id: `check-${index}`, kind: step.kind, args: step.args, occurred_at: toIso(now) });
    if (!parsed.ok) return parsed.error;
    intents.push(parsed.value);
  }
  const [first] = intents;
  if (first === undefined) return null;
  return deps.sql.begin(async (tx) => {
    let { state } = await loadIntentState(tx, first, actor);
    for (const intent of intents) {
      const ctx = ruleContext(intent.id, { now, actor, staleCutoffMs: deps.config.STALE_CUTOFF_S * 1000 });
      const result = applyIntent(state, intent, ctx);
      if (!result.ok) return result.error;
      state = applyEffects(state, result.value);
    }
    return null;
  });
}
