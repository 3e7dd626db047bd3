/**
 * The endpoints zero-cache calls, in-process (no zero-cache needed): who may
 * call them and which auth context the synced queries get. The mutate
 * endpoint's work inside Zero's transaction needs zero-cache's own tables and
 * is covered end to end in test/zero/read-path.pg.test.ts.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
const t = createTestApp(db, { env: { ZERO_PORT: '45123' } });

const QUERY_PATH = '/api/zero/query?schema=stint_0&appID=stint';

function transformBody(...names: string[]) {
  return ['transform', names.map((name, i) => ({ id: `q${i}`, name, args: [] }))];
}

interface Transformed {
  readonly kind: string;
  readonly userID?: string;
  readonly queries: readonly { id: string; name: string; ast?: { table: string; where?: unknown }; error?: string }[];
}

describe('POST /api/zero/query', () => {
  test('without a bearer token it is 401 and builds nothing', async () => {
    const res = await t.request('POST', QUERY_PATH, { body: transformBody('tasks') });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  test('with a forged token it is 401', async () => {
    const res = await t.request('POST', QUERY_PATH, { token: 'not-a-jwt', body: transformBody('tasks') });
    expect(res.status).toBe(401);
  });

  test("a worker's queries are built for that worker", async () => {
    const { user, token } = await t.signIn('worker');
    const res = await t.request('POST', QUERY_PATH, { token, body: transformBody('tasks', 'workSessions') });
    expect(res.status).toBe(200);
    const body = res.body as Transformed;
    expect(body).toMatchObject({ kind: 'QueryResponse', userID: user.id });
    expect(body.queries.map((q) => [q.name, q.ast?.table])).toEqual([
      ['tasks', 'tasks'],
      ['workSessions', 'work_sessions'],
    ]);
    for (const q of body.queries) expect(JSON.stringify(q.ast?.where)).toContain(JSON.stringify(user.id));
  });

  test("a supervisor's table queries are unfiltered", async () => {
    const { token } = await t.signIn('supervisor');
    const res = await t.request('POST', QUERY_PATH, { token, body: transformBody('tasks', 'bookings') });
    expect(res.status).toBe(200);
    for (const q of (res.body as Transformed).queries) expect(q.ast?.where).toBeUndefined();
  });

  test('the role comes from the database, so a changed role applies to a token already issued', async () => {
    const { user, token } = await t.signIn('worker');
    await db.sql`UPDATE users SET role = 'supervisor' WHERE id = ${user.id}`;
    const res = await t.request('POST', QUERY_PATH, { token, body: transformBody('tasks') });
    expect((res.body as Transformed).queries[0]?.ast?.where).toBeUndefined();
  });

  test('arguments cannot widen what a worker sees: a table query with arguments fails alone', async () => {
    const { token } = await t.signIn('worker');
    const body = ['transform', [{ id: 'q0', name: 'tasks', args: [{ user_id: 'someone-else' }] }, { id: 'q1', name: 'bookings', args: [] }]];
    const res = await t.request('POST', QUERY_PATH, { token, body });
    const queries = (res.body as Transformed).queries;
    expect(queries[0]).toMatchObject({ id: 'q0', error: expect.any(String) });
    expect(queries[1]?.error).toBeUndefined();
  });

  test.each([
    ['a non-array body', { transform: [] }],
    ['no body at all', undefined],
  ])('%s is 400 INVALID_INPUT', async (_label, body) => {
    const { token } = await t.signIn('worker');
    const res = await t.request('POST', QUERY_PATH, { token, ...(body === undefined ? {} : { body }) });
    expect(res.status).toBe(400);
  });

  test("a body Zero cannot parse gets Zero's own TransformFailed answer", async () => {
    const { token } = await t.signIn('worker');
    const res = await t.request('POST', QUERY_PATH, { token, body: ['nonsense'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'TransformFailed' });
  });
});

describe('POST /api/zero/mutate', () => {
  const body = { clientGroupID: 'cg', mutations: [], pushVersion: 1, timestamp: 0, requestID: 'r' };

  test('without a bearer token it is 401 and runs nothing', async () => {
    const res = await t.request('POST', '/api/zero/mutate?schema=stint_0&appID=stint', { body });
    expect(res.status).toBe(401);
  });

  test('a body that is not a Zero push is 400', async () => {
    const { token } = await t.signIn('worker');
    const res = await t.request('POST', '/api/zero/mutate?schema=stint_0&appID=stint', { token, body: { mutations: 'all' } });
    expect(res.status).toBe(400);
  });

  test.each(['public', 'pg_catalog', 'x"; DROP TABLE tasks; --'])('an upstream schema %j that is not a Zero shard is 400', async (schema) => {
    const { token } = await t.signIn('worker');
    const res = await t.request('POST', `/api/zero/mutate?schema=${encodeURIComponent(schema)}&appID=stint`, { token, body });
    expect(res.status).toBe(400);
  });

  test('an empty push is answered with no results', async () => {
    const { user, token } = await t.signIn('worker');
    const res = await t.request('POST', '/api/zero/mutate?schema=stint_0&appID=stint', { token, body });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'MutateResponse', mutations: [], userID: user.id });
  });
});

describe('GET /api/zero/config', () => {
  test('tells clients whether zero-cache runs, on which port, and the stale cutoff (default 180 s), without signing in', async () => {
    const res = await t.request('GET', '/api/zero/config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { enabled: true, port: 45123, stale_cutoff_s: 180 } });
  });

  test('gives the stale cutoff the server sweeps with (STALE_CUTOFF_S), so the app beats against the same one', async () => {
    const custom = createTestApp(db, { env: { STALE_CUTOFF_S: '45' } });
    const res = await custom.request('GET', '/api/zero/config');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: { stale_cutoff_s: 45 } });
  });

  test('ZERO=off says so', async () => {
    const off = createTestApp(db, { env: { ZERO: 'off' } });
    const res = await off.request('GET', '/api/zero/config');
    expect(res.body).toMatchObject({ data: { enabled: false } });
  });
});
