/**
 * How an intent kind is declared: its args schema, the aggregate it targets
 * and its rule, side by side (STYLE §6; zbugs' `defineMutators` is the
 * model). Each aggregate's kinds live in one file (`task-intents.ts`, …);
 * `intent-definitions.ts` gathers them, and the intent schema, targets and
 * `applyIntent` are derived from there.
 */
import type { z } from 'zod';
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import type { State } from '../state.ts';

/** What an intent locks and loads. A work session belongs to its task; only `work.extend` names one by id. */
export const Aggregate = { task: 'task', workSession: 'work_session', checklistItem: 'checklist_item', run: 'run', sop: 'sop', booking: 'booking' } as const;
export type Aggregate = (typeof Aggregate)[keyof typeof Aggregate];

export interface AggregateRef {
  readonly aggregate: Aggregate;
  readonly id: string;
}

export type ArgsSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

/** What a rule reads: a state holding at least the target's rows, the parsed args, and the intent's context. */
export interface RuleInput<A> {
  readonly state: State;
  readonly args: A;
  /** The device's clock when the intent was made: device times in args are measured against it, never against ours. */
  readonly occurredAt: string;
  readonly ctx: RuleContext;
}

export interface IntentDefinition<S extends ArgsSchema> {
  readonly args: S;
  /** The aggregate the intent changes: the server locks and loads it; on the client, later intents on it depend on this one. */
  readonly target: (args: z.output<S>) => AggregateRef;
  /** Other aggregates the args name (the task a new checklist item joins), so a rejection there holds this intent too. */
  readonly refs?: (args: z.output<S>) => readonly AggregateRef[];
  /** The pure rule: effects, or the DomainError that refuses the intent; a missing target is NOT_FOUND, never a throw. */
  readonly rule: (input: RuleInput<z.output<S>>) => Result<Effect[]>;
}

export function defineIntent<S extends ArgsSchema>(definition: IntentDefinition<S>): IntentDefinition<S> {
  return definition;
}
