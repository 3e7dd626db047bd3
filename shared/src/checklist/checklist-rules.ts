/**
 * Checklist item rules: add, set status, rename, soft delete.
 * Each changes one item and then lets the task follow its items
 * (follow-items.ts), all in one list of effects.
 *
 * Invariants:
 * 1. I6 holds after every rule: a task with live items has the status they derive.
 * 2. Item statuses are the numbers 1–4 only (INVALID_INPUT otherwise).
 * 3. An item is addressed within its task: an unknown item, another task's
 *    item, or (for set/rename) a deleted one is NOT_FOUND. Deleting a
 *    deleted item changes nothing.
 * 4. A worker changes items of tasks that are unclaimed or claimed by them
 *    (CONFLICT_CLAIMED otherwise); supervisors and admins of any task.
 */
import { isSupervisor } from '../context.ts';
import type { RuleContext } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { CHECKLIST_STATUSES, ChecklistStatus } from '../rows.ts';
import type { ChecklistItemRow } from '../rows.ts';
import { claimedConflict } from '../tasks/task-errors.ts';
import type { TaskSnapshot } from '../tasks/task-snapshot.ts';
import { followItems } from './follow-items.ts';

export interface AddChecklistItemArgs {
  readonly id: string;
  readonly title: string;
  readonly status?: ChecklistStatus | undefined;
}

export function addChecklistItem(snap: TaskSnapshot, args: AddChecklistItemArgs, ctx: RuleContext): Result<Effect[]> {
  const allowed = mayEdit(snap, ctx);
  if (!allowed.ok) return allowed;
  const title = validTitle(args.title);
  if (!title.ok) return title;
  const status = validStatus(args.status ?? ChecklistStatus.planned);
  if (!status.ok) return status;
  const existing = snap.items.find((i) => i.id === args.id);
  if (existing !== undefined) {
    // A retried create is a no-op; the same id with other content is a conflict.
    const same = existing.task_id === snap.task.id && existing.title === title.value && existing.status === status.value && existing.deleted_at === null;
    return same ? ok([]) : err(domainError('CONFLICT_EXISTS', `Checklist item ${args.id} already exists.`, { checklist_item_id: args.id }));
  }
  const item: ChecklistItemRow = {
    id: args.id,
    task_id: snap.task.id,
    title: title.value,
    status: status.value,
    position: snap.items.reduce((max, i) => Math.max(max, i.position + 1), 0),
    deleted_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  return withItem(snap, item, ctx);
}

export function setChecklistItemStatus(
  snap: TaskSnapshot,
  args: { readonly item_id: string; readonly status: ChecklistStatus },
  ctx: RuleContext,
): Result<Effect[]> {
  const status = validStatus(args.status);
  if (!status.ok) return status;
  const found = liveItem(snap, args.item_id, ctx);
  if (!found.ok) return found;
  if (found.value.status === status.value) return ok([]);
  return withItem(snap, { ...found.value, status: status.value, updated_at: ctx.now }, ctx);
}

export function renameChecklistItem(
  snap: TaskSnapshot,
  args: { readonly item_id: string; readonly title: string },
  ctx: RuleContext,
): Result<Effect[]> {
  const title = validTitle(args.title);
  if (!title.ok) return title;
  const found = liveItem(snap, args.item_id, ctx);
  if (!found.ok) return found;
  if (found.value.title === title.value) return ok([]);
  // A title never changes the derived status, so the task is left as it is.
  return ok([put('checklist_items', { ...found.value, title: title.value, updated_at: ctx.now })]);
}

/** Soft delete (deleted_at = now); the task follows the items that remain. */
export function deleteChecklistItem(snap: TaskSnapshot, args: { readonly item_id: string }, ctx: RuleContext): Result<Effect[]> {
  const item = snap.items.find((i) => i.id === args.item_id && i.task_id === snap.task.id);
  if (item === undefined) return err(notFound(args.item_id));
  const allowed = mayEdit(snap, ctx);
  if (!allowed.ok) return allowed;
  if (item.deleted_at !== null) return ok([]);
  return withItem(snap, { ...item, deleted_at: ctx.now, updated_at: ctx.now }, ctx);
}

/** The item's put followed by the task's derived move. */
function withItem(snap: TaskSnapshot, item: ChecklistItemRow, ctx: RuleContext): Result<Effect[]> {
  const items = snap.items.some((i) => i.id === item.id) ? snap.items.map((i) => (i.id === item.id ? item : i)) : [...snap.items, item];
  const moved = followItems(snap, items, ctx);
  return moved.ok ? ok([put('checklist_items', item), ...moved.value]) : moved;
}

function liveItem(snap: TaskSnapshot, itemId: string, ctx: RuleContext): Result<ChecklistItemRow> {
  const item = snap.items.find((i) => i.id === itemId && i.task_id === snap.task.id && i.deleted_at === null);
  if (item === undefined) return err(notFound(itemId));
  const allowed = mayEdit(snap, ctx);
  return allowed.ok ? ok(item) : allowed;
}

function mayEdit(snap: TaskSnapshot, ctx: RuleContext): Result<null> {
  const { claimed_by } = snap.task;
  if (claimed_by === null || claimed_by === ctx.actor.user_id || isSupervisor(ctx.actor)) return ok(null);
  return err(claimedConflict(snap.task));
}

function validStatus(status: unknown): Result<ChecklistStatus> {
  return (CHECKLIST_STATUSES as readonly unknown[]).includes(status)
    ? ok(status as ChecklistStatus)
    : err(domainError('INVALID_INPUT', 'A checklist item status is 1 (planned), 2 (in progress), 3 (done) or 4 (skipped).'));
}

function validTitle(title: string): Result<string> {
  const trimmed = title.trim();
  return trimmed === '' ? err(domainError('INVALID_INPUT', 'A checklist item needs a title.')) : ok(trimmed);
}

function notFound(itemId: string) {
  return domainError('NOT_FOUND', 'Checklist item not found', { checklist_item_id: itemId });
}
