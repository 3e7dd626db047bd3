/**
 * Seed 001 procedure runs, under the seed's name "sessions" (API.md "Seed
 * 001 — SOP runs"). Every change is a run.* intent through the executor, so
 * shared/src/runs decides (I7) and applied_intents logs it; a refused change
 * to an approved run is audited by the executor.
 *
 *   POST /api/v1/sessions                 {sop_id, id?} → 201 {data: session}
 *        409 ACTIVE_SESSION_EXISTS {existing_session_id}; 409 SOP_NOT_CONFIRMED; 404 unknown SOP
 *   GET  /api/v1/sessions/current         → {data: session|null}: the caller's active run,
 *        in_progress or paused (I7 allows one), with SOP details, checks, current and next step
 *   GET  /api/v1/sessions                 ?status=&worker_id=&limit=&offset= → {data: [session]},
 *        the caller's runs newest first (started_at DESC); supervisors and admins may name a worker
 *   GET  /api/v1/sessions/:id             → {data: session} (its worker, supervisors, admins)
 *   POST /api/v1/sessions/:id/checks      {step_id, result, notes?, override_reason?} → {data: session}
 *        a pass on the current step advances (across tasks); the last one completes
 *   POST /api/v1/sessions/:id/complete    {override_reason?} → {data: session} (its worker)
 *   POST /api/v1/sessions/:id/pause       {override_reason?} → {data: session}
 *   POST /api/v1/sessions/:id/resume      {override_reason?} → {data: session}
 *   POST /api/v1/sessions/:id/approve     (supervisor, admin) {reason?} → {data: session}, locked
 *
 * After approval every change is 409 SESSION_LOCKED {reason, locked_by,
 * locked_at} plus an audit entry, unless a supervisor or admin sends an
 * `override_reason` (applied and audited). Someone else's run: 403, unless a
 * supervisor/admin overrides with a reason. Bodies of the four action
 * routes are optional (none, `{}` or an empty JSON body all mean no options).
 */
import { randomUUID } from 'node:crypto';
import { CheckResult, ErrorCode, MAX_ID_LENGTH, MAX_NOTES_LENGTH, MAX_REASON_LENGTH, domainError, isSupervisor } from '@stint/shared';
import type { UserRow } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import type { Queryable } from '../db/sql.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdSchema, textSchema } from '../http/schemas.ts';
import { emptyBodyIsEmptyObject } from '../runs/optional-body.ts';
import { PAGING_QUERY } from '../runs/paging.ts';
import { activeRunOf, findRun, listRuns } from '../runs/run-queries.ts';
import { runSeedIntent } from '../runs/run-session-intent.ts';
import { RunStatusSchema, SessionJsonSchema, sessionJson } from '../runs/session-json.ts';
import type { SessionJson } from '../runs/session-json.ts';

/** Ids that end up in intent args, which allow at most MAX_ID_LENGTH characters. */
const RuleIdSchema = IdSchema.max(MAX_ID_LENGTH);
const OverrideReasonSchema = textSchema(MAX_REASON_LENGTH);
const NotesSchema = z
  .string()
  .max(MAX_NOTES_LENGTH)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

const StartSessionSchema = z.strictObject({ sop_id: RuleIdSchema, id: RuleIdSchema.optional() }).openapi('StartSession');
const RecordCheckSchema = z
  .strictObject({
    step_id: RuleIdSchema,
    result: z.enum([CheckResult.passed, CheckResult.failed]),
    notes: NotesSchema.optional(),
    override_reason: OverrideReasonSchema.optional(),
  })
  .openapi('RecordCheck');
const OverrideSchema = z.strictObject({ override_reason: OverrideReasonSchema.optional() }).openapi('SessionAction');
const ApproveSchema = z.strictObject({ reason: OverrideReasonSchema.optional() }).openapi('ApproveSession');

const SessionParamSchema = z.object({ id: RuleIdSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const SessionListQuerySchema = z.object({
  status: RunStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
  worker_id: RuleIdSchema.optional().openapi({
    param: { name: 'worker_id', in: 'query' },
    description: "Supervisors and admins: another worker's runs (default: the caller's)",
  }),
  ...PAGING_QUERY,
});

const tags = ['sessions'];
const Session = dataOf(SessionJsonSchema);
const optionalBody = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } }, required: false }) as const;

const startSession = createRoute({
  method: 'post',
  path: '/api/v1/sessions',
  tags,
  summary: 'Start a work session from the newest confirmed version of an SOP',
  middleware: [requireUser] as const,
  request: { body: jsonBody(StartSessionSchema) },
  responses: { 201: jsonResponse(Session, 'The new session, at the first step'), ...errorResponses(400, 401, 404, 409) },
});

const currentSession = createRoute({
  method: 'get',
  path: '/api/v1/sessions/current',
  tags,
  summary: "The caller's active session (in_progress or paused), or null",
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(dataOf(SessionJsonSchema.nullable()), 'The active session or null'), ...errorResponses(401) },
});

const listSessions = createRoute({
  method: 'get',
  path: '/api/v1/sessions',
  tags,
  summary: "The caller's sessions, newest first",
  middleware: [requireUser] as const,
  request: { query: SessionListQuerySchema },
  responses: { 200: jsonResponse(dataOf(z.array(SessionJsonSchema)), 'Sessions (sop.tasks left out)'), ...errorResponses(400, 401, 403) },
});

const getSession = createRoute({
  method: 'get',
  path: '/api/v1/sessions/{id}',
  tags,
  summary: 'One session (its worker, supervisors, admins)',
  middleware: [requireUser] as const,
  request: { params: SessionParamSchema },
  responses: { 200: jsonResponse(Session, 'The session'), ...errorResponses(400, 401, 403, 404) },
});

const recordCheck = createRoute({
  method: 'post',
  path: '/api/v1/sessions/{id}/checks',
  tags,
  summary: 'Record a safety check on the current step; a pass advances, the last pass completes',
  middleware: [requireUser] as const,
  request: { params: SessionParamSchema, body: jsonBody(RecordCheckSchema) },
  responses: { 200: jsonResponse(Session, 'The session after the check'), ...errorResponses(400, 401, 403, 404, 409) },
});

const actionRoute = (action: 'complete' | 'pause' | 'resume', summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/v1/sessions/{id}/${action}`,
    tags,
    summary,
    middleware: [requireUser, emptyBodyIsEmptyObject] as const,
    request: { params: SessionParamSchema, body: optionalBody(OverrideSchema) },
    responses: { 200: jsonResponse(Session, 'The session'), ...errorResponses(400, 401, 403, 404, 409) },
  });

const approveSession = createRoute({
  method: 'post',
  path: '/api/v1/sessions/{id}/approve',
  tags,
  summary: 'Approve a completed session, locking it (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin'), emptyBodyIsEmptyObject] as const,
  request: { params: SessionParamSchema, body: optionalBody(ApproveSchema) },
  responses: { 200: jsonResponse(Session, 'The locked session'), ...errorResponses(400, 401, 403, 404, 409) },
});

const ACTIONS = [
  ['complete', 'run.complete', 'Complete a session (its worker)'],
  ['pause', 'run.pause', 'Pause a session; the current step is kept'],
  ['resume', 'run.resume', 'Resume a paused session'],
] as const;

export function registerRunRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(startSession, async (c) => {
    const { sop_id, id = randomUUID() } = c.req.valid('json');
    await runSeedIntent(deps, currentUser(c), 'run.start', { session_id: id, sop_id });
    return c.json({ data: await mustFindSession(sql, id) }, 201);
  });

  // Registered before /sessions/{id}, which would otherwise take "current" for an id.
  app.openapi(currentSession, async (c) => {
    const active = await activeRunOf(sql, currentUser(c).id);
    return c.json({ data: active === null ? null : sessionJson(active, { withSopTasks: true }) }, 200);
  });

  app.openapi(listSessions, async (c) => {
    const { status, worker_id, limit, offset } = c.req.valid('query');
    const user = currentUser(c);
    const workerId = worker_id ?? user.id;
    if (workerId !== user.id && !isSupervisor(actorOf(user))) {
      throw domainError(ErrorCode.FORBIDDEN, "Only supervisors and admins list other workers' sessions.", { worker_id: workerId });
    }
    const runs = await listRuns(sql, { workerId, status, limit, offset });
    return c.json({ data: runs.map((run) => sessionJson(run, { withSopTasks: false })) }, 200);
  });

  app.openapi(getSession, async (c) => {
    const { id } = c.req.valid('param');
    const session = await mustFindSession(sql, id);
    mayRead(currentUser(c), session);
    return c.json({ data: session }, 200);
  });

  app.openapi(recordCheck, async (c) => {
    const { id } = c.req.valid('param');
    const { step_id, result, notes, override_reason } = c.req.valid('json');
    const trimmedNotes = notes?.trim() === '' ? undefined : notes;
    await runSeedIntent(deps, currentUser(c), 'run.check', {
      session_id: id,
      step_id,
      result,
      ...(trimmedNotes === undefined ? {} : { notes: trimmedNotes }),
      ...(override_reason === undefined ? {} : { override_reason }),
    });
    return c.json({ data: await mustFindSession(sql, id) }, 200);
  });

  for (const [action, kind, summary] of ACTIONS) {
    app.openapi(actionRoute(action, summary), async (c) => {
      const { id } = c.req.valid('param');
      const { override_reason } = c.req.valid('json');
      await runSeedIntent(deps, currentUser(c), kind, { session_id: id, ...(override_reason === undefined ? {} : { override_reason }) });
      return c.json({ data: await mustFindSession(sql, id) }, 200);
    });
  }

  app.openapi(approveSession, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    await runSeedIntent(deps, currentUser(c), 'run.approve', { session_id: id, ...(reason === undefined ? {} : { reason }) });
    return c.json({ data: await mustFindSession(sql, id) }, 200);
  });
}

async function mustFindSession(db: Queryable, id: string): Promise<SessionJson> {
  const found = await findRun(db, id);
  if (found === undefined) throw domainError(ErrorCode.NOT_FOUND, `Work session ${id} not found.`, { session_id: id });
  return sessionJson(found, { withSopTasks: true });
}

/** A run is read by its worker, supervisors and admins. */
function mayRead(user: UserRow, session: SessionJson): void {
  if (session.worker_id !== user.id && !isSupervisor(actorOf(user))) {
    throw domainError(ErrorCode.FORBIDDEN, 'Only the worker who started this work session, supervisors and admins may see it.');
  }
}

function actorOf(user: UserRow) {
  return { user_id: user.id, role: user.role };
}
