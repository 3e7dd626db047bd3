/** Intents on an SOP: create, edit (a new draft version), confirm, delete. */
import { z } from 'zod';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import type { SopRow, SopVersionRow } from '../rows.ts';
import { confirmSop, createSop, deleteSop, editSop } from '../runs/sop-rules.ts';
import { getRow } from '../state.ts';
import type { State } from '../state.ts';
import { IdSchema, TitleSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import type { AggregateRef } from './define-intent.ts';

export const MAX_SOP_TASKS = 100;
export const MAX_SOP_STEPS = 200;

const SopStepInputSchema = z.strictObject({ id: IdSchema.optional(), title: TitleSchema, requires_check: z.boolean().optional() });
const SopTaskInputSchema = z.strictObject({ id: IdSchema.optional(), title: TitleSchema, steps: z.array(SopStepInputSchema).max(MAX_SOP_STEPS) });
const SopTasksSchema = z.array(SopTaskInputSchema).max(MAX_SOP_TASKS);
const SopRefArgs = z.strictObject({ sop_id: IdSchema });

export const sopIntents = {
  'sop.create': defineIntent({
    args: z.strictObject({ sop_id: IdSchema, title: TitleSchema, tasks: SopTasksSchema }),
    target: onSop,
    rule: ({ state, args: { sop_id, title, tasks }, ctx }) => {
      if (state.sops.has(sop_id)) return err(domainError('CONFLICT_EXISTS', `SOP ${sop_id} already exists.`, { sop_id }));
      return createSop({ id: sop_id, title, tasks }, ctx);
    },
  }),
  'sop.edit': defineIntent({
    args: z.strictObject({ sop_id: IdSchema, title: TitleSchema.optional(), tasks: SopTasksSchema.optional() }),
    target: onSop,
    rule: ({ state, args: { sop_id, title, tasks }, ctx }) => withSop(state, sop_id, (sop, latest) => editSop(sop, latest, { title, tasks }, ctx)),
  }),
  'sop.confirm': defineIntent({
    args: SopRefArgs,
    target: onSop,
    rule: ({ state, args, ctx }) => withSop(state, args.sop_id, (sop, latest) => confirmSop(sop, latest, ctx)),
  }),
  'sop.delete': defineIntent({
    args: SopRefArgs,
    target: onSop,
    rule: ({ state, args, ctx }) => withSop(state, args.sop_id, (sop) => deleteSop(sop, [...state.procedure_runs.values()], ctx)),
  }),
} as const;

function onSop(args: { readonly sop_id: string }): AggregateRef {
  return { aggregate: Aggregate.sop, id: args.sop_id };
}

/** A live-or-deleted SOP with its newest version (deleteSop decides about deleted ones). */
function withSop(state: State, sopId: string, rule: (sop: SopRow, latest: SopVersionRow) => Result<Effect[]>): Result<Effect[]> {
  const sop = state.sops.get(sopId);
  const latest = sop === undefined ? undefined : getRow(state, 'sop_versions', [sop.id, sop.latest_version]);
  if (sop === undefined || latest === undefined) return err(domainError('NOT_FOUND', `SOP ${sopId} not found.`, { sop_id: sopId }));
  return rule(sop, latest);
}
