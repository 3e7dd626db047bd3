/**
 * Users and their tokens. Only an admin creates people and issues tokens;
 * a token is one device's key.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, domainError, toIso } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdParamSchema, IdSchema, NameInputSchema } from '../http/input.ts';
import { IsoTimeSchema } from '../http/wire-times.ts';
import { RoleSchema, UserJsonSchema, findUser, insertUser, userJson } from '../users/users.ts';

const CreateUserSchema = z
  .strictObject({ name: NameInputSchema, role: RoleSchema, id: IdSchema.optional() })
  .openapi('CreateUser');

const TokenSchema = z.object({ token: z.string(), expires_at: IsoTimeSchema }).openapi('Token');

const createUser = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Create a user (admin)',
  middleware: [requireRole('admin')] as const,
  request: { body: jsonBody(CreateUserSchema) },
  responses: {
    201: jsonResponse(dataOf(UserJsonSchema), 'The new user'),
    ...errorResponses(400, 401, 403, 409),
  },
});

const issueToken = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/tokens',
  tags: ['users'],
  summary: 'Issue a bearer token for a user (admin)',
  middleware: [requireRole('admin')] as const,
  request: { params: IdParamSchema },
  responses: {
    201: jsonResponse(dataOf(TokenSchema), 'A new token'),
    ...errorResponses(400, 401, 403, 404),
  },
});

const me = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['users'],
  summary: 'The signed-in user',
  middleware: [requireUser] as const,
  responses: {
    200: jsonResponse(dataOf(UserJsonSchema), 'The caller'),
    ...errorResponses(401),
  },
});

export function registerUserRoutes(app: Router, { sql, clock, auth }: AppDeps): void {
  app.openapi(createUser, async (c) => {
    const body = c.req.valid('json');
    const user = await insertUser(sql, {
      id: body.id ?? randomUUID(),
      name: body.name,
      role: body.role,
      created_at: clock(),
    });
    return c.json({ data: userJson(user) }, 201);
  });

  app.openapi(issueToken, async (c) => {
    const { id } = c.req.valid('param');
    const user = await findUser(sql, id);
    if (user === undefined) throw domainError(ErrorCode.NOT_FOUND, `No user ${id}`, { id });
    const issued = await auth.issueToken(user.id);
    return c.json({ data: { token: issued.token, expires_at: toIso(issued.expires_at) } }, 201);
  });

  app.openapi(me, (c) => c.json({ data: userJson(currentUser(c)) }, 200));
}
