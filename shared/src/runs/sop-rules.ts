/**
 * SOP lifecycle: draft → confirmed, versioned. Runs start only from a
 * confirmed version and stay pinned to it (I7).
 *
 * Invariants:
 * 1. A confirmed version is never changed: editing an SOP whose latest
 *    version is confirmed publishes a new draft version latest + 1.
 * 2. `sops.latest_version` names the newest version (draft or confirmed).
 * 3. A version is confirmed only when it has at least one step, so every run
 *    has a first step.
 * 4. An SOP with active runs (in_progress or paused) is never deleted; the
 *    refusal lists them (I7). Deletion is soft (`deleted_at`).
 * 5. Only supervisors and admins write SOPs.
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { RunStatus, SopStatus } from '../rows.ts';
import type { ProcedureRunRow, SopRow, SopVersionRow } from '../rows.ts';
import { unreachable } from '../unreachable.ts';
import { buildSopTasks, validTitle } from './sop-content.ts';
import type { SopTaskInput } from './sop-content.ts';
import { stepCount } from './steps.ts';

export interface CreateSopArgs {
  readonly id: string;
  readonly title: string;
  readonly tasks: readonly SopTaskInput[];
}

export interface EditSopArgs {
  readonly title?: string | undefined;
  readonly tasks?: readonly SopTaskInput[] | undefined;
}

export function createSop(args: CreateSopArgs, ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return forbidden();
  const title = validTitle(args.title);
  if (!title.ok) return title;
  const tasks = buildSopTasks(args.tasks, ctx);
  if (!tasks.ok) return tasks;
  const sop: SopRow = {
    id: args.id,
    title: title.value,
    latest_version: 1,
    created_by: ctx.actor.user_id,
    deleted_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const version: SopVersionRow = {
    sop_id: args.id,
    version: 1,
    title: title.value,
    status: SopStatus.draft,
    tasks: tasks.value,
    created_at: ctx.now,
    confirmed_at: null,
  };
  return ok([put('sops', sop), put('sop_versions', version)]);
}

/** Edits the draft in place, or publishes a new draft when the latest version is confirmed. */
export function editSop(sop: SopRow, latest: SopVersionRow, args: EditSopArgs, ctx: RuleContext): Result<Effect[]> {
  const checked = checkWritable(sop, latest, ctx);
  if (!checked.ok) return checked;
  let title = latest.title;
  if (args.title !== undefined) {
    const valid = validTitle(args.title);
    if (!valid.ok) return valid;
    title = valid.value;
  }
  let tasks = latest.tasks;
  if (args.tasks !== undefined) {
    const built = buildSopTasks(args.tasks, ctx);
    if (!built.ok) return built;
    tasks = built.value;
  }
  const version: SopVersionRow =
    latest.status === SopStatus.draft
      ? { ...latest, title, tasks }
      : { sop_id: sop.id, version: latest.version + 1, title, status: SopStatus.draft, tasks, created_at: ctx.now, confirmed_at: null };
  return ok([
    put('sops', { ...sop, title, latest_version: version.version, updated_at: ctx.now }),
    put('sop_versions', version),
  ]);
}

/** Confirms the latest version; confirming a confirmed version changes nothing. */
export function confirmSop(sop: SopRow, latest: SopVersionRow, ctx: RuleContext): Result<Effect[]> {
  const checked = checkWritable(sop, latest, ctx);
  if (!checked.ok) return checked;
  switch (latest.status) {
    case SopStatus.confirmed:
      return ok([]);
    case SopStatus.draft:
      if (stepCount(latest) === 0) {
        return err(domainError('INVALID_INPUT', 'An SOP needs at least one step before it can be confirmed.'));
      }
      return ok([
        put('sop_versions', { ...latest, status: SopStatus.confirmed, confirmed_at: ctx.now }),
        put('sops', { ...sop, updated_at: ctx.now }),
      ]);
    default:
      return unreachable(latest.status);
  }
}

/** Soft-deletes the SOP unless runs of it are active; deleting a deleted SOP changes nothing. */
export function deleteSop(sop: SopRow, activeRuns: readonly ProcedureRunRow[], ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return forbidden();
  if (sop.deleted_at !== null) return ok([]);
  const active = activeRuns.filter((r) => r.sop_id === sop.id && r.status !== RunStatus.completed).map((r) => r.id);
  if (active.length > 0) {
    return err(
      domainError(
        'SOP_HAS_ACTIVE_SESSIONS',
        `SOP "${sop.title}" has ${active.length} active procedure run(s): ${active.join(', ')}. ` +
          'Complete or cancel them before deleting the SOP.',
        { active_session_ids: active },
      ),
    );
  }
  return ok([put('sops', { ...sop, deleted_at: ctx.now, updated_at: ctx.now })]);
}

function checkWritable(sop: SopRow, latest: SopVersionRow, ctx: RuleContext): Result<null> {
  if (!isSupervisor(ctx.actor)) return forbidden();
  if (sop.deleted_at !== null) return err(domainError('NOT_FOUND', `SOP ${sop.id} not found.`));
  if (latest.sop_id !== sop.id || latest.version !== sop.latest_version) {
    // The caller loaded a stale or foreign version: refusing is safer than editing the wrong one.
    return err(domainError('CONFLICT_INVALID_STATE', `Version ${latest.version} is not the latest version of SOP ${sop.id}.`));
  }
  return ok(null);
}

function forbidden<T>(): Result<T> {
  return err(domainError('FORBIDDEN', 'Only supervisors and admins manage SOPs.'));
}
