/**
 * Task status by PUT, for frontends that set a task's status and expect the
 * server to open and close its work sessions (API.md "Seed 000").
 *
 * The status change is the `task.set_status` intent, so the shared rule
 * decides who may and which session opens or closes. `task_sessions` from an
 * old frontend is accepted and ignored (the server alone opens and closes
 * sessions); a body `id` other than the path's is 400. The answer has no
 * {data} envelope; errors use the common shape.
 */
import { ErrorCode, domainError } from '@stint/shared';
import { currentUser, requireUser } from '../../auth/middleware.ts';
import type { AppDeps } from '../../http/env.ts';
import { IdParamSchema, IdSchema } from '../../http/input.ts';
import { createRoute, errorResponses, jsonBody, jsonResponse, z } from '../../http/router.ts';
import type { Router } from '../../http/router.ts';
import { runIntent } from '../../intents/run-intent.ts';
import { TaskStatusSchema } from '../../tasks/task-json.ts';
import { requireTaskBundle, taskSessions } from '../../tasks/task-reads.ts';
import { TaskWithSessionsSchema, taskWithSessionsJson } from './task-with-sessions-json.ts';

const PutTaskSchema = z
  .strictObject({
    id: IdSchema.optional(),
    task_status: TaskStatusSchema,
    /** Ignored: the old frontend's hand-made sessions. */
    task_sessions: z.array(z.looseObject({})).nullable().optional(),
  })
  .openapi('TaskStatusPut');

const putTask = createRoute({
  method: 'put',
  path: '/tasks/{id}',
  tags: ['task status by PUT'],
  summary: 'Set the task status; the server opens or closes the work session',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(PutTaskSchema) },
  responses: { 200: jsonResponse(TaskWithSessionsSchema, 'The full task'), ...errorResponses(400, 401, 404, 409) },
});

export function registerTaskStatusPutRoutes(app: Router, deps: AppDeps): void {
  app.openapi(putTask, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.id !== undefined && body.id !== id) {
      throw domainError(ErrorCode.INVALID_INPUT, 'The body id differs from the task id in the path', { path_id: id, body_id: body.id });
    }
    await runIntent(deps, currentUser(c), 'task.set_status', { task_id: id, status: body.task_status });
    const [{ task }, sessions] = await Promise.all([requireTaskBundle(deps.sql, id), taskSessions(deps.sql, id)]);
    return c.json(taskWithSessionsJson(task, sessions), 200);
  });
}
