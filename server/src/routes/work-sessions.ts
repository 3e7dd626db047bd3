/**
 * The caller's own work sessions ("Now Working", API.md "Seed 003"): start,
 * pause and heartbeat are the `work.*` intents, so the shared rules decide
 * (start needs the caller's claim and never claims; pause with nothing open
 * is a no-op). Every answer lists ALL the caller's open sessions, not just
 * the one the request named, so "Now Working" refreshes from any of them.
 */
import { currentUser, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { runIntent } from '../intents/run-intent.ts';
import { ActiveSessionsSchema, activeSessionsJson } from '../tasks/active-sessions.ts';
import { DeviceTimeInputSchema, IdSchema } from '../http/input.ts';

const ActiveData = dataOf(ActiveSessionsSchema);

const TaskRefBodySchema = z.strictObject({ task_id: IdSchema }).openapi('TaskRef');

const HeartbeatBodySchema = z
  .strictObject({
    task_id: IdSchema,
    alive_since: DeviceTimeInputSchema.optional().openapi({
      description: "The device's time when its unbroken run of beats on this task began; not after now",
      example: '2026-01-16T11:40:00Z',
    }),
  })
  .openapi('WorkHeartbeat');

const getActive = createRoute({
  method: 'get',
  path: '/api/v1/me/work-sessions/active',
  tags: ['work sessions'],
  summary: "The caller's open work sessions",
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(ActiveData, 'Open sessions, oldest first'), ...errorResponses(401) },
});

const ACTIONS = {
  start: { kind: 'work.start', summary: 'Start (or keep) a work session on a task the caller claimed' },
  pause: { kind: 'work.pause', summary: "Pause the caller's session on a task (no-op without one)" },
} as const;

const heartbeat = createRoute({
  method: 'post',
  path: '/api/v1/me/work-sessions/heartbeat',
  tags: ['work sessions'],
  summary: "Keep the caller's session on a task from going stale, or vouch for work since alive_since",
  middleware: [requireUser] as const,
  request: { body: jsonBody(HeartbeatBodySchema) },
  responses: { 200: jsonResponse(ActiveData, "The caller's open sessions after the beat"), ...errorResponses(400, 401, 404, 409) },
});

export function registerWorkSessionRoutes(app: Router, deps: AppDeps): void {
  app.openapi(getActive, async (c) => c.json({ data: await activeSessionsJson(deps.sql, currentUser(c).id, deps.clock()) }, 200));

  for (const [action, { kind, summary }] of Object.entries(ACTIONS)) {
    const route = createRoute({
      method: 'post',
      path: `/api/v1/me/work-sessions/${action}`,
      tags: ['work sessions'],
      summary,
      middleware: [requireUser] as const,
      request: { body: jsonBody(TaskRefBodySchema) },
      responses: { 200: jsonResponse(ActiveData, "The caller's open sessions after the change"), ...errorResponses(400, 401, 404, 409) },
    });
    app.openapi(route, async (c) => {
      const { task_id } = c.req.valid('json');
      const user = currentUser(c);
      await runIntent(deps, user, kind, { task_id });
      return c.json({ data: await activeSessionsJson(deps.sql, user.id, deps.clock()) }, 200);
    });
  }

  app.openapi(heartbeat, async (c) => {
    const { task_id, alive_since } = c.req.valid('json');
    const user = currentUser(c);
    await runIntent(deps, user, 'work.heartbeat', { task_id, ...(alive_since === undefined ? {} : { alive_since }) });
    return c.json({ data: await activeSessionsJson(deps.sql, user.id, deps.clock()) }, 200);
  });
}
