import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Documented {
  readonly method: Method;
  readonly path: string;
  /** API.md gives the route a JSON body. */
  readonly body?: true;
  /** Query parameters API.md names. */
  readonly query?: readonly string[];
}

/** Every route of API.md (shared/API.md), in its order. Path parameter names do not matter. */
const API_MD_ROUTES: readonly Documented[] = [
  // Running the server
  { method: 'get', path: '/healthz' },
  // Users and tokens
  { method: 'post', path: '/api/v1/users', body: true },
  { method: 'post', path: '/api/v1/users/{id}/tokens' },
  { method: 'get', path: '/api/v1/me' },
  // Tasks (native)
  { method: 'post', path: '/api/v1/tasks', body: true },
  { method: 'get', path: '/api/v1/tasks/{id}' },
  { method: 'get', path: '/api/v1/tasks' },
  { method: 'patch', path: '/api/v1/tasks/{id}', body: true },
  { method: 'post', path: '/api/v1/tasks/{id}/claim' },
  { method: 'post', path: '/api/v1/tasks/{id}/release' },
  { method: 'post', path: '/api/v1/tasks/{id}/complete' },
  // Work sessions and reports
  { method: 'get', path: '/api/v1/work-sessions', query: ['task_id', 'user_id', 'from', 'to', 'limit', 'cursor'] },
  { method: 'post', path: '/api/v1/work-sessions/{id}/extend', body: true },
  // Sync push
  { method: 'post', path: '/api/v1/sync/push', body: true },
  // API.md "Seed 000 — status drives sessions"
  { method: 'put', path: '/tasks/{id}', body: true },
  // API.md "Seed 003 — my work sessions"
  { method: 'get', path: '/api/v1/me/work-sessions/active' },
  { method: 'post', path: '/api/v1/me/work-sessions/start', body: true },
  { method: 'post', path: '/api/v1/me/work-sessions/pause', body: true },
  { method: 'post', path: '/api/v1/me/work-sessions/heartbeat', body: true },
  // API.md "Seed 004 — checklist-derived status"
  { method: 'get', path: '/api/tasks/{id}' },
  { method: 'get', path: '/api/tasks/by-user/{userId}' },
  { method: 'patch', path: '/api/tasks/{id}', body: true },
  { method: 'post', path: '/api/checklist-items', body: true },
  { method: 'patch', path: '/api/checklist-items/{id}', body: true },
  { method: 'delete', path: '/api/checklist-items/{id}' },
  // API.md "Seed 001 — SOP runs"
  { method: 'post', path: '/api/v1/sops', body: true },
  { method: 'post', path: '/api/v1/sops/{id}/confirm' },
  { method: 'get', path: '/api/v1/sops/{id}' },
  { method: 'delete', path: '/api/v1/sops/{id}' },
  { method: 'post', path: '/api/v1/sessions', body: true },
  { method: 'get', path: '/api/v1/sessions/current' },
  { method: 'get', path: '/api/v1/sessions', query: ['status', 'limit', 'offset'] },
  { method: 'post', path: '/api/v1/sessions/{id}/checks', body: true },
  { method: 'post', path: '/api/v1/sessions/{id}/complete' },
  { method: 'post', path: '/api/v1/sessions/{id}/pause' },
  { method: 'post', path: '/api/v1/sessions/{id}/resume' },
  { method: 'post', path: '/api/v1/sessions/{id}/approve' },
  { method: 'get', path: '/api/v1/audit', query: ['entity_id'] },
  // API.md "Seed 002 — scheduled sessions"
  { method: 'post', path: '/api/v1/bookings', body: true },
  { method: 'get', path: '/api/v1/bookings/{id}' },
  { method: 'post', path: '/api/sessions/{sessionId}/start' },
  { method: 'post', path: '/api/sessions/{sessionId}/complete' },
  { method: 'get', path: '/api/admin/update-session-status' },
  { method: 'post', path: '/api/admin/update-session-status' },
  { method: 'get', path: '/api/cron/complete-sessions' },
  { method: 'post', path: '/api/cron/complete-sessions' },
];

/** Routes of ours beyond API.md, documented the same way. */
const OWN_ROUTES: readonly Documented[] = [
  { method: 'get', path: '/api/v1/bookings', query: ['status', 'limit', 'offset'] },
  { method: 'post', path: '/api/v1/bookings/{id}/cancel' },
  { method: 'get', path: '/metrics' },
];

interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, unknown>;
  readonly required?: readonly string[];
}
interface Operation {
  readonly parameters?: readonly { name: string; in: string; schema?: Schema }[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
  readonly responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Partial<Record<Method, Operation>>>;
  readonly components?: { schemas?: Record<string, Schema> };
}

const doc = await (async () => {
  const res = await t.request('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  return res.body as Document;
})();

/** `/a/{id}/b` and `/a/{taskId}/b` are the same route. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

function operation(route: Documented): Operation | undefined {
  const entry = Object.entries(doc.paths).find(([path]) => shape(path) === shape(route.path));
  return entry?.[1][route.method];
}

const label = (route: Documented) => `${route.method.toUpperCase()} ${route.path}`;

/** A schema is present: inline or a $ref to a component that exists. */
function isSchema(schema: Schema | undefined): boolean {
  if (schema === undefined) return false;
  if (schema.$ref !== undefined) return doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] !== undefined;
  return Object.keys(schema).length > 0;
}

describe('GET /api/openapi.json', () => {
  test('is an OpenAPI 3.1 document generated from the routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  test('covers every route of API.md (and lists any that are missing)', () => {
    const missing = [...API_MD_ROUTES, ...OWN_ROUTES].filter((route) => operation(route) === undefined).map(label);
    expect(missing).toEqual([]);
  });

  test.each([...API_MD_ROUTES, ...OWN_ROUTES].map((route) => [label(route), route] as const))(
    '%s declares its request and response schemas',
    (_label, route) => {
      const op = operation(route);
      expect(op, `${label(route)} is not in the document`).toBeDefined();
      if (op === undefined) return;
      // Every path parameter is declared with a schema.
      const pathParams = (route.path.match(/\{[^}]+\}/g) ?? []).length;
      expect((op.parameters ?? []).filter((p) => p.in === 'path' && isSchema(p.schema))).toHaveLength(pathParams);
      for (const name of route.query ?? []) {
        expect(op.parameters ?? [], `query parameter ${name}`).toContainEqual(expect.objectContaining({ name, in: 'query' }));
      }
      if (route.body === true) expect(isSchema(op.requestBody?.content?.['application/json']?.schema)).toBe(true);
      // A success response, with a schema unless it is 204 No Content.
      const responses = Object.entries(op.responses ?? {});
      const success = responses.filter(([status]) => status.startsWith('2'));
      expect(success.length).toBeGreaterThan(0);
      for (const [status, response] of responses) {
        if (status === '204') continue;
        const content = Object.values(response.content ?? {});
        expect(content.length, `${label(route)} ${status} has content`).toBeGreaterThan(0);
        for (const media of content) expect(isSchema(media.schema), `${label(route)} ${status} has a schema`).toBe(true);
      }
    },
  );

  test('the booking schema is the API.md booking, exactly', () => {
    const booking = doc.components?.schemas?.['Booking'];
    expect(Object.keys(booking?.properties ?? {}).sort()).toEqual(
      ['id', 'mentor_id', 'student_id', 'start_time', 'end_time', 'status', 'isDelayed', 'started_at', 'completed_at'].sort(),
    );
    expect([...(booking?.required ?? [])].sort()).toEqual(Object.keys(booking?.properties ?? {}).sort());
  });

  test('the create-booking body is the schema the route validates with', async () => {
    const body = doc.components?.schemas?.['CreateBooking'];
    expect([...(body?.required ?? [])].sort()).toEqual(['end_time', 'mentor_id', 'start_time', 'student_id']);
    // The same schema refuses what the document says is required.
    const { token } = await t.signIn('supervisor');
    const res = await t.request('POST', '/api/v1/bookings', { token, body: { mentor_id: 'm' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
