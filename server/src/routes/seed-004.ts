/**
 * Seed 004, checklist-derived task status (API.md "Seed 004"), for frontends
 * built against the seed. Seed shapes (no {data} envelope), numeric statuses
 * 1 planned, 2 in progress, 3 done, 4 skipped; errors use the common shape.
 *   GET    /api/tasks/{id}                → {task_id, title, status, derived_status, is_atomic, checklist}
 *   GET    /api/tasks/by-user/{userId}    → {items: [{task_id, title, status, derived_status, is_atomic}]}
 *   PATCH  /api/tasks/{id} {status}       → 200 task (atomic), 400 STATUS_DERIVED (checklist task)
 *   POST   /api/checklist-items {task_id, title, status?, checklist_item_id?} → 201 item
 *   PATCH  /api/checklist-items/{id} {status?, title?} → 200 item
 *   DELETE /api/checklist-items/{id}      → 204 (soft delete; again → 204)
 *
 * All signed in. by-user lists the tasks claimed by that user; a worker may
 * ask only for themselves (403), supervisors and admins for anyone (an
 * unknown user is 404). Who may change a task or its items is the rules'
 * business: a worker edits unclaimed tasks and their own (409 otherwise).
 *
 * A numeric status maps to a task status with `taskStatusFor` (2 keeps a
 * task that is on hold on hold; 2 on a todo task picks it up for the caller,
 * opening a session), then goes through `task.set_status`, which refuses
 * any manual status on a task with live checklist items with seed 004's
 * message. Item changes are `checklist.*` intents; the task follows its
 * items in the same transaction (I6). A retried create with the same
 * checklist_item_id and content answers 201 with the item; other content 409.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, domainError, isSupervisor, taskStatusFor } from '@stint/shared';
import { currentUser, requireUser } from '../auth/middleware.ts';
import { selectRow } from '../db/rows.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { runIntent } from '../intents/run-intent.ts';
import { findUser } from '../users/users.ts';
import { EntityIdParamSchema, EntityIdSchema, TitleInputSchema, UserIdParamSchema, atLeastOneField } from '../tasks/input-schemas.ts';
import type { IntentStep } from '../tasks/run-steps.ts';
import { runSteps } from '../tasks/run-steps.ts';
import { Seed004ItemSchema, Seed004TaskSchema, Seed004TaskSummarySchema, seed004Item, seed004Task, seed004TaskSummary } from '../tasks/seed-004-json.ts';
import { NumericStatusSchema } from '../tasks/task-json.ts';
import { listTaskBundles, requireTaskBundle } from '../tasks/task-reads.ts';

const PatchTaskSchema = z.strictObject({ status: NumericStatusSchema }).openapi('Seed004TaskUpdate');

const CreateItemSchema = z
  .strictObject({
    task_id: EntityIdSchema,
    title: TitleInputSchema,
    status: NumericStatusSchema.optional(),
    checklist_item_id: EntityIdSchema.optional(),
  })
  .openapi('Seed004ChecklistItemCreate');

const PatchItemSchema = z
  .strictObject({ status: NumericStatusSchema.optional(), title: TitleInputSchema.optional() })
  .refine(atLeastOneField, 'name at least one of status, title')
  .openapi('Seed004ChecklistItemUpdate');

const TAGS = ['seed 004'];

const getTask = createRoute({
  method: 'get',
  path: '/api/tasks/{id}',
  tags: TAGS,
  summary: 'A task with its numeric and derived status and its live checklist',
  middleware: [requireUser] as const,
  request: { params: EntityIdParamSchema },
  responses: { 200: jsonResponse(Seed004TaskSchema, 'The task'), ...errorResponses(400, 401, 404) },
});

const tasksByUser = createRoute({
  method: 'get',
  path: '/api/tasks/by-user/{userId}',
  tags: TAGS,
  summary: 'Tasks claimed by a user (a worker may ask only for themselves)',
  middleware: [requireUser] as const,
  request: { params: UserIdParamSchema },
  responses: {
    200: jsonResponse(z.object({ items: z.array(Seed004TaskSummarySchema) }), 'Tasks, oldest first'),
    ...errorResponses(400, 401, 403, 404),
  },
});

const patchTask = createRoute({
  method: 'patch',
  path: '/api/tasks/{id}',
  tags: TAGS,
  summary: 'Set the status of an atomic task (400 STATUS_DERIVED for a task with checklist items)',
  middleware: [requireUser] as const,
  request: { params: EntityIdParamSchema, body: jsonBody(PatchTaskSchema) },
  responses: { 200: jsonResponse(Seed004TaskSchema, 'The task'), ...errorResponses(400, 401, 403, 404, 409) },
});

const createItem = createRoute({
  method: 'post',
  path: '/api/checklist-items',
  tags: TAGS,
  summary: 'Add a checklist item; the task takes the status its items derive',
  middleware: [requireUser] as const,
  request: { body: jsonBody(CreateItemSchema) },
  responses: { 201: jsonResponse(Seed004ItemSchema, 'The item'), ...errorResponses(400, 401, 404, 409) },
});

const patchItem = createRoute({
  method: 'patch',
  path: '/api/checklist-items/{id}',
  tags: TAGS,
  summary: "Change a checklist item's status and/or title",
  middleware: [requireUser] as const,
  request: { params: EntityIdParamSchema, body: jsonBody(PatchItemSchema) },
  responses: { 200: jsonResponse(Seed004ItemSchema, 'The item'), ...errorResponses(400, 401, 404, 409) },
});

const deleteItem = createRoute({
  method: 'delete',
  path: '/api/checklist-items/{id}',
  tags: TAGS,
  summary: 'Soft-delete a checklist item; the task follows the items that remain',
  middleware: [requireUser] as const,
  request: { params: EntityIdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 404, 409) },
});

export function registerSeed004Routes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(getTask, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(seed004Task(await requireTaskBundle(sql, id)), 200);
  });

  app.openapi(tasksByUser, async (c) => {
    const { userId } = c.req.valid('param');
    const user = currentUser(c);
    if (userId !== user.id && !isSupervisor({ user_id: user.id, role: user.role })) {
      throw domainError(ErrorCode.FORBIDDEN, 'A worker may list only their own tasks', { user_id: userId });
    }
    if (userId !== user.id && (await findUser(sql, userId)) === undefined) {
      throw domainError(ErrorCode.NOT_FOUND, 'User not found', { user_id: userId });
    }
    const bundles = await listTaskBundles(sql, { kind: 'claimed_by', user_id: userId });
    return c.json({ items: bundles.map(seed004TaskSummary) }, 200);
  });

  app.openapi(patchTask, async (c) => {
    const { id } = c.req.valid('param');
    const { status } = c.req.valid('json');
    const { task } = await requireTaskBundle(sql, id);
    await runIntent(deps, currentUser(c), 'task.set_status', { task_id: id, status: taskStatusFor(status, task.status) });
    return c.json(seed004Task(await requireTaskBundle(sql, id)), 200);
  });

  app.openapi(createItem, async (c) => {
    const { task_id, title, status, checklist_item_id } = c.req.valid('json');
    const itemId = checklist_item_id ?? randomUUID();
    await runIntent(deps, currentUser(c), 'checklist.add', {
      checklist_item_id: itemId,
      task_id,
      title,
      ...(status === undefined ? {} : { status }),
    });
    return c.json(seed004Item(await requireItem(deps, itemId)), 201);
  });

  app.openapi(patchItem, async (c) => {
    const { id } = c.req.valid('param');
    const { status, title } = c.req.valid('json');
    const steps: IntentStep[] = [];
    if (status !== undefined) steps.push({ kind: 'checklist.set_status', args: { checklist_item_id: id, status } });
    if (title !== undefined) steps.push({ kind: 'checklist.rename', args: { checklist_item_id: id, title } });
    await runSteps(deps, currentUser(c), steps);
    return c.json(seed004Item(await requireItem(deps, id)), 200);
  });

  app.openapi(deleteItem, async (c) => {
    const { id } = c.req.valid('param');
    await runIntent(deps, currentUser(c), 'checklist.delete', { checklist_item_id: id });
    return c.body(null, 204);
  });
}

/** The item just written; a NOT_FOUND here would mean it vanished, which soft delete never does. */
async function requireItem({ sql }: AppDeps, itemId: string) {
  const item = await selectRow(sql, 'checklist_items', { id: itemId });
  if (item === undefined) throw domainError(ErrorCode.NOT_FOUND, 'Checklist item not found', { checklist_item_id: itemId });
  return item;
}
