/**
 * Building blocks for routes: an OpenAPIHono router whose validation
 * failures become 400 INVALID_INPUT, and helpers so every route declares its
 * zod schemas (request and response) for the OpenAPI document.
 *
 *   const app = createRouter();
 *   app.openapi(createRoute({
 *     method: 'post', path: '/api/v1/things',
 *     middleware: [requireRole('supervisor')] as const,
 *     request: { body: jsonBody(CreateThing) },
 *     responses: { 201: jsonResponse(dataOf(Thing), 'Created'), ...errorResponses(400, 401, 403, 409) },
 *   }), async (c) => c.json({ data: … }, 201));
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';
import { validationHook } from './errors.ts';

export { createRoute, z } from '@hono/zod-openapi';

export type Router = OpenAPIHono<AppEnv>;

export function createRouter(): Router {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/**
 * A required JSON request body. Required matters: an optional body lets a
 * request without JSON content skip validation.
 */
export function jsonBody<S extends z.ZodType>(schema: S, description = 'JSON body') {
  return { content: { 'application/json': { schema } }, required: true, description } as const;
}

export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { content: { 'application/json': { schema } }, description } as const;
}

/** `{data: …}`: the envelope of every native route. */
export function dataOf<S extends z.ZodType>(schema: S) {
  return z.object({ data: schema });
}

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input',
  401: 'Missing or invalid token',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  503: 'Not configured',
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** Declares error responses (all share the error body schema). */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  const responses = {} as Record<S, ReturnType<typeof jsonResponse<typeof ErrorBodySchema>>>;
  for (const status of statuses) responses[status] = jsonResponse(ErrorBodySchema, ERROR_DESCRIPTIONS[status]);
  return responses;
}
