/**
 * The endpoints zero-cache calls (DESIGN §4 read path) with the user's own
 * bearer token, and how a client finds zero-cache and the stale cutoff it
 * needs to group offline beats into runs (DESIGN §3.1).
 *
 * The user's id and role are the only auth context queries and mutators
 * see. The bodies are Zero's protocol: checked loosely here and strictly by
 * Zero's handlers, which answer protocol errors in Zero's own shape, the one
 * zero-cache expects.
 */
import type { ReadonlyJSONValue } from '@rocicorp/zero';
import { currentUser, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { zeroMutateHandler } from '../zero/mutate-endpoint.ts';
import { answerZeroQuery } from '../zero/query-endpoint.ts';

// Not z.json(): it is recursive, and the OpenAPI generator cannot describe it.
const ZeroQueryRequestSchema = z
  .array(z.unknown())
  .openapi('ZeroQueryRequest', { description: 'Zero transform request: ["transform", [{id, name, args}]]' });
const ZeroQueryResponseSchema = z
  .looseObject({ kind: z.string() })
  .openapi('ZeroQueryResponse', { description: "Zero's QueryResponse (or TransformFailed)" });
const ZeroMutateRequestSchema = z
  .looseObject({ clientGroupID: z.string(), mutations: z.array(z.unknown()), pushVersion: z.number() })
  .openapi('ZeroMutateRequest', { description: "Zero's push body" });
const ZeroMutateResponseSchema = z
  .looseObject({ kind: z.string() })
  .openapi('ZeroMutateResponse', { description: "Zero's MutateResponse (or PushFailed)" });
// zero-cache names its upstream schema `{appID}_{shard}`; the mutate handler
// writes Zero's bookkeeping rows there, so nothing else is accepted.
const ZeroParamsSchema = z.object({
  schema: z.string().regex(/^[a-z0-9_]+_[0-9]+$/).optional(),
  appID: z.string().regex(/^[a-z0-9_]+$/).optional(),
});
const ZeroConfigSchema = z
  .object({
    enabled: z.boolean(),
    port: z.number().int(),
    stale_cutoff_s: z.int().positive().openapi({ description: 'STALE_CUTOFF_S: heartbeat silence after which a work session is stale' }),
  })
  .openapi('ZeroConfig', { description: 'Whether this server runs zero-cache and its port on this host; the stale cutoff clients beat against' });

const query = createRoute({
  method: 'post',
  path: '/api/zero/query',
  tags: ['zero'],
  summary: 'Synced queries for zero-cache (ZERO_QUERY_URL)',
  middleware: [requireUser] as const,
  request: { query: ZeroParamsSchema, body: jsonBody(ZeroQueryRequestSchema) },
  responses: { 200: jsonResponse(ZeroQueryResponseSchema, 'The queries as ZQL'), ...errorResponses(400, 401) },
});

const mutate = createRoute({
  method: 'post',
  path: '/api/zero/mutate',
  tags: ['zero'],
  summary: 'Custom mutators for zero-cache (ZERO_MUTATE_URL): `intent` only',
  middleware: [requireUser] as const,
  request: { query: ZeroParamsSchema, body: jsonBody(ZeroMutateRequestSchema) },
  responses: { 200: jsonResponse(ZeroMutateResponseSchema, 'One result per mutation'), ...errorResponses(400, 401) },
});

const config = createRoute({
  method: 'get',
  path: '/api/zero/config',
  tags: ['zero'],
  summary: 'Where the zero-cache of this server listens, and the stale cutoff of work sessions',
  responses: { 200: jsonResponse(dataOf(ZeroConfigSchema), 'zero-cache settings for clients') },
});

export function registerZeroRoutes(app: Router, deps: AppDeps): void {
  const mutateHandler = zeroMutateHandler(deps);

  app.openapi(query, async (c) => {
    c.req.valid('query');
    const response = await answerZeroQuery(currentUser(c), c.req.query(), asJson(c.req.valid('json')));
    return c.json(response as z.infer<typeof ZeroQueryResponseSchema>, 200);
  });

  app.openapi(mutate, async (c) => {
    c.req.valid('query');
    const response = await mutateHandler(currentUser(c), c.req.query(), asJson(c.req.valid('json')));
    return c.json(response as z.infer<typeof ZeroMutateResponseSchema>, 200);
  });

  app.openapi(config, (c) =>
    c.json({ data: { enabled: deps.config.ZERO === 'on', port: deps.config.ZERO_PORT, stale_cutoff_s: deps.config.STALE_CUTOFF_S } }, 200),
  );
}

/** A body that came from JSON.parse is JSON, whatever its schema says it holds. */
function asJson(body: unknown): ReadonlyJSONValue {
  return body as ReadonlyJSONValue;
}
