/**
 * Intents on a task's checklist items: add, set status, rename, delete. An
 * item belongs to its task, whose status follows its items (I6), so each
 * rule runs on the task's snapshot.
 */
import { z } from 'zod';
import { addChecklistItem, deleteChecklistItem, renameChecklistItem, setChecklistItemStatus } from '../checklist/checklist-rules.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { ChecklistStatus } from '../rows.ts';
import type { State } from '../state.ts';
import { evidenceAt, withEvidence } from '../tasks/evidence.ts';
import type { TaskSnapshot } from '../tasks/task-snapshot.ts';
import { IdSchema, TitleSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import type { AggregateRef } from './define-intent.ts';
import { onTask, withTask } from './task-intents.ts';

export const checklistIntents = {
  'checklist.add': defineIntent({
    args: z.strictObject({ checklist_item_id: IdSchema, task_id: IdSchema, title: TitleSchema, status: z.enum(ChecklistStatus).optional() }),
    target: onItem,
    refs: (args) => [onTask(args)],
    rule: ({ state, args: { checklist_item_id, task_id, title, status }, ctx }) =>
      withTask(state, task_id, (snap) => addChecklistItem(snap, { id: checklist_item_id, title, status }, ctx)),
  }),
  'checklist.set_status': defineIntent({
    args: z.strictObject({ checklist_item_id: IdSchema, status: z.enum(ChecklistStatus) }),
    target: onItem,
    // Ticking an item is evidence that its task's work went on (DESIGN §3.1).
    rule: ({ state, args: { checklist_item_id, status }, ctx }) =>
      withItemTask(state, checklist_item_id, (snap) =>
        withEvidence(snap, evidenceAt(ctx), ctx, {}, (current) => setChecklistItemStatus(current, { item_id: checklist_item_id, status }, ctx)),
      ),
  }),
  'checklist.rename': defineIntent({
    args: z.strictObject({ checklist_item_id: IdSchema, title: TitleSchema }),
    target: onItem,
    rule: ({ state, args: { checklist_item_id, title }, ctx }) =>
      withItemTask(state, checklist_item_id, (snap) => renameChecklistItem(snap, { item_id: checklist_item_id, title }, ctx)),
  }),
  'checklist.delete': defineIntent({
    args: z.strictObject({ checklist_item_id: IdSchema }),
    target: onItem,
    rule: ({ state, args: { checklist_item_id }, ctx }) =>
      withItemTask(state, checklist_item_id, (snap) => deleteChecklistItem(snap, { item_id: checklist_item_id }, ctx)),
  }),
} as const;

function onItem(args: { readonly checklist_item_id: string }): AggregateRef {
  return { aggregate: Aggregate.checklistItem, id: args.checklist_item_id };
}

/** `rule` on the snapshot of the item's task; NOT_FOUND when there is no such item. */
function withItemTask(state: State, itemId: string, rule: (snap: TaskSnapshot) => Result<Effect[]>): Result<Effect[]> {
  const item = state.checklist_items.get(itemId);
  if (item === undefined) return err(domainError('NOT_FOUND', `Checklist item ${itemId} not found.`, { checklist_item_id: itemId }));
  return withTask(state, item.task_id, rule);
}
