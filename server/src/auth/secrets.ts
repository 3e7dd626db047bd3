/**
 * The two secrets auth needs, shared by every stateless server process
 * through Postgres (server_settings) unless the environment sets them:
 * the JWT signing secret and the bootstrap admin token.
 *
 * Invariants:
 *  1. Generated at most once per database: concurrent first starts race on
 *     INSERT … ON CONFLICT DO NOTHING and all read the winner's value.
 *  2. An environment value always wins and is never written to the database.
 *  3. The built-in admin user exists whenever the keys are loaded.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/sql.ts';
import { ensureAdminUser } from '../users/users.ts';

export interface AuthKeys {
  /** HS256 key bytes. */
  readonly jwtSecret: Uint8Array;
  /** The exact bearer that authenticates as the built-in admin. */
  readonly adminToken: string;
  /** True when this call generated the admin token (main.ts prints it once). */
  readonly adminTokenGenerated: boolean;
}

export const SETTING = { jwtSecret: 'jwt_secret', adminToken: 'admin_token' } as const;

export async function loadAuthKeys(db: Queryable, config: Config, clock: Clock): Promise<AuthKeys> {
  const jwt = config.JWT_SECRET ?? (await getOrCreateSetting(db, SETTING.jwtSecret, () => randomBytes(48).toString('base64url'))).value;
  const admin =
    config.ADMIN_TOKEN === undefined
      ? await getOrCreateSetting(db, SETTING.adminToken, () => `stint_admin_${randomBytes(24).toString('base64url')}`)
      : { value: config.ADMIN_TOKEN, created: false };
  await ensureAdminUser(db, clock());
  return { jwtSecret: new TextEncoder().encode(jwt), adminToken: admin.value, adminTokenGenerated: admin.created };
}

/** Reads a setting, creating it with `generate()` if absent (invariant 1). */
export async function getOrCreateSetting(
  db: Queryable,
  key: string,
  generate: () => string,
): Promise<{ value: string; created: boolean }> {
  const inserted = await db<{ value: string }[]>`
    INSERT INTO server_settings (key, value) VALUES (${key}, ${generate()})
    ON CONFLICT (key) DO NOTHING RETURNING value`;
  if (inserted[0] !== undefined) return { value: inserted[0].value, created: true };
  const existing = await db<{ value: string }[]>`SELECT value FROM server_settings WHERE key = ${key}`;
  if (existing[0] === undefined) throw new Error(`server setting ${key} vanished`);
  return { value: existing[0].value, created: false };
}
