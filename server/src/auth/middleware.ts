/**
 * Route guards. `requireUser` authenticates (401 UNAUTHENTICATED);
 * `requireRole(...roles)` authenticates if needed and then checks the role
 * read from the database (403 FORBIDDEN). Handlers read the caller with
 * `currentUser(c)`.
 *
 *   createRoute({ …, middleware: [requireRole('supervisor', 'admin')] as const })
 */
import { ErrorCode, domainError } from '@stint/shared';
import type { Role, UserRow } from '@stint/shared';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env.ts';

export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  await authenticated(c);
  await next();
};

export function requireRole(...roles: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = await authenticated(c);
    if (!roles.includes(user.role)) {
      throw domainError(ErrorCode.FORBIDDEN, `Requires role ${roles.join(' or ')}`, { role: user.role });
    }
    await next();
  };
}

/** The authenticated caller; only valid behind requireUser / requireRole. */
export function currentUser(c: Context<AppEnv>): UserRow {
  const user = c.var.user;
  if (user === undefined) throw domainError(ErrorCode.UNAUTHENTICATED, 'Not signed in');
  return user;
}

async function authenticated(c: Context<AppEnv>): Promise<UserRow> {
  const existing = c.var.user;
  if (existing !== undefined) return existing;
  const user = await c.var.deps.auth.authenticate(c.req.header('authorization'));
  c.set('user', user);
  return user;
}
