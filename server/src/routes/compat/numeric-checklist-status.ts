/**
 * Numeric checklist status, for frontends that show tasks and checklist
 * items with statuses 1–4 and let the checklist decide a task's status
 * (API.md "Seed 004"). Answers have no {data} envelope; errors use the
 * common shape.
 *
 * A numeric status maps to a task status with `taskStatusFor` (2 keeps an
 * on-hold task on hold; 2 on a todo task picks it up for the caller) and goes
 * through `task.set_status`, which refuses a manual status on a task with
 * live checklist items. Item changes are `checklist.*` intents, and the task
 * follows its items in the same transaction (I6). by-user lists the tasks
 * claimed by that user: a worker may ask only for themselves.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, domainError, isSupervisor, taskStatusFor } from '@stint/shared';
import { currentUser, requireUser } from '../../auth/middleware.ts';
import { selectRow } from '../../db/rows.ts';
import type { AppDeps } from '../../http/env.ts';
import { IdParamSchema, IdSchema, TitleInputSchema, UserIdParamSchema, atLeastOneField } from '../../http/input.ts';
import { createRoute, errorResponses, jsonBody, jsonResponse, z } from '../../http/router.ts';
import type { Router } from '../../http/router.ts';
import { runIntent } from '../../intents/run-intent.ts';
import type { IntentStep } from '../../tasks/run-steps.ts';
import { runSteps } from '../../tasks/run-steps.ts';
import { NumericStatusSchema } from '../../tasks/task-json.ts';
import { listTaskBundles, requireTaskBundle } from '../../tasks/task-reads.ts';
import { findUser } from '../../users/users.ts';
import {
  NumericChecklistItemSchema,
  NumericTaskSchema,
  NumericTaskSummarySchema,
  numericChecklistItemJson,
  numericTaskJson,
  numericTaskSummaryJson,
} from './numeric-checklist-status-json.ts';

const PatchTaskSchema = z.strictObject({ status: NumericStatusSchema }).openapi('NumericTaskUpdate');

const CreateItemSchema = z
  .strictObject({
    task_id: IdSchema,
    title: TitleInputSchema,
    status: NumericStatusSchema.optional(),
    checklist_item_id: IdSchema.optional(),
  })
  .openapi('NumericChecklistItemCreate');

const PatchItemSchema = z
  .strictObject({ status: NumericStatusSchema.optional(), title: TitleInputSchema.optional() })
  .refine(atLeastOneField, 'name at least one of status, title')
  .openapi('NumericChecklistItemUpdate');

const TAGS = ['numeric checklist status'];

const getTask = createRoute({
  method: 'get',
  path: '/api/tasks/{id}',
  tags: TAGS,
  summary: 'A task with its numeric and derived status and its live checklist',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(NumericTaskSchema, 'The task'), ...errorResponses(400, 401, 404) },
});

const tasksByUser = createRoute({
  method: 'get',
  path: '/api/tasks/by-user/{userId}',
  tags: TAGS,
  summary: 'Tasks claimed by a user (a worker may ask only for themselves)',
  middleware: [requireUser] as const,
  request: { params: UserIdParamSchema },
  responses: {
    200: jsonResponse(z.object({ items: z.array(NumericTaskSummarySchema) }), 'Tasks, oldest first'),
    ...errorResponses(400, 401, 403, 404),
  },
});

const patchTask = createRoute({
  method: 'patch',
  path: '/api/tasks/{id}',
  tags: TAGS,
  summary: 'Set the status of an atomic task (400 STATUS_DERIVED for a task with checklist items)',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(PatchTaskSchema) },
  responses: { 200: jsonResponse(NumericTaskSchema, 'The task'), ...errorResponses(400, 401, 403, 404, 409) },
});

const createItem = createRoute({
  method: 'post',
  path: '/api/checklist-items',
  tags: TAGS,
  summary: 'Add a checklist item; the task takes the status its items derive',
  middleware: [requireUser] as const,
  request: { body: jsonBody(CreateItemSchema) },
  responses: { 201: jsonResponse(NumericChecklistItemSchema, 'The item'), ...errorResponses(400, 401, 404, 409) },
});

const patchItem = createRoute({
  method: 'patch',
  path: '/api/checklist-items/{id}',
  tags: TAGS,
  summary: "Change a checklist item's status and/or title",
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(PatchItemSchema) },
  responses: { 200: jsonResponse(NumericChecklistItemSchema, 'The item'), ...errorResponses(400, 401, 404, 409) },
});

const deleteItem = createRoute({
  method: 'delete',
  path: '/api/checklist-items/{id}',
  tags: TAGS,
  summary: 'Soft-delete a checklist item; the task follows the items that remain',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 404, 409) },
});

export function registerNumericChecklistStatusRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(getTask, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(numericTaskJson(await requireTaskBundle(sql, id)), 200);
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
    return c.json({ items: bundles.map(numericTaskSummaryJson) }, 200);
  });

  app.openapi(patchTask, async (c) => {
    const { id } = c.req.valid('param');
    const { status } = c.req.valid('json');
    const { task } = await requireTaskBundle(sql, id);
    await runIntent(deps, currentUser(c), 'task.set_status', { task_id: id, status: taskStatusFor(status, task.status) });
    return c.json(numericTaskJson(await requireTaskBundle(sql, id)), 200);
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
    return c.json(numericChecklistItemJson(await requireItem(deps, itemId)), 201);
  });

  app.openapi(patchItem, async (c) => {
    const { id } = c.req.valid('param');
    const { status, title } = c.req.valid('json');
    const steps: IntentStep[] = [];
    if (status !== undefined) steps.push({ kind: 'checklist.set_status', args: { checklist_item_id: id, status } });
    if (title !== undefined) steps.push({ kind: 'checklist.rename', args: { checklist_item_id: id, title } });
    await runSteps(deps, currentUser(c), steps);
    return c.json(numericChecklistItemJson(await requireItem(deps, id)), 200);
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
