/**
 * Seed 000, status drives sessions (API.md "Seed 000"), for frontends built
 * against the seed:
 *   PUT /tasks/{id} (signed in) {id?, task_status, task_sessions?} → 200 full task
 *
 * The status change is the `task.set_status` intent, so the shared rule does
 * what the seed asks: → in-progress closes any open session (sanity check),
 * opens a new one and sets task_assigned_date (picking up an unclaimed task
 * for the caller; someone else's claimed task → 409 CONFLICT_CLAIMED);
 * → on-hold / done / todo / backlog / skipped closes the open session and adds
 * its duration to time_spent. Setting the status a task already has changes
 * nothing.
 *
 * `task_sessions` from an old frontend is accepted (any array of objects, or
 * null) and ignored: the server alone opens and closes sessions. A body `id`
 * other than the path's is 400 INVALID_INPUT. The answer has the seed's shape
 * (no {data} envelope; errors use the common error shape); see
 * tasks/seed-000-json.ts for session status and duration.
 */
import { ErrorCode, domainError } from '@stint/shared';
import { currentUser, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { runIntent } from '../intents/run-intent.ts';
import { EntityIdParamSchema, EntityIdSchema } from '../tasks/input-schemas.ts';
import { Seed000TaskSchema, seed000TaskJson } from '../tasks/seed-000-json.ts';
import { TaskStatusSchema } from '../tasks/task-json.ts';
import { requireTaskBundle, taskSessions } from '../tasks/task-reads.ts';

const PutTaskSchema = z
  .strictObject({
    id: EntityIdSchema.optional(),
    task_status: TaskStatusSchema,
    /** Ignored: the old frontend's hand-made sessions. */
    task_sessions: z.array(z.looseObject({})).nullable().optional(),
  })
  .openapi('Seed000TaskUpdate');

const putTask = createRoute({
  method: 'put',
  path: '/tasks/{id}',
  tags: ['seed 000'],
  summary: 'Set the task status; the server opens or closes the work session',
  middleware: [requireUser] as const,
  request: { params: EntityIdParamSchema, body: jsonBody(PutTaskSchema) },
  responses: { 200: jsonResponse(Seed000TaskSchema, 'The full task'), ...errorResponses(400, 401, 404, 409) },
});

export function registerSeed000Routes(app: Router, deps: AppDeps): void {
  app.openapi(putTask, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.id !== undefined && body.id !== id) {
      throw domainError(ErrorCode.INVALID_INPUT, 'The body id differs from the task id in the path', { path_id: id, body_id: body.id });
    }
    await runIntent(deps, currentUser(c), 'task.set_status', { task_id: id, status: body.task_status });
    const [{ task }, sessions] = await Promise.all([requireTaskBundle(deps.sql, id), taskSessions(deps.sql, id)]);
    return c.json(seed000TaskJson(task, sessions), 200);
  });
}
