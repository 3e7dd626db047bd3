/**
 * ZERO_QUERY_URL: zero-cache asks which rows each synced query selects for
 * the connected user; the answer is ZQL built from shared/src/zero/queries.ts
 * with the caller's auth context.
 *
 * Invariants:
 *  1. The context comes only from the bearer token zero-cache forwards (our
 *     JWT, checked by deps.auth.authenticate) and the user's role in the
 *     database; a missing or bad token is 401 before any query is built, and
 *     Zero moves that client to "needs auth".
 *  2. An unknown name or invalid arguments fail that query alone (Zero's
 *     per-query error), never the others in the request.
 */
import { isQuery, mustGetQuery } from '@rocicorp/zero';
import type { ReadonlyJSONValue } from '@rocicorp/zero';
import { handleQueryRequest } from '@rocicorp/zero/server';
import type { QueryResponse } from '@rocicorp/zero/server';
import type { UserRow } from '@stint/shared';
import { zeroQueries, zeroSchema } from '@stint/shared/zero';
import type { ZeroContext } from '@stint/shared/zero';

/** `user` is the authenticated caller (requireUser checked the forwarded bearer token). */
export function answerZeroQuery(
  user: Pick<UserRow, 'id' | 'role'>,
  query: Readonly<Record<string, string>>,
  body: ReadonlyJSONValue,
): Promise<QueryResponse> {
  const ctx: ZeroContext = { user_id: user.id, role: user.role };
  return handleQueryRequest({
    handler: (name, args) => {
      const found = mustGetQuery(zeroQueries, name);
      // A registry path that names a namespace or '~' is not a query (invariant 2).
      if (!isQuery(found)) throw new Error(`Query not found: ${name}`);
      return found.fn({ args, ctx });
    },
    schema: zeroSchema,
    query: { ...query },
    body,
    userID: user.id,
    logLevel: 'error',
  });
}
