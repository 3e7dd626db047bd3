/**
 * Who is calling: bearer tokens are HS256 JWTs (`sub` = user id) signed with
 * the shared secret, or the bootstrap admin token. The role always comes
 * from the database, so a role change applies to tokens already issued.
 *
 * Invariants:
 *  1. A missing, malformed, forged (bad signature), expired or not-yet-valid
 *     token, or one for a user that does not exist, is UNAUTHENTICATED (401).
 *  2. The admin token is compared in constant time (SHA-256 digests of equal
 *     length through timingSafeEqual).
 *  3. Expiry is judged by the injected clock, so tests can move time.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { ErrorCode, domainError } from '@stint/shared';
import type { DomainError, Millis, UserRow } from '@stint/shared';
import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Sql } from '../db/sql.ts';
import { ADMIN_USER_ID, findUser } from '../users/users.ts';
import { loadAuthKeys } from './secrets.ts';
import type { AuthKeys } from './secrets.ts';

/** Field devices may stay offline for weeks; a token outlives that. */
export const TOKEN_TTL_S = 90 * 24 * 60 * 60;
const ISSUER = 'stint';
const AUDIENCE = 'stint';

export interface IssuedToken {
  readonly token: string;
  readonly expires_at: Millis;
}

export interface Auth {
  /** The user an Authorization header names; throws UNAUTHENTICATED. */
  authenticate(authorization: string | undefined): Promise<UserRow>;
  /** Signs a token for a user id (not checked here: routes check the user exists). */
  issueToken(userId: string, ttlSeconds?: number): Promise<IssuedToken>;
  /** The keys, loaded from the database on first use (or given). */
  keys(): Promise<AuthKeys>;
}

export interface AuthOptions {
  readonly sql: Sql;
  readonly config: Config;
  readonly clock: Clock;
  /** Already loaded keys (main.ts loads them at boot); default: loaded lazily. */
  readonly keys?: AuthKeys;
}

export function createAuth({ sql, config, clock, keys: given }: AuthOptions): Auth {
  let loading: Promise<AuthKeys> | undefined = given === undefined ? undefined : Promise.resolve(given);
  const keys = (): Promise<AuthKeys> =>
    (loading ??= loadAuthKeys(sql, config, clock).catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));

  return {
    keys,
    async issueToken(userId, ttlSeconds = TOKEN_TTL_S) {
      const { jwtSecret } = await keys();
      const issuedAt = Math.floor(clock() / 1000);
      const expiresAt = issuedAt + ttlSeconds;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(jwtSecret);
      return { token, expires_at: expiresAt * 1000 };
    },
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      const { jwtSecret, adminToken } = await keys();
      const userId = sameSecret(token, adminToken) ? ADMIN_USER_ID : await verifiedSubject(token, jwtSecret, clock);
      const user = await findUser(sql, userId);
      if (user === undefined) throw unauthenticated('The token names no user');
      return user;
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined) throw unauthenticated('Missing Authorization: Bearer token');
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] === undefined) throw unauthenticated('Authorization must be "Bearer <token>"');
  return match[1];
}

async function verifiedSubject(token: string, secret: Uint8Array, clock: Clock): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(clock()),
      requiredClaims: ['sub', 'exp'],
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('empty subject');
    return payload.sub;
  } catch (error) {
    const expired = error instanceof Error && 'code' in error && error.code === 'ERR_JWT_EXPIRED';
    throw unauthenticated(expired ? 'Token expired' : 'Invalid token');
  }
}

/** Constant-time equality (invariant 2). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function unauthenticated(message: string): DomainError {
  return domainError(ErrorCode.UNAUTHENTICATED, message);
}
