/**
 * Every intent kind a device may journal, gathered from the aggregates'
 * definitions: the API's list (API.md "Sync push") plus what a worker needs
 * offline and the supervisor's changes, so every change in Stint, REST or
 * offline, goes through one path and one log. A kind is declared once, in
 * its aggregate's file; everything here is derived.
 */
import type { z } from 'zod';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import { bookingIntents } from './booking-intents.ts';
import { checklistIntents } from './checklist-intents.ts';
import type { AggregateRef, RuleInput } from './define-intent.ts';
import { runIntents } from './run-intents.ts';
import { sopIntents } from './sop-intents.ts';
import { taskIntents } from './task-intents.ts';
import { workIntents } from './work-intents.ts';

export const INTENTS = { ...taskIntents, ...workIntents, ...checklistIntents, ...runIntents, ...sopIntents, ...bookingIntents } as const;

export type IntentKind = keyof typeof INTENTS;
export const INTENT_KINDS = Object.keys(INTENTS) as readonly IntentKind[];

/** The args schema of each kind. */
export const INTENT_ARGS = Object.fromEntries(INTENT_KINDS.map((kind) => [kind, INTENTS[kind].args])) as {
  readonly [K in IntentKind]: (typeof INTENTS)[K]['args'];
};

/** The parsed args of one kind, e.g. `IntentArgs<'run.check'>`. */
export type IntentArgs<K extends IntentKind> = z.output<(typeof INTENTS)[K]['args']>;

/** An intent's kind with its args: enough to find its target and run its rule. */
export interface KindWithArgs<K extends IntentKind> {
  readonly kind: K;
  readonly args: IntentArgs<K>;
}

/** The definition of an intent's kind, its functions typed by that kind's args. */
export function definitionOf<K extends IntentKind>(intent: KindWithArgs<K>): Definitions[K] {
  return DEFINITIONS[intent.kind];
}

// Typing each kind's functions by its own args is what lets `definitionOf`
// hand an intent's args to its own kind's functions without a cast.
type Definitions = {
  readonly [K in IntentKind]: {
    readonly target: (args: IntentArgs<K>) => AggregateRef;
    readonly refs?: (args: IntentArgs<K>) => readonly AggregateRef[];
    readonly rule: (input: RuleInput<IntentArgs<K>>) => Result<Effect[]>;
  };
};
const DEFINITIONS: Definitions = INTENTS;
