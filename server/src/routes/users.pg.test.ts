import { SignJWT } from 'jose';
import { afterAll, describe, expect, test } from 'vitest';
import { TOKEN_TTL_S, createAuth } from '../auth/auth.ts';
import { selectRows } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const admin = t.adminToken;

async function userCount(): Promise<number> {
  return (await selectRows(db.sql, 'users')).length;
}

describe('POST /api/v1/users', () => {
  test('an admin creates a user with a client-supplied id → 201 {data: user}', async () => {
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: { id: 'w-1', name: 'Wanda', role: 'worker' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { id: 'w-1', name: 'Wanda', role: 'worker', created_at: '2026-01-16T12:00:00.000Z' } });
  });

  test('without an id the server names the user', async () => {
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: { name: 'Sam', role: 'supervisor' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ data: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown, role: 'supervisor' } });
  });

  test('the same id again → 409 CONFLICT_EXISTS, and the first user is unchanged', async () => {
    await t.request('POST', '/api/v1/users', { token: admin, body: { id: 'dup', name: 'First', role: 'worker' } });
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: { id: 'dup', name: 'Second', role: 'admin' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CONFLICT_EXISTS', details: { id: 'dup' } } });
    expect((await selectRows(db.sql, 'users', { id: 'dup' }))[0]).toMatchObject({ name: 'First', role: 'worker' });
  });

  test.each([
    ['no name', { role: 'worker' }],
    ['an empty name', { name: '   ', role: 'worker' }],
    ['a number for the name', { name: 42, role: 'worker' }],
    ['an unknown role', { name: 'X', role: 'root' }],
    ['no role', { name: 'X' }],
    ['an id with spaces', { id: 'a b', name: 'X', role: 'worker' }],
    ['an empty id', { id: '', name: 'X', role: 'worker' }],
    ['a numeric id', { id: 7, name: 'X', role: 'worker' }],
    ['a NUL character in the name', { name: 'a\u0000b', role: 'worker' }],
    ['a 201-character name', { name: 'x'.repeat(201), role: 'worker' }],
    ['an array body', [{ name: 'X', role: 'worker' }]],
    ['a null body', null],
  ])('%s → 400 INVALID_INPUT and nothing is created', async (_what, body) => {
    const before = await userCount();
    const res = await t.request('POST', '/api/v1/users', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(await userCount()).toBe(before);
  });

  test('malformed JSON → 400 and nothing is created', async () => {
    const before = await userCount();
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: '{"name": "X", "role": ' });
    expect(res.status).toBe(400);
    expect(await userCount()).toBe(before);
  });

  test.each(['worker', 'supervisor'] as const)('a %s may not create users → 403 FORBIDDEN', async (role) => {
    const { token } = await t.signIn(role);
    const before = await userCount();
    const res = await t.request('POST', '/api/v1/users', { token, body: { name: 'X', role: 'admin' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await userCount()).toBe(before);
  });

  test('an admin created through the API may create users too', async () => {
    const { token } = await t.signIn('admin');
    const res = await t.request('POST', '/api/v1/users', { token, body: { name: 'By second admin', role: 'worker' } });
    expect(res.status).toBe(201);
  });

  test('no token → 401 before the body is even looked at', async () => {
    const res = await t.request('POST', '/api/v1/users', { body: { name: 42 } });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/v1/users/:id/tokens', () => {
  test('an admin gets a token for a user → 201 {data: {token}}, and the token signs that user in', async () => {
    await t.request('POST', '/api/v1/users', { token: admin, body: { id: 'tok-user', name: 'Toki', role: 'worker' } });
    const res = await t.request('POST', '/api/v1/users/tok-user/tokens', { token: admin });
    expect(res.status).toBe(201);
    const { token, expires_at } = (res.body as { data: { token: string; expires_at: string } }).data;
    expect(Date.parse(expires_at)).toBe(TEST_EPOCH + TOKEN_TTL_S * 1000);
    const me = await t.request('GET', '/api/v1/me', { token });
    expect(me.body).toMatchObject({ data: { id: 'tok-user', role: 'worker' } });
  });

  test('an unknown user → 404 NOT_FOUND', async () => {
    const res = await t.request('POST', '/api/v1/users/ghost/tokens', { token: admin });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND', details: { id: 'ghost' } } });
  });

  test('a malformed id → 400', async () => {
    const res = await t.request('POST', `/api/v1/users/${encodeURIComponent('a b')}/tokens`, { token: admin });
    expect(res.status).toBe(400);
  });

  test('a worker may not issue tokens, not even for themself → 403', async () => {
    const { user, token } = await t.signIn('worker');
    const res = await t.request('POST', `/api/v1/users/${user.id}/tokens`, { token });
    expect(res.status).toBe(403);
  });
});

describe('GET /api/v1/me', () => {
  test('answers the caller with ISO-8601 UTC timestamps', async () => {
    const { user, token } = await t.signIn('supervisor', 'sup-me');
    const res = await t.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { id: 'sup-me', name: user.name, role: 'supervisor', created_at: '2026-01-16T12:00:00.000Z' } });
  });

  test('the admin token signs in as the built-in admin', async () => {
    const res = await t.request('GET', '/api/v1/me', { token: admin });
    expect(res.body).toMatchObject({ data: { id: 'admin', role: 'admin' } });
  });

  test('the role comes from the database on every request, not from the token', async () => {
    const { user, token } = await t.signIn('worker');
    await db.sql`UPDATE users SET role = 'supervisor' WHERE id = ${user.id}`;
    const res = await t.request('GET', '/api/v1/me', { token });
    expect(res.body).toMatchObject({ data: { role: 'supervisor' } });
  });
});

describe('authentication failures → 401 UNAUTHENTICATED', () => {
  async function forged(claims: { sub: string; exp?: number; iat?: number; iss?: string; aud?: string }, secret: string): Promise<string> {
    const now = Math.floor(t.clock() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss ?? 'stint')
      .setAudience(claims.aud ?? 'stint')
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(new TextEncoder().encode(secret));
  }

  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['a garbage token', async () => ({ authorization: 'Bearer garbage' })],
    ['a token with a forged signature', async () => ({ authorization: `Bearer ${await forged({ sub: 'admin' }, 'x'.repeat(48))}` })],
    ['a Basic scheme', async () => ({ authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` })],
    ['an empty bearer', async () => ({ authorization: 'Bearer ' })],
    ['an admin token with one character changed', async () => ({ authorization: `Bearer ${admin.slice(0, -1)}X` })],
  ];

  test.each(cases)('%s', async (_what, headers) => {
    const res = await t.request('GET', '/api/v1/me', { headers: await headers() });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  test('an expired token (by the server clock)', async () => {
    const { token } = await t.signIn('worker');
    expect((await t.request('GET', '/api/v1/me', { token })).status).toBe(200);
    t.clock.advance((TOKEN_TTL_S + 1) * 1000);
    try {
      const res = await t.request('GET', '/api/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: 'Token expired' } });
    } finally {
      t.clock.set(TEST_EPOCH);
    }
  });

  test('a validly signed token for a user that does not exist', async () => {
    const { token } = await createAuth({ sql: db.sql, config: t.config, clock: t.clock }).issueToken('nobody');
    const res = await t.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(401);
  });
});

describe('signing secret', () => {
  test('generated once and stored in server_settings, so every server process shares it', async () => {
    const other = createAuth({ sql: db.sql, config: t.config, clock: t.clock });
    await t.request('POST', '/api/v1/users', { token: admin, body: { id: 'shared-secret', name: 'S', role: 'worker' } });
    const { token } = await other.issueToken('shared-secret');
    const res = await t.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(200);
    const settings = await db.sql<{ key: string }[]>`SELECT key FROM server_settings ORDER BY key`;
    expect(settings.map((s) => s.key)).toEqual(['jwt_secret']);
  });
});
