/**
 * Request plumbing every route runs inside: the request id, the per-request
 * logger and dependencies, one JSON access-log line per request, and a body
 * size limit.
 */
import { ErrorCode, domainError } from '@stint/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { AppDeps, AppEnv } from './env.ts';

/** Sync batches can be large; anything beyond this is not a client of ours. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Puts deps and a request-scoped logger on the context (after requestId()). */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', deps);
    c.set('log', deps.logger.child({ request_id: c.var.requestId }));
    c.set('user', undefined);
    await next();
  };
}

/** One line per request: request id, method, path, status, duration; and the latency histogram. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    c.var.deps.metrics.observeRequest(c.req.method, matchedRoute(c), c.res.status, (performance.now() - start) / 1000);
    c.var.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - start) * 10) / 10,
        user_id: c.var.user?.id,
      },
      'request',
    );
  };
}

/** The matched route pattern (a bounded label), or "unmatched" when only the app-wide middleware ran. */
function matchedRoute(c: Context<AppEnv>): string {
  const pattern = routePath(c, -1);
  return pattern === '/*' || pattern === '*' ? 'unmatched' : pattern;
}

export function limitBody(): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw domainError(ErrorCode.INVALID_INPUT, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
}
