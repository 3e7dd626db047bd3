/**
 * Every operation of the OpenAPI document × every kind of caller — no
 * token, garbage, forged (right shape, wrong signature; `alg: none`; a
 * tampered subject), expired (a real token after the manual clock passes its
 * expiry), a worker, another worker, a supervisor, an admin — against the
 * access table written from API.md (access-table.ts).
 *
 * Invariants:
 * 1. The table and the document list the same operations.
 * 2. Bad credentials are 401 UNAUTHENTICATED on every non-public route
 *    (cron: 401 for anything but its secret, 503 when no secret is set) and
 *    change nothing; public routes answer them as if no token was sent.
 * 3. A caller the table allows gets the row's success status (so never a
 *    401 or 403); a caller it denies gets 403 FORBIDDEN and changes nothing.
 * 4. Every refusal carries the error body.
 */
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { TOKEN_TTL_S } from '../../server/src/auth/auth.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import { TEST_ADMIN_TOKEN, createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { ADMIN_USER_ID } from '../../server/src/users/users.ts';
import { ACCESS_TABLE, COLUMNS, allowedColumns } from './access-table.ts';
import type { AccessRow, Call } from './access-table.ts';
import { OPENAPI_PATH, bearer, expectErrorBody, loadOperations, send } from './fuzz-http.ts';
import type { RawResponse } from './fuzz-http.ts';
import { createCells, createMakers } from './matrix-makers.ts';
import { expectNothingChanged, probeState } from './state-probe.ts';

const CRON_SECRET = 'matrix-cron-secret-0123456789abcdef';

const db = await createTestDatabase();
afterAll(() => db.drop());
const t = createTestApp(db, { env: { CRON_SECRET } });
/** The same database with CRON_SECRET unset: the cron routes fail closed. */
const unconfigured = createTestApp(db);
const operations = await loadOperations(t);
const setup = await t.signIn('supervisor', 'matrix-setup');
const make = createMakers(t, setup, db.sql);
const { cellFor, prepare } = createCells(t, make);

/** A token that expires: issued now, used after the manual clock passes its lifetime. */
const expiring = await t.signIn('admin', 'matrix-expiring');

interface BadCredential {
  readonly name: string;
  /** The Authorization header, or undefined for none. */
  readonly header: () => string | undefined;
  /** Runs the request in the world this credential needs (the expired one moves the clock). */
  readonly around?: <T>(send: () => Promise<T>) => Promise<T>;
}

const BAD_CREDENTIALS: readonly BadCredential[] = [
  { name: 'no token', header: () => undefined },
  { name: 'garbage token', header: () => 'Bearer garbage' },
  { name: 'garbage: 10 kB token', header: () => bearer('x'.repeat(10_240)) },
  { name: 'garbage: Basic scheme', header: () => 'Basic dXNlcjpwYXNz' },
  { name: 'garbage: scheme only', header: () => 'Bearer' },
  { name: 'garbage: near-miss admin token', header: () => bearer(`${TEST_ADMIN_TOKEN}x`) },
  { name: 'forged: signed with another key', header: () => bearer(resign(expiring.token, 'not-the-server-secret')) },
  { name: 'forged: alg none', header: () => bearer(algNone(expiring.token)) },
  { name: 'forged: subject changed to the built-in admin', header: () => bearer(withSubject(expiring.token, ADMIN_USER_ID)) },
  {
    name: 'expired token',
    header: () => bearer(expiring.token),
    around: async (run) => {
      const now = t.clock();
      t.clock.set(now + (TOKEN_TTL_S + 60) * 1000);
      try {
        return await run();
      } finally {
        t.clock.set(now);
      }
    },
  },
];

describe('auth matrix', () => {
  test('the access table names every operation of the document, and nothing else', () => {
    const documented = new Set([...operations.map((op) => op.key), `GET ${OPENAPI_PATH}`]);
    const listed = new Set(ACCESS_TABLE.map((row) => row.key));
    expect([...documented].filter((key) => !listed.has(key)), 'operations missing from access-table.ts').toEqual([]);
    expect([...listed].filter((key) => !documented.has(key)), 'rows naming no operation').toEqual([]);
  });

  test('a real token works before it expires and is refused after (the expired column is meaningful)', async () => {
    expect((await send(t, 'GET', '/api/v1/me', { authorization: bearer(expiring.token) })).status).toBe(200);
    const expired = BAD_CREDENTIALS.find((c) => c.name === 'expired token');
    const res = await (expired?.around ?? ((run) => run()))(() => send(t, 'GET', '/api/v1/me', { authorization: bearer(expiring.token) }));
    expect(res.status).toBe(401);
  });

  describe.each(ACCESS_TABLE.filter((row) => row.access.kind !== 'cron').map((row) => [label(row), row] as const))('%s', (_label, row) => {
    const method = row.key.split(' ')[0] ?? 'GET';

    test.each(BAD_CREDENTIALS.map((c) => [c.name, c] as const))('%s', async (name, credential) => {
      const call = await prepare(row, 'worker');
      const before = await probeState(db.sql);
      const header = credential.header();
      const res = await (credential.around ?? ((run) => run()))(() => sendCall(t, method, call, header));
      const what = `${row.key} with ${name}`;
      if (row.access.kind === 'public') {
        expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBe(row.success);
      } else {
        expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBe(401);
        expectErrorBody(res, what);
        expect((res.json as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      }
      expectNothingChanged(before, await probeState(db.sql), what);
    });

    const verdicts = COLUMNS.map((column) => [column, allowedColumns(row.access).includes(column) ? `is allowed (${row.success})` : 'is 403 FORBIDDEN'] as const);
    test.each(verdicts)('as %s: %s', async (column) => {
      const cell = await cellFor(column);
      const call = await prepare(row, column, cell);
      const allowed = allowedColumns(row.access).includes(column);
      const before = await probeState(db.sql);
      const res = await sendCall(t, method, call, bearer(cell.actor.token));
      const what = `${row.key}${row.variant === undefined ? '' : ` (${row.variant})`} as ${column}: ${call.path}`;
      if (allowed) {
        expect(res.status, `${what} is allowed by API.md: ${res.text.slice(0, 300)}`).toBe(row.success);
      } else {
        expect(res.status, `${what} is not allowed by API.md: ${res.text.slice(0, 300)}`).toBe(403);
        expectErrorBody(res, what);
        expect((res.json as { error: { code: string } }).error.code).toBe('FORBIDDEN');
        expectNothingChanged(before, await probeState(db.sql), what);
      }
    });
  });

  describe.each(ACCESS_TABLE.filter((row) => row.access.kind === 'cron').map((row) => [row.key, row] as const))('%s (cron secret)', (key, row) => {
    const method = key.split(' ')[0] ?? 'GET';
    const path = key.split(' ')[1] ?? '';

    test('its secret runs the sweep', async () => {
      expect((await send(t, method, path, { authorization: bearer(CRON_SECRET) })).status).toBe(row.success);
    });

    test('every other caller is 401, user tokens included, and nothing changes', async () => {
      const people = await Promise.all(COLUMNS.map(async (column) => (await cellFor(column)).actor));
      const headers = [...BAD_CREDENTIALS.map((c) => c.header()), ...people.map((p) => bearer(p.token)), bearer(`${CRON_SECRET}x`), `Basic ${CRON_SECRET}`];
      for (const header of headers) {
        const before = await probeState(db.sql);
        const res = await send(t, method, path, header === undefined ? {} : { authorization: header });
        const what = `${key} with ${header?.slice(0, 40) ?? 'no header'}`;
        expect(res.status, what).toBe(401);
        expectErrorBody(res, what);
        expectNothingChanged(before, await probeState(db.sql), what);
      }
    });

    test('with CRON_SECRET unset it answers 503 to everyone, its would-be secret included', async () => {
      for (const header of [undefined, bearer(CRON_SECRET), bearer(setup.token), bearer(TEST_ADMIN_TOKEN)]) {
        const res = await send(unconfigured, method, path, header === undefined ? {} : { authorization: header });
        expect(res.status).toBe(503);
        expectErrorBody(res, `${key} unconfigured`);
      }
    });
  });
});

function label(row: AccessRow): string {
  return `${row.key}${row.variant === undefined ? '' : ` (${row.variant})`} — ${row.access.kind === 'roles' ? row.access.roles.join('/') : row.access.kind}`;
}

function sendCall(app: TestApp, method: string, call: Call, authorization: string | undefined): Promise<RawResponse> {
  return send(app, method, call.path, {
    ...(authorization === undefined ? {} : { authorization }),
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  });
}

/** The same header and payload signed with another key: valid shape, wrong signature. */
function resign(token: string, key: string): string {
  const [header, payload] = token.split('.');
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function algNone(token: string): string {
  const payload = token.split('.')[1] ?? '';
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

/** The payload rewritten to name another user, the original signature kept. */
function withSubject(token: string, subject: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: subject })).toString('base64url')}.${signature}`;
}
