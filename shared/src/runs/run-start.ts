/**
 * Starting a procedure run.
 *
 * Invariants (I7):
 * 1. A worker has at most one active run (in_progress or paused); a second
 *    start is refused with 409 ACTIVE_SESSION_EXISTS naming the active one.
 * 2. A run starts only from a confirmed version of a live SOP and is pinned
 *    to that version for its whole life.
 * 3. A new run is in_progress at the first step of the first non-empty task.
 */
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { RunStatus, SopStatus } from '../rows.ts';
import type { ProcedureRunRow, SopRow, SopVersionRow } from '../rows.ts';
import { firstStep } from './steps.ts';

export interface StartRunArgs {
  readonly id: string;
  readonly sop_id: string;
}

/**
 * `version` is the newest CONFIRMED version of the SOP (the caller looks it
 * up); a draft or a missing one means the SOP cannot be run yet.
 */
export function startRun(
  activeRunOfWorker: ProcedureRunRow | null,
  version: SopVersionRow | null,
  sop: SopRow | null,
  args: StartRunArgs,
  ctx: RuleContext,
): Result<Effect[]> {
  if (sop === null || sop.id !== args.sop_id || sop.deleted_at !== null) {
    return err(domainError('NOT_FOUND', `SOP ${args.sop_id} not found.`));
  }
  if (version === null || version.sop_id !== sop.id || version.status !== SopStatus.confirmed) {
    return err(domainError('SOP_NOT_CONFIRMED', `SOP "${sop.title}" has no confirmed version yet; confirm it before starting a run.`));
  }
  if (activeRunOfWorker !== null && activeRunOfWorker.status !== RunStatus.completed) {
    return err(
      domainError(
        'ACTIVE_SESSION_EXISTS',
        `You already have an active procedure run (${activeRunOfWorker.id}). Complete or cancel it before starting a new one.`,
        { existing_session_id: activeRunOfWorker.id },
      ),
    );
  }
  const first = firstStep(version);
  if (first === null) {
    // Confirmation refuses empty SOPs, so only corrupt data gets here.
    return err(domainError('CONFLICT_INVALID_STATE', `SOP "${sop.title}" has no steps.`));
  }
  const run: ProcedureRunRow = {
    id: args.id,
    sop_id: sop.id,
    sop_version: version.version,
    worker_id: ctx.actor.user_id,
    status: RunStatus.inProgress,
    current_step_id: first.step.id,
    started_at: ctx.now,
    paused_at: null,
    completed_at: null,
    locked: false,
    locked_by: null,
    locked_at: null,
    updated_at: ctx.now,
  };
  return ok([put('procedure_runs', run)]);
}
