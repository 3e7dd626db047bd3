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
import type { MiddlewareHandler } from 'hono';
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

/**
 * The body of an action whose options may all be left out (`{reason?}`):
 * no body and no Content-Type, `{}`, or an empty body sent with a JSON
 * Content-Type (fetch wrappers set one on every request) all mean "no
 * options" (API.md "Running the server"). List `emptyBodyIsEmptyObject` in
 * the route's middleware too.
 */
export function optionalJsonBody<S extends z.ZodType>(schema: S, description = 'Optional JSON body') {
  return { content: { 'application/json': { schema } }, required: false, description } as const;
}

/**
 * Reads an empty body that came with a Content-Type as `{}`, which the
 * router's optional-body validator would otherwise refuse as malformed JSON.
 * A request without a Content-Type is left unread: the validator reads it as
 * no options, and reading it here would make the validator see a consumed
 * body and answer 415. A non-empty body is left as it is and validated.
 */
export const emptyBodyIsEmptyObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header('content-type') !== undefined && (await c.req.text()).trim() === '') {
    // HonoRequest parses json() from its cached text promise, so replacing the
    // cache is enough (its declared type says function; at runtime it holds the promise).
    (c.req.bodyCache as Record<string, unknown>)['text'] = Promise.resolve('{}');
  }
  await next();
};

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
