/**
 * Users in Postgres and on the wire. A user id is never reused: creating an
 * existing id is CONFLICT_EXISTS.
 */
import { z } from '@hono/zod-openapi';
import { ErrorCode, ROLES, domainError, toIso } from '@stint/shared';
import type { Role, UserRow } from '@stint/shared';
import { COLUMNS } from '../db/columns.ts';
import { readRow, selectRow } from '../db/rows.ts';
import { toDate } from '../db/sql.ts';
import type { Queryable } from '../db/sql.ts';
import { IsoTimeSchema } from '../http/wire-times.ts';

/** The built-in admin that ADMIN_TOKEN authenticates as. */
export const ADMIN_USER_ID = 'admin';

export const RoleSchema = z.enum(ROLES as [Role, ...Role[]]);

export const UserJsonSchema = z
  .object({ id: z.string(), name: z.string(), role: RoleSchema, created_at: IsoTimeSchema })
  .openapi('User');
export type UserJson = z.infer<typeof UserJsonSchema>;

export function userJson(user: UserRow): UserJson {
  return { id: user.id, name: user.name, role: user.role, created_at: toIso(user.created_at) };
}

export async function findUser(db: Queryable, id: string): Promise<UserRow | undefined> {
  return selectRow(db, 'users', { id });
}

/** Inserts a new user; an existing id is CONFLICT_EXISTS. */
export async function insertUser(db: Queryable, user: UserRow): Promise<UserRow> {
  const rows = await db`
    INSERT INTO users (id, name, role, created_at)
    VALUES (${user.id}, ${user.name}, ${user.role}, ${toDate(user.created_at)})
    ON CONFLICT (id) DO NOTHING
    RETURNING ${db(Object.keys(COLUMNS.users))}`;
  const row = rows[0];
  if (row === undefined) {
    throw domainError(ErrorCode.CONFLICT_EXISTS, `User ${user.id} already exists`, { id: user.id });
  }
  return readRow('users', row);
}

/** Creates the built-in admin if missing and keeps its role admin. */
export async function ensureAdminUser(db: Queryable, now: number): Promise<void> {
  await db`
    INSERT INTO users (id, name, role, created_at)
    VALUES (${ADMIN_USER_ID}, 'Admin', 'admin', ${toDate(now)})
    ON CONFLICT (id) DO UPDATE SET role = 'admin' WHERE users.role <> 'admin'`;
}
