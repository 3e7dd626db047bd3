/**
 * Action routes (`POST /sessions/:id/complete`, `/pause`, `/resume`,
 * `/approve`) take an optional JSON body (`override_reason`, `reason`).
 * Clients call them with no body at all, or with `Content-Type:
 * application/json` and an empty body (many fetch wrappers set the header
 * on every request). The router's optional-body validator would refuse the
 * second as malformed JSON; this middleware, listed before it, reads an
 * empty body as `{}` so both mean "no options".
 *
 * Invariant: a non-empty body is left untouched and still validated.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env.ts';

export const emptyBodyIsEmptyObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  const text = await c.req.text();
  // HonoRequest parses json() from its cached text promise, so replacing the
  // cache is enough (its declared type says function; at runtime it holds the promise).
  if (text.trim() === '') (c.req.bodyCache as Record<string, unknown>)['text'] = Promise.resolve('{}');
  await next();
};
