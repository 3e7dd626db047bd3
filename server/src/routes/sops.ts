/**
 * Seed 001 SOPs (API.md "Seed 001 — SOP runs"). Every change goes through
 * the intent executor (sop.create / sop.edit / sop.confirm / sop.delete), so
 * the rules in shared/src/runs/sop-rules.ts decide and applied_intents logs it.
 *
 *   POST   /api/v1/sops             (supervisor, admin) {title, tasks, id?} → 201 {data: sop} (draft v1)
 *   GET    /api/v1/sops             (signed in) ?confirmed=&limit=&offset= → {data: [sop]} (latest versions, by title)
 *   GET    /api/v1/sops/:id         (signed in) ?version= → {data: sop} (latest version unless one is named)
 *   PATCH  /api/v1/sops/:id         (supervisor, admin) {title?, tasks?} → {data: sop}
 *          editing a confirmed SOP publishes a new draft version; runs stay pinned to theirs
 *   POST   /api/v1/sops/:id/confirm (supervisor, admin) → {data: sop}
 *   DELETE /api/v1/sops/:id         (supervisor, admin) → 204 (soft delete; repeating it is a no-op),
 *          or 400 SOP_HAS_ACTIVE_SESSIONS with details.active_session_ids
 *
 * Task and step ids may be sent (clients name things offline; a draft keeps
 * its step ids across edits); missing ones are named by the server.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_ID_LENGTH, MAX_SOP_STEPS, MAX_SOP_TASKS, MAX_TITLE_LENGTH, domainError } from '@stint/shared';
import { requireRole, requireUser, currentUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdSchema, textSchema } from '../http/schemas.ts';
import type { Queryable } from '../db/sql.ts';
import { PAGING_QUERY, wholeNumber } from '../runs/paging.ts';
import { runSeedIntent } from '../runs/run-session-intent.ts';
import { SopJsonSchema, sopJson } from '../runs/sop-json.ts';
import type { SopJson } from '../runs/sop-json.ts';
import { findSop, listSops } from '../runs/sop-queries.ts';

/** Ids that end up in intent args, which allow at most MAX_ID_LENGTH characters. */
const RuleIdSchema = IdSchema.max(MAX_ID_LENGTH);
const TitleSchema = textSchema(MAX_TITLE_LENGTH);

const SopStepInputSchema = z
  .strictObject({ id: RuleIdSchema.optional(), title: TitleSchema, requires_check: z.boolean().optional() })
  .openapi('SopStepInput');
const SopTaskInputSchema = z
  .strictObject({ id: RuleIdSchema.optional(), title: TitleSchema, steps: z.array(SopStepInputSchema).max(MAX_SOP_STEPS) })
  .openapi('SopTaskInput');
const SopTasksInputSchema = z.array(SopTaskInputSchema).max(MAX_SOP_TASKS);

const CreateSopSchema = z.strictObject({ id: RuleIdSchema.optional(), title: TitleSchema, tasks: SopTasksInputSchema }).openapi('CreateSop');
const EditSopSchema = z.strictObject({ title: TitleSchema.optional(), tasks: SopTasksInputSchema.optional() }).openapi('EditSop');

const SopParamSchema = z.object({ id: RuleIdSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const SopQuerySchema = z.object({
  version: wholeNumber(1, 2_147_483_647).optional().openapi({ param: { name: 'version', in: 'query' }, description: 'A version number; default the latest' }),
});
const SopListQuerySchema = z.object({
  confirmed: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ param: { name: 'confirmed', in: 'query' }, description: 'true: only SOPs with a confirmed version (startable)' }),
  ...PAGING_QUERY,
});

const tags = ['sops'];

const createSop = createRoute({
  method: 'post',
  path: '/api/v1/sops',
  tags,
  summary: 'Create an SOP as draft version 1 (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { body: jsonBody(CreateSopSchema) },
  responses: { 201: jsonResponse(dataOf(SopJsonSchema), 'The new draft SOP'), ...errorResponses(400, 401, 403, 409) },
});

const listSopsRoute = createRoute({
  method: 'get',
  path: '/api/v1/sops',
  tags,
  summary: 'Live SOPs with their latest version, by title',
  middleware: [requireUser] as const,
  request: { query: SopListQuerySchema },
  responses: { 200: jsonResponse(dataOf(z.array(SopJsonSchema)), 'SOPs'), ...errorResponses(400, 401) },
});

const getSop = createRoute({
  method: 'get',
  path: '/api/v1/sops/{id}',
  tags,
  summary: 'One SOP: its latest version, or the version named',
  middleware: [requireUser] as const,
  request: { params: SopParamSchema, query: SopQuerySchema },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The SOP'), ...errorResponses(400, 401, 404) },
});

const editSop = createRoute({
  method: 'patch',
  path: '/api/v1/sops/{id}',
  tags,
  summary: 'Edit an SOP; a confirmed SOP gets a new draft version (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: SopParamSchema, body: jsonBody(EditSopSchema) },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The SOP, latest version'), ...errorResponses(400, 401, 403, 404, 409) },
});

const confirmSop = createRoute({
  method: 'post',
  path: '/api/v1/sops/{id}/confirm',
  tags,
  summary: 'Confirm the latest version so runs can start from it (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: SopParamSchema },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The confirmed SOP'), ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteSop = createRoute({
  method: 'delete',
  path: '/api/v1/sops/{id}',
  tags,
  summary: 'Delete an SOP that has no active sessions (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: SopParamSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerSopRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(createSop, async (c) => {
    const body = c.req.valid('json');
    const id = body.id ?? randomUUID();
    await runSeedIntent(deps, currentUser(c), 'sop.create', { sop_id: id, title: body.title, tasks: body.tasks });
    return c.json({ data: await mustFindSop(sql, id) }, 201);
  });

  app.openapi(listSopsRoute, async (c) => {
    const { confirmed, limit, offset } = c.req.valid('query');
    const sops = await listSops(sql, { limit, offset, confirmedOnly: confirmed === 'true' });
    return c.json({ data: sops.map(sopJson) }, 200);
  });

  app.openapi(getSop, async (c) => {
    const { id } = c.req.valid('param');
    const { version } = c.req.valid('query');
    return c.json({ data: await mustFindSop(sql, id, version) }, 200);
  });

  app.openapi(editSop, async (c) => {
    const { id } = c.req.valid('param');
    const { title, tasks } = c.req.valid('json');
    if (title === undefined && tasks === undefined) {
      // An empty edit of a confirmed SOP would publish an identical new version.
      throw domainError(ErrorCode.INVALID_INPUT, 'Send a title, tasks or both to edit an SOP.');
    }
    await runSeedIntent(deps, currentUser(c), 'sop.edit', { sop_id: id, ...(title === undefined ? {} : { title }), ...(tasks === undefined ? {} : { tasks }) });
    return c.json({ data: await mustFindSop(sql, id) }, 200);
  });

  app.openapi(confirmSop, async (c) => {
    const { id } = c.req.valid('param');
    await runSeedIntent(deps, currentUser(c), 'sop.confirm', { sop_id: id });
    return c.json({ data: await mustFindSop(sql, id) }, 200);
  });

  app.openapi(deleteSop, async (c) => {
    const { id } = c.req.valid('param');
    await runSeedIntent(deps, currentUser(c), 'sop.delete', { sop_id: id });
    return c.body(null, 204);
  });
}

async function mustFindSop(db: Queryable, id: string, version?: number): Promise<SopJson> {
  const found = await findSop(db, id, version);
  if (found === undefined) {
    const what = version === undefined ? `SOP ${id}` : `Version ${version} of SOP ${id}`;
    throw domainError(ErrorCode.NOT_FOUND, `${what} not found.`, { sop_id: id, ...(version === undefined ? {} : { version }) });
  }
  return sopJson(found);
}
