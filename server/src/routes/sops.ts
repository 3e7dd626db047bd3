/**
 * SOPs. Every change is a sop.* intent, so the rules in
 * shared/src/runs/sop-rules.ts decide: editing a confirmed SOP publishes a
 * new draft version (runs stay pinned to theirs), and deleting one with
 * active runs is refused with their ids. Task and step ids may be sent, since
 * clients name things offline and a draft keeps its step ids across edits;
 * missing ones are named by the server.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_SOP_STEPS, MAX_SOP_TASKS, domainError } from '@stint/shared';
import { requireRole, requireUser, currentUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdParamSchema, IdSchema, PAGING_QUERY, TitleInputSchema, wholeNumber } from '../http/input.ts';
import type { Queryable } from '../db/sql.ts';
import { runIntent } from '../intents/run-intent.ts';
import { SopJsonSchema, sopJson } from '../runs/sop-json.ts';
import type { SopJson } from '../runs/sop-json.ts';
import { findSop, listSops } from '../runs/sop-queries.ts';

const SopStepInputSchema = z
  .strictObject({ id: IdSchema.optional(), title: TitleInputSchema, requires_check: z.boolean().optional() })
  .openapi('SopStepInput');
const SopTaskInputSchema = z
  .strictObject({ id: IdSchema.optional(), title: TitleInputSchema, steps: z.array(SopStepInputSchema).max(MAX_SOP_STEPS) })
  .openapi('SopTaskInput');
const SopTasksInputSchema = z.array(SopTaskInputSchema).max(MAX_SOP_TASKS);

const CreateSopSchema = z.strictObject({ id: IdSchema.optional(), title: TitleInputSchema, tasks: SopTasksInputSchema }).openapi('CreateSop');
const EditSopSchema = z.strictObject({ title: TitleInputSchema.optional(), tasks: SopTasksInputSchema.optional() }).openapi('EditSop');

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
  request: { params: IdParamSchema, query: SopQuerySchema },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The SOP'), ...errorResponses(400, 401, 404) },
});

const editSop = createRoute({
  method: 'patch',
  path: '/api/v1/sops/{id}',
  tags,
  summary: 'Edit an SOP; a confirmed SOP gets a new draft version (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: IdParamSchema, body: jsonBody(EditSopSchema) },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The SOP, latest version'), ...errorResponses(400, 401, 403, 404, 409) },
});

const confirmSop = createRoute({
  method: 'post',
  path: '/api/v1/sops/{id}/confirm',
  tags,
  summary: 'Confirm the latest version so runs can start from it (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(dataOf(SopJsonSchema), 'The confirmed SOP'), ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteSop = createRoute({
  method: 'delete',
  path: '/api/v1/sops/{id}',
  tags,
  summary: 'Delete an SOP that has no active runs (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerSopRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(createSop, async (c) => {
    const body = c.req.valid('json');
    const id = body.id ?? randomUUID();
    await runIntent(deps, currentUser(c), 'sop.create', { sop_id: id, title: body.title, tasks: body.tasks });
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
    await runIntent(deps, currentUser(c), 'sop.edit', { sop_id: id, ...(title === undefined ? {} : { title }), ...(tasks === undefined ? {} : { tasks }) });
    return c.json({ data: await mustFindSop(sql, id) }, 200);
  });

  app.openapi(confirmSop, async (c) => {
    const { id } = c.req.valid('param');
    await runIntent(deps, currentUser(c), 'sop.confirm', { sop_id: id });
    return c.json({ data: await mustFindSop(sql, id) }, 200);
  });

  app.openapi(deleteSop, async (c) => {
    const { id } = c.req.valid('param');
    await runIntent(deps, currentUser(c), 'sop.delete', { sop_id: id });
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
