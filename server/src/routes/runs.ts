/**
 * Procedure runs. The wire calls a run a "session" (API.md "Seed 001 — SOP
 * runs"): the paths, the `session_id` of intents and error details such as
 * `existing_session_id` keep that name; nothing behind them does.
 *
 * Every change is a run.* intent, so the shared rules decide (I7): after
 * approval a change is 409 SESSION_LOCKED plus an audit entry unless a
 * supervisor or admin sends an `override_reason`, and someone else's run is
 * 403 unless a supervisor or admin overrides with a reason. Reading a run is
 * for its worker, supervisors and admins.
 */
import { randomUUID } from 'node:crypto';
import { CheckResult, ErrorCode, domainError, isSupervisor } from '@stint/shared';
import type { UserRow } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import type { Queryable } from '../db/sql.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, emptyBodyIsEmptyObject, errorResponses, jsonBody, jsonResponse, optionalJsonBody, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdParamSchema, IdSchema, NotesInputSchema, PAGING_QUERY, ReasonInputSchema } from '../http/input.ts';
import { activeRunOf, findRun, listRuns } from '../runs/run-queries.ts';
import { runIntent } from '../intents/run-intent.ts';
import { RunStatusSchema, RunJsonSchema, runJson } from '../runs/run-json.ts';
import type { RunJson } from '../runs/run-json.ts';

const StartRunSchema = z.strictObject({ sop_id: IdSchema, id: IdSchema.optional() }).openapi('StartRun');
const RecordCheckSchema = z
  .strictObject({
    step_id: IdSchema,
    result: z.enum([CheckResult.passed, CheckResult.failed]),
    notes: NotesInputSchema.optional(),
    override_reason: ReasonInputSchema.optional(),
  })
  .openapi('RecordCheck');
const OverrideSchema = z.strictObject({ override_reason: ReasonInputSchema.optional() }).openapi('RunAction');
const ApproveSchema = z.strictObject({ reason: ReasonInputSchema.optional() }).openapi('ApproveRun');

const RunListQuerySchema = z.object({
  status: RunStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
  worker_id: IdSchema.optional().openapi({
    param: { name: 'worker_id', in: 'query' },
    description: "Supervisors and admins: another worker's runs (default: the caller's)",
  }),
  ...PAGING_QUERY,
});

const tags = ['procedure runs'];
const RunData = dataOf(RunJsonSchema);

const startRun = createRoute({
  method: 'post',
  path: '/api/v1/sessions',
  tags,
  summary: 'Start a run of the newest confirmed version of an SOP',
  middleware: [requireUser] as const,
  request: { body: jsonBody(StartRunSchema) },
  responses: { 201: jsonResponse(RunData, 'The new run, at the first step'), ...errorResponses(400, 401, 404, 409) },
});

const currentRun = createRoute({
  method: 'get',
  path: '/api/v1/sessions/current',
  tags,
  summary: "The caller's active run (in_progress or paused), or null",
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(dataOf(RunJsonSchema.nullable()), 'The active run or null'), ...errorResponses(401) },
});

const listRunsRoute = createRoute({
  method: 'get',
  path: '/api/v1/sessions',
  tags,
  summary: "The caller's runs (or, for supervisors and admins, a worker's), newest first",
  middleware: [requireUser] as const,
  request: { query: RunListQuerySchema },
  responses: { 200: jsonResponse(dataOf(z.array(RunJsonSchema)), 'Runs (sop.tasks left out)'), ...errorResponses(400, 401, 403) },
});

const getRun = createRoute({
  method: 'get',
  path: '/api/v1/sessions/{id}',
  tags,
  summary: 'One run (its worker, supervisors, admins)',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(RunData, 'The run'), ...errorResponses(400, 401, 403, 404) },
});

const recordCheck = createRoute({
  method: 'post',
  path: '/api/v1/sessions/{id}/checks',
  tags,
  summary: 'Record a safety check on the current step; a pass advances, the last pass completes',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema, body: jsonBody(RecordCheckSchema) },
  responses: { 200: jsonResponse(RunData, 'The run after the check'), ...errorResponses(400, 401, 403, 404, 409) },
});

const actionRoute = (action: 'complete' | 'pause' | 'resume', summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/v1/sessions/{id}/${action}`,
    tags,
    summary,
    middleware: [requireUser, emptyBodyIsEmptyObject] as const,
    request: { params: IdParamSchema, body: optionalJsonBody(OverrideSchema) },
    responses: { 200: jsonResponse(RunData, 'The run'), ...errorResponses(400, 401, 403, 404, 409) },
  });

const approveRun = createRoute({
  method: 'post',
  path: '/api/v1/sessions/{id}/approve',
  tags,
  summary: 'Approve a completed run, locking it (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin'), emptyBodyIsEmptyObject] as const,
  request: { params: IdParamSchema, body: optionalJsonBody(ApproveSchema) },
  responses: { 200: jsonResponse(RunData, 'The locked run'), ...errorResponses(400, 401, 403, 404, 409) },
});

const ACTIONS = [
  ['complete', 'run.complete', 'Complete a run (its worker)'],
  ['pause', 'run.pause', 'Pause a run; the current step is kept'],
  ['resume', 'run.resume', 'Resume a paused run'],
] as const;

export function registerRunRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(startRun, async (c) => {
    const { sop_id, id = randomUUID() } = c.req.valid('json');
    await runIntent(deps, currentUser(c), 'run.start', { session_id: id, sop_id });
    return c.json({ data: await mustFindRun(sql, id) }, 201);
  });

  // Registered before /sessions/{id}, which would otherwise take "current" for an id.
  app.openapi(currentRun, async (c) => {
    const active = await activeRunOf(sql, currentUser(c).id);
    return c.json({ data: active === null ? null : runJson(active, { withSopTasks: true }) }, 200);
  });

  app.openapi(listRunsRoute, async (c) => {
    const { status, worker_id, limit, offset } = c.req.valid('query');
    const user = currentUser(c);
    const workerId = worker_id ?? user.id;
    if (workerId !== user.id && !isSupervisor(actorOf(user))) {
      throw domainError(ErrorCode.FORBIDDEN, "Only supervisors and admins list other workers' runs.", { worker_id: workerId });
    }
    const runs = await listRuns(sql, { workerId, status, limit, offset });
    return c.json({ data: runs.map((run) => runJson(run, { withSopTasks: false })) }, 200);
  });

  app.openapi(getRun, async (c) => {
    const { id } = c.req.valid('param');
    const run = await mustFindRun(sql, id);
    mayRead(currentUser(c), run);
    return c.json({ data: run }, 200);
  });

  app.openapi(recordCheck, async (c) => {
    const { id } = c.req.valid('param');
    const { step_id, result, notes, override_reason } = c.req.valid('json');
    const trimmedNotes = notes?.trim() === '' ? undefined : notes;
    await runIntent(deps, currentUser(c), 'run.check', {
      session_id: id,
      step_id,
      result,
      ...(trimmedNotes === undefined ? {} : { notes: trimmedNotes }),
      ...(override_reason === undefined ? {} : { override_reason }),
    });
    return c.json({ data: await mustFindRun(sql, id) }, 200);
  });

  for (const [action, kind, summary] of ACTIONS) {
    app.openapi(actionRoute(action, summary), async (c) => {
      const { id } = c.req.valid('param');
      const { override_reason } = c.req.valid('json');
      await runIntent(deps, currentUser(c), kind, { session_id: id, ...(override_reason === undefined ? {} : { override_reason }) });
      return c.json({ data: await mustFindRun(sql, id) }, 200);
    });
  }

  app.openapi(approveRun, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    await runIntent(deps, currentUser(c), 'run.approve', { session_id: id, ...(reason === undefined ? {} : { reason }) });
    return c.json({ data: await mustFindRun(sql, id) }, 200);
  });
}

async function mustFindRun(db: Queryable, id: string): Promise<RunJson> {
  const found = await findRun(db, id);
  if (found === undefined) throw domainError(ErrorCode.NOT_FOUND, `Procedure run ${id} not found.`, { run_id: id });
  return runJson(found, { withSopTasks: true });
}

/** A run is read by its worker, supervisors and admins. */
function mayRead(user: UserRow, run: RunJson): void {
  if (run.worker_id !== user.id && !isSupervisor(actorOf(user))) {
    throw domainError(ErrorCode.FORBIDDEN, 'Only the worker who started this procedure run, supervisors and admins may see it.');
  }
}

function actorOf(user: UserRow) {
  return { user_id: user.id, role: user.role };
}
