/**
 * The one place errors become HTTP responses (STYLE.md §5). Every error body
 * is `{error: {code, message, details}}`.
 *
 * Invariants:
 *  1. A DomainError answers HTTP_STATUS[code] with its own code, message and
 *     details.
 *  2. Bad input is 400 INVALID_INPUT, never a 5xx: schema failures (the zod
 *     hook), malformed JSON, a wrong content type, an oversized body, and as
 *     a last resort a value the database refused as invalid input
 *     (`classifyDbError`) that a schema should have caught.
 *  3. A database conflict no rule caught first is 409 CONFLICT_INVALID_STATE
 *     (I1, I5, I7 are also held by the database).
 *  4. Anything else is 500 INTERNAL; the cause is logged with the request id,
 *     and the client sees only the request id, never the cause.
 */
import { ErrorCode, HTTP_STATUS, domainError, isDomainError } from '@stint/shared';
import type { ErrorDetails , DomainError} from '@stint/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { classifyDbError } from '../db/db-errors.ts';
import type { Logger } from '../log.ts';
import type { AppEnv } from './env.ts';

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails };
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetails = {}): ErrorBody {
  return { error: { code, message, details } };
}

export function errorResponse(c: Context<AppEnv>, error: DomainError): Response {
  return c.json(errorBody(error.code, error.message, error.details), HTTP_STATUS[error.code] as ContentfulStatusCode);
}

/** The app.onError handler; `fallback` logs when the error came before the request logger existed. */
export function errorHandler(fallback: Logger): (err: Error, c: Context<AppEnv>) => Response {
  return (err, c) => {
    const log = c.var.log ?? fallback;
    const error = toDomainError(err);
    if (error.code === ErrorCode.INTERNAL) {
      log.error({ err }, 'unhandled error');
      return errorResponse(c, domainError(ErrorCode.INTERNAL, 'Internal server error', { request_id: c.var.requestId }));
    }
    if (!isDomainError(err)) log.warn({ err: { message: err.message, code: error.code } }, 'request refused');
    return errorResponse(c, error);
  };
}

/** app.notFound */
export function handleNotFound(c: Context<AppEnv>): Response {
  return errorResponse(c, domainError(ErrorCode.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}`));
}

/** The defaultHook of every OpenAPIHono router: a schema failure is a 400. */
export function validationHook(
  result: { target: string } & ({ success: true } | { success: false; error: ZodError }),
): void {
  if (!result.success) {
    throw domainError(ErrorCode.INVALID_INPUT, `Invalid request ${targetName(result.target)}`, {
      target: result.target,
      issues: result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        code: issue.code,
        message: issue.message,
      })),
    });
  }
}

function toDomainError(err: Error): DomainError {
  if (isDomainError(err)) return err;
  if (err instanceof HTTPException) {
    if (err.status === 401) return domainError(ErrorCode.UNAUTHENTICATED, err.message || 'Unauthenticated');
    if (err.status === 403) return domainError(ErrorCode.FORBIDDEN, err.message || 'Forbidden');
    if (err.status === 404) return domainError(ErrorCode.NOT_FOUND, err.message || 'Not found');
    if (err.status >= 400 && err.status < 500) {
      return domainError(ErrorCode.INVALID_INPUT, err.message || 'Invalid request', { http_status: err.status });
    }
    return domainError(ErrorCode.INTERNAL, err.message);
  }
  const failed = classifyDbError(err);
  if (failed.kind === 'invalid_input') {
    return domainError(ErrorCode.INVALID_INPUT, 'A value was not acceptable to the database', { sqlstate: failed.sqlstate });
  }
  if (failed.kind === 'conflict') {
    return domainError(ErrorCode.CONFLICT_INVALID_STATE, 'The change conflicts with the current state', {
      sqlstate: failed.sqlstate,
      constraint: failed.constraint,
    });
  }
  return domainError(ErrorCode.INTERNAL, err.message);
}

function targetName(target: string): string {
  return target === 'json' ? 'body' : target === 'param' ? 'path parameters' : target;
}
