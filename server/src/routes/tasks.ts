/**
 * Native tasks. A worker's list is their own tasks plus the unclaimed pool
 * (someone else's claimed task is not theirs to work on); supervisors and
 * admins list every task. Any signed-in user may read one task, so a worker
 * can see who holds it. Who may change what is the rules' business.
 *
 * A PATCH with both fields is two intents (status, then title), both checked
 * before either applies (tasks/run-steps.ts). Creating with an existing id
 * and the same title answers 201 with the task: a retried create.
 */
import { randomUUID } from 'node:crypto';
import { isSupervisor } from '@stint/shared';
import type { IntentKind } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { runIntent } from '../intents/run-intent.ts';
import { IdParamSchema, IdSchema, TitleInputSchema, atLeastOneField } from '../http/input.ts';
import type { IntentStep } from '../tasks/run-steps.ts';
import { runSteps } from '../tasks/run-steps.ts';
import { TaskJsonSchema, TaskStatusSchema, taskJson } from '../tasks/task-json.ts';
import { listTaskBundles, requireTaskBundle } from '../tasks/task-reads.ts';

const CreateTaskSchema = z
  .strictObject({ title: TitleInputSchema, status: TaskStatusSchema.optional(), id: IdSchema.optional() })
  .openapi('CreateTask');

const PatchTaskSchema = z
  .strictObject({ status: TaskStatusSchema.optional(), title: TitleInputSchema.optional() })
  .refine(atLeastOneField, 'name at least one of status, title')
  .openapi('PatchTask');

const TaskData = dataOf(TaskJsonSchema);

const createTask = createRoute({
  method: 'post',
  path: '/api/v1/tasks',
  tags: ['tasks'],
  summary: 'Create a task (supervisor, admin); created in-progress, the creator picks it up',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { body: jsonBody(CreateTaskSchema) },
  responses: { 201: jsonResponse(TaskData, 'The task'), ...errorResponses(400, 401, 403, 409) },
});

const getTask = createRoute({
  method: 'get',
  path: '/api/v1/tasks/{id}',
  tags: ['tasks'],
  summary: 'One task',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(TaskData, 'The task'), ...errorResponses(400, 401, 404) },
});

const listTasks = createRoute({
  method: 'get',
  path: '/api/v1/tasks',
  tags: ['tasks'],
  summary: 'Tasks: all for supervisors and admins; for a worker, theirs plus the unclaimed pool',
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(dataOf(z.array(TaskJsonSchema)), 'Tasks, oldest first'), ...errorResponses(401) },
});

const patchTask = createRoute({
  method: 'patch',
  path: '/api/v1/tasks/{id}',
  tags: ['tasks'],
  summary: 'Change the status (opens/closes the work session) and/or the title (supervisor, admin)',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(PatchTaskSchema) },
  responses: { 200: jsonResponse(TaskData, 'The task'), ...errorResponses(400, 401, 403, 404, 409) },
});

const ACTIONS = {
  claim: { kind: 'task.claim', summary: 'Claim an unclaimed task (sets the pick-up time)' },
  release: { kind: 'task.release', summary: 'Release a claim (closes the open session first)' },
  complete: { kind: 'task.complete', summary: 'Mark an atomic task done (closes the open session first)' },
} as const satisfies Record<string, { kind: IntentKind; summary: string }>;

export function registerTaskRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(createTask, async (c) => {
    const { title, status, id } = c.req.valid('json');
    const taskId = id ?? randomUUID();
    await runIntent(deps, currentUser(c), 'task.create', { task_id: taskId, title, ...(status === undefined ? {} : { status }) });
    return c.json({ data: taskJson(await requireTaskBundle(sql, taskId)) }, 201);
  });

  app.openapi(getTask, async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ data: taskJson(await requireTaskBundle(sql, id)) }, 200);
  });

  app.openapi(listTasks, async (c) => {
    const user = currentUser(c);
    const filter = isSupervisor({ user_id: user.id, role: user.role })
      ? ({ kind: 'all' } as const)
      : ({ kind: 'mine_and_pool', user_id: user.id } as const);
    return c.json({ data: (await listTaskBundles(sql, filter)).map(taskJson) }, 200);
  });

  app.openapi(patchTask, async (c) => {
    const { id } = c.req.valid('param');
    const { status, title } = c.req.valid('json');
    const steps: IntentStep[] = [];
    if (status !== undefined) steps.push({ kind: 'task.set_status', args: { task_id: id, status } });
    if (title !== undefined) steps.push({ kind: 'task.rename', args: { task_id: id, title } });
    await runSteps(deps, currentUser(c), steps);
    return c.json({ data: taskJson(await requireTaskBundle(sql, id)) }, 200);
  });

  for (const [action, { kind, summary }] of Object.entries(ACTIONS)) {
    const route = createRoute({
      method: 'post',
      path: `/api/v1/tasks/{id}/${action}`,
      tags: ['tasks'],
      summary,
      middleware: [requireUser] as const,
      request: { params: IdParamSchema },
      responses: { 200: jsonResponse(TaskData, 'The task'), ...errorResponses(400, 401, 403, 404, 409) },
    });
    app.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      await runIntent(deps, currentUser(c), kind, { task_id: id });
      return c.json({ data: taskJson(await requireTaskBundle(sql, id)) }, 200);
    });
  }
}
