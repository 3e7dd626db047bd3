import { ErrorCode, domainError } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { createRoute, jsonBody, jsonResponse, z } from './http/router.ts';
import { createTestDatabase } from './testing/create-test-database.ts';
import { createTestApp } from './testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);

// Extra routes mounted on the test app only, to reach each branch of the error handler.
const Echo = z.object({ n: z.number().int() });
t.app.openapi(
  createRoute({ method: 'post', path: '/test/echo', request: { body: jsonBody(Echo) }, responses: { 200: jsonResponse(Echo, 'echo') } }),
  (c) => c.json(c.req.valid('json'), 200),
);
t.app.get('/test/domain-error', () => {
  throw domainError(ErrorCode.CONFLICT_CLAIMED, 'Task t-1 is claimed by someone else', { claimed_by: 'u-2' });
});
t.app.get('/test/crash', () => {
  throw new Error('secret database password is hunter2');
});
t.app.get('/test/db-data-error', async (c) => {
  await db.sql`SELECT ${'not a number'}::int`;
  return c.text('unreachable');
});

describe('health', () => {
  test('GET /healthz answers 200 {"ok":true}', async () => {
    const res = await t.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});

describe('request plumbing', () => {
  test('every response carries a request id, and the access log names it with method, path, status and time', async () => {
    const res = await t.request('GET', '/healthz');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = t.logs.find((l) => l['request_id'] === id && l['msg'] === 'request');
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/healthz', status: 200 });
    expect(typeof line?.['ms']).toBe('number');
  });

  test('a request id sent by the client is kept', async () => {
    const res = await t.request('GET', '/healthz', { headers: { 'x-request-id': 'client-id-42' } });
    expect(res.headers.get('x-request-id')).toBe('client-id-42');
  });
});

describe('errors', () => {
  test('an unknown route is 404 NOT_FOUND in the error shape', async () => {
    const res = await t.request('GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nope', details: {} } });
  });

  test('a DomainError answers its HTTP status with code, message and details', async () => {
    const res = await t.request('GET', '/test/domain-error');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: { code: 'CONFLICT_CLAIMED', message: 'Task t-1 is claimed by someone else', details: { claimed_by: 'u-2' } },
    });
  });

  test('a schema failure is 400 INVALID_INPUT with the issues in details', async () => {
    const res = await t.request('POST', '/test/echo', { body: { n: 'seven' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'INVALID_INPUT', details: { target: 'json', issues: [{ path: 'n', code: 'invalid_type' }] } },
    });
  });

  test.each([
    ['malformed JSON', '{"n": 1', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['a wrong content type', 'n=1', 'application/x-www-form-urlencoded'],
    ['plain text', '{"n":1}', 'text/plain'],
  ])('%s is 400 INVALID_INPUT', async (_what, body, type) => {
    const res = await t.request('POST', '/test/echo', { body, headers: { 'content-type': type } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  test('a JSON body without a content type is 400', async () => {
    const res = await t.app.request('/test/echo', { method: 'POST', body: '{"n":1}' });
    expect(res.status).toBe(400);
  });

  test('a value the database cannot take is 400, not 500', async () => {
    const res = await t.request('GET', '/test/db-data-error');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT', details: { sqlstate: '22P02' } } });
  });

  test('anything else is 500 INTERNAL: the cause is logged with the request id and never sent', async () => {
    const res = await t.request('GET', '/test/crash');
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id');
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', details: { request_id: id } } });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const logged = t.logs.find((l) => l['request_id'] === id && l['level'] === 'error');
    expect(JSON.stringify(logged)).toContain('hunter2');
  });

  test('a body over the size limit is 400', async () => {
    const res = await t.request('POST', '/test/echo', { body: `{"n":1,"pad":"${'x'.repeat(6 * 1024 * 1024)}"}` });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});

describe('OpenAPI', () => {
  test('every native route is described with its schemas, ready to be served', () => {
    const doc = t.app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Stint', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toEqual(
      expect.arrayContaining(['/healthz', '/api/v1/users', '/api/v1/users/{id}/tokens', '/api/v1/me']),
    );
    expect(doc.components?.schemas).toHaveProperty('User');
    expect(doc.components?.schemas).toHaveProperty('Error');
  });
});
