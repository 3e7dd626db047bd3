/**
 * Intents on a procedure run: start, record a safety check, pause, resume,
 * complete, approve. The wire names a run `session_id` (the SOP spec calls
 * runs "work sessions"); inside they are runs.
 */
import { z } from 'zod';
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { CheckResult } from '../rows.ts';
import type { OverrideArgs } from '../runs/run-guard.ts';
import { approveRun, completeRun, pauseRun, resumeRun } from '../runs/run-lifecycle.ts';
import { recordCheck } from '../runs/run-check.ts';
import { activeRunOf, newestConfirmedVersion, runSnapshotOf } from '../runs/run-snapshot.ts';
import type { RunSnapshot } from '../runs/run-snapshot.ts';
import { startRun } from '../runs/run-start.ts';
import type { State } from '../state.ts';
import { IdSchema, MAX_NOTES_LENGTH, ReasonSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import type { AggregateRef } from './define-intent.ts';

/** A supervisor's reason to change a locked run or another worker's run (DESIGN I7). */
const override = { override_reason: ReasonSchema.optional() };

export const runIntents = {
  'run.start': defineIntent({
    args: z.strictObject({ session_id: IdSchema, sop_id: IdSchema }),
    target: onRun,
    refs: (args) => [{ aggregate: Aggregate.sop, id: args.sop_id }],
    rule: ({ state, args: { session_id, sop_id }, ctx }) => {
      if (state.procedure_runs.has(session_id)) {
        return err(domainError('CONFLICT_EXISTS', `Procedure run ${session_id} already exists.`, { session_id }));
      }
      const sop = state.sops.get(sop_id) ?? null;
      return startRun(activeRunOf(state, ctx.actor.user_id), newestConfirmedVersion(state, sop), sop, { id: session_id, sop_id }, ctx);
    },
  }),
  'run.check': defineIntent({
    args: z.strictObject({
      session_id: IdSchema,
      step_id: IdSchema,
      result: z.enum(CheckResult),
      notes: z.string().max(MAX_NOTES_LENGTH).optional(),
      ...override,
    }),
    target: onRun,
    rule: ({ state, args: { session_id, step_id, result, notes, override_reason }, ctx }) =>
      withRun(state, session_id, (snap) => recordCheck(snap, { check_id: ctx.newId('check'), step_id, result, notes, override_reason }, ctx)),
  }),
  'run.pause': runAct(pauseRun),
  'run.resume': runAct(resumeRun),
  'run.complete': runAct(completeRun),
  'run.approve': defineIntent({
    args: z.strictObject({ session_id: IdSchema, reason: ReasonSchema.optional() }),
    target: onRun,
    rule: ({ state, args, ctx }) => withRun(state, args.session_id, (snap) => approveRun(snap, { reason: args.reason }, ctx)),
  }),
} as const;

function onRun(args: { readonly session_id: string }): AggregateRef {
  return { aggregate: Aggregate.run, id: args.session_id };
}

/** An act that names only its run, with a supervisor's optional override reason. */
function runAct(rule: (snap: RunSnapshot, args: OverrideArgs, ctx: RuleContext) => Result<Effect[]>) {
  return defineIntent({
    args: z.strictObject({ session_id: IdSchema, ...override }),
    target: onRun,
    rule: ({ state, args, ctx }) => withRun(state, args.session_id, (snap) => rule(snap, args, ctx)),
  });
}

function withRun(state: State, runId: string, rule: (snap: RunSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const snap = runSnapshotOf(state, runId);
  return snap === null ? err(domainError('NOT_FOUND', `Procedure run ${runId} not found.`, { session_id: runId })) : rule(snap);
}
