/**
 * The work-session history and the owner's claim of lost time (DESIGN §3.1).
 *
 * A worker naming someone else in `user_id` gets 403 rather than an empty
 * page, so a client that asks for the wrong person learns it instead of
 * showing "no work". `next_cursor` is opaque; a cursor this server did not
 * write is 400. Extending is the `work.extend` intent: cut short by a later
 * session of the task, it still answers 200 with the session as extended.
 */
import { ErrorCode, domainError, isSupervisor } from '@stint/shared';
import type { UserRow } from '@stint/shared';
import { currentUser, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { runIntent } from '../intents/run-intent.ts';
import { DeviceTimeInputSchema, IdParamSchema, IdSchema, limitQuery } from '../http/input.ts';
import { MAX_CURSOR_LENGTH, decodeCursor, encodeCursor } from '../tasks/work-session-cursor.ts';
import { WorkSessionJsonSchema, workSessionJson } from '../tasks/work-session-json.ts';
import { findWorkSession, listWorkSessions } from '../tasks/work-session-reads.ts';

/** A page of history is a screen of short rows, longer than other lists' default page. */
export const DEFAULT_HISTORY_LIMIT = 50;

const TimeBoundSchema = (name: 'from' | 'to', description: string) =>
  DeviceTimeInputSchema.optional().openapi({ param: { name, in: 'query' }, description, example: '2026-01-16T00:00:00Z' });

const HistoryQuerySchema = z.object({
  task_id: IdSchema.optional().openapi({ param: { name: 'task_id', in: 'query' }, description: 'Only sessions on this task' }),
  user_id: IdSchema.optional().openapi({
    param: { name: 'user_id', in: 'query' },
    description: "Only this person's sessions; a worker may name only themself (403 otherwise)",
  }),
  from: TimeBoundSchema('from', 'Sessions started at or after this time'),
  to: TimeBoundSchema('to', 'Sessions started before this time'),
  limit: limitQuery(DEFAULT_HISTORY_LIMIT),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor this server returned')
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The next_cursor of the previous page' }),
});

const HistoryPageSchema = z
  .object({ data: z.array(WorkSessionJsonSchema), next_cursor: z.string().nullable() })
  .openapi('WorkSessionPage');

const ExtendSchema = z
  .strictObject({
    until: DeviceTimeInputSchema.openapi({ description: "Until when the owner was working: not before the session's end, not after now" }),
  })
  .openapi('ExtendWorkSession');

const tags = ['work sessions'];

const listHistory = createRoute({
  method: 'get',
  path: '/api/v1/work-sessions',
  tags,
  summary: "Work sessions, newest first: a worker's own, everyone's for supervisors and admins",
  middleware: [requireUser] as const,
  request: { query: HistoryQuerySchema },
  responses: { 200: jsonResponse(HistoryPageSchema, 'One page of sessions'), ...errorResponses(400, 401, 403) },
});

const extend = createRoute({
  method: 'post',
  path: '/api/v1/work-sessions/{id}/extend',
  tags,
  summary: 'Claim back time after a stale close (the owner; work.extend)',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(ExtendSchema) },
  responses: { 200: jsonResponse(dataOf(WorkSessionJsonSchema), 'The session as extended'), ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerWorkSessionHistoryRoutes(app: Router, deps: AppDeps): void {
  app.openapi(listHistory, async (c) => {
    const query = c.req.valid('query');
    const from = query.from === undefined ? undefined : Date.parse(query.from);
    const to = query.to === undefined ? undefined : Date.parse(query.to);
    if (from !== undefined && to !== undefined && from > to) {
      throw domainError(ErrorCode.INVALID_INPUT, 'from is after to', { from: query.from, to: query.to });
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) throw domainError(ErrorCode.INVALID_INPUT, 'cursor is not a next_cursor this server returned');
    const page = await listWorkSessions(
      deps.sql,
      { userId: visibleUser(currentUser(c), query.user_id), taskId: query.task_id, from, to },
      { limit: query.limit, after },
    );
    return c.json({ data: page.sessions.map(workSessionJson), next_cursor: page.next === null ? null : encodeCursor(page.next) }, 200);
  });

  app.openapi(extend, async (c) => {
    const { id } = c.req.valid('param');
    const { until } = c.req.valid('json');
    await runIntent(deps, currentUser(c), 'work.extend', { session_id: id, until });
    const session = await findWorkSession(deps.sql, id);
    if (session === undefined) throw domainError(ErrorCode.NOT_FOUND, `Work session ${id} not found.`, { session_id: id });
    return c.json({ data: workSessionJson(session) }, 200);
  });
}

/** Whose sessions the caller lists: undefined is everyone's (supervisors and admins only). */
function visibleUser(user: UserRow, requested: string | undefined): string | undefined {
  if (isSupervisor({ user_id: user.id, role: user.role })) return requested;
  if (requested !== undefined && requested !== user.id) {
    throw domainError(ErrorCode.FORBIDDEN, "Only supervisors and admins list other people's work sessions.", { user_id: requested });
  }
  return user.id;
}
