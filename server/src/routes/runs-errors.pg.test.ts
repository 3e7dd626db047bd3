/**
 * Seed 001 session routes: every refusal (400, 401, 403, 404, 409) answers
 * with the error body, never a 5xx, and changes no row; and who may call
 * each route (worker who owns the run, another worker, supervisor, admin,
 * nobody).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createConfirmedSop, dataOf, expectRefusedUnchanged, passAll, startSession } from '../runs/testing.ts';
import type { SessionJson } from '../runs/session-json.ts';
import type { SopJson } from '../runs/sop-json.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const sup = await t.signIn('supervisor', 'sup-1');
const sop: SopJson = await createConfirmedSop(t, sup.token);
const firstStep = sop.tasks[0]?.steps[0]?.id ?? '';

/** A new worker with a session in progress on the shared SOP. */
async function workerWithSession(): Promise<{ token: string; id: string; session: SessionJson }> {
  const worker = await t.signIn('worker');
  return { token: worker.token, id: worker.user.id, session: await startSession(t, worker.token, sop.id) };
}

describe('400 INVALID_INPUT: malformed requests change nothing', () => {
  test.each([
    ['no sop_id', {}],
    ['a numeric sop_id', { sop_id: 12 }],
    ['a sop_id with spaces', { sop_id: 'a b' }],
    ['an empty id', { sop_id: 'x', id: '' }],
    ['a 129-character id', { sop_id: 'x', id: 'x'.repeat(129) }],
    ['an array body', [{ sop_id: 'x' }]],
    ['a null body', null],
    ['malformed JSON', '{"sop_id": '],
  ])('POST /sessions with %s', async (_what, body) => {
    const worker = await t.signIn('worker');
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token: worker.token, body }), 400, 'INVALID_INPUT');
  });

  test('POST /sessions without a body or with a text body', async () => {
    const worker = await t.signIn('worker');
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token: worker.token }), 400, 'INVALID_INPUT');
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', '/api/v1/sessions', { token: worker.token, body: 'sop_id=x', headers: { 'content-type': 'text/plain' } }),
      400,
      'INVALID_INPUT',
    );
  });

  test.each([
    ['no step_id', { result: 'passed' }],
    ['no result', { step_id: 'STEP' }],
    ['an unknown result', { step_id: 'STEP', result: 'ok' }],
    ['a boolean result', { step_id: 'STEP', result: true }],
    ['numeric notes', { step_id: 'STEP', result: 'passed', notes: 5 }],
    ['4001 characters of notes', { step_id: 'STEP', result: 'passed', notes: 'n'.repeat(4001) }],
    ['a NUL in the notes', { step_id: 'STEP', result: 'passed', notes: 'a\u0000b' }],
    ['a blank override reason', { step_id: 'STEP', result: 'passed', override_reason: '  ' }],
    ['malformed JSON', '{"step_id": "STEP", '],
    ['a null body', null],
  ])('POST /sessions/:id/checks with %s', async (_what, body) => {
    const { token, session } = await workerWithSession();
    const sent = typeof body === 'string' ? body.replace('STEP', firstStep) : JSON.parse(JSON.stringify(body).replace('STEP', firstStep));
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token, body: sent }),
      400,
      'INVALID_INPUT',
    );
  });

  test.each(['complete', 'pause', 'resume'])('POST /sessions/:id/%s with a wrong-typed or malformed body', async (action) => {
    const { token, session } = await workerWithSession();
    for (const body of [{ override_reason: 5 }, { override_reason: '' }, '{"override_reason": ', [1]]) {
      await expectRefusedUnchanged(
        db.sql,
        () => t.request('POST', `/api/v1/sessions/${session.id}/${action}`, { token, body }),
        400,
        'INVALID_INPUT',
      );
    }
  });

  test('POST /sessions/:id/approve with a wrong-typed reason', async () => {
    const { token, session } = await workerWithSession();
    await passAll(t, token, session);
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/approve`, { token: sup.token, body: { reason: ['x'] } }),
      400,
      'INVALID_INPUT',
    );
  });

  test.each(['?status=done', '?status=', '?limit=0', '?limit=101', '?limit=abc', '?offset=-1', '?offset=0x10', '?worker_id=a%20b'])(
    'GET /sessions%s',
    async (query) => {
      const worker = await t.signIn('worker');
      const res = await t.request('GET', `/api/v1/sessions${query}`, { token: worker.token });
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    },
  );

  test('a 129-character session id in the path', async () => {
    const worker = await t.signIn('worker');
    const res = await t.request('GET', `/api/v1/sessions/${'x'.repeat(129)}`, { token: worker.token });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  test('a huge offset is an empty page, not an error', async () => {
    const { token } = await workerWithSession();
    expect(dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions?offset=9007199254740991', { token }))).toEqual([]);
  });
});

describe('optional bodies of the action routes', () => {
  test.each([
    ['no body at all', {}],
    ['an empty JSON body', { body: '', headers: { 'content-type': 'application/json' } }],
    ['{}', { body: {} }],
  ])('pause, resume and complete accept %s', async (_what, options) => {
    const { token, session } = await workerWithSession();
    for (const [action, status] of [
      ['pause', 'paused'],
      ['resume', 'in_progress'],
      ['complete', 'completed'],
    ] as const) {
      const res = await t.request('POST', `/api/v1/sessions/${session.id}/${action}`, { token, ...options });
      expect(dataOf<SessionJson>(res).status).toBe(status);
    }
    const approved = await t.request('POST', `/api/v1/sessions/${session.id}/approve`, { token: sup.token, ...options });
    expect(dataOf<SessionJson>(approved).locked).toBe(true);
  });
});

describe('404 NOT_FOUND: unknown sessions', () => {
  test.each([
    ['GET', '/api/v1/sessions/nope', undefined],
    ['POST', '/api/v1/sessions/nope/checks', { step_id: 'x', result: 'passed' }],
    ['POST', '/api/v1/sessions/nope/complete', undefined],
    ['POST', '/api/v1/sessions/nope/pause', undefined],
    ['POST', '/api/v1/sessions/nope/resume', undefined],
    ['POST', '/api/v1/sessions/nope/approve', undefined],
  ])('%s %s', async (method, path, body) => {
    const token = path.endsWith('approve') ? sup.token : (await t.signIn('worker')).token;
    await expectRefusedUnchanged(db.sql, () => t.request(method, path, { token, ...(body ? { body } : {}) }), 404, 'NOT_FOUND');
  });
});

describe('409 conflicts change nothing', () => {
  test('a second start while active, a start from a draft, a check on a paused session, approval of a running one', async () => {
    const { token, session } = await workerWithSession();
    const draft = dataOf<SopJson>(await t.request('POST', '/api/v1/sops', { token: sup.token, body: { title: 'Draft', tasks: [] } }), 201);
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token, body: { sop_id: sop.id } }), 409, 'ACTIVE_SESSION_EXISTS');
    const fresh = await t.signIn('worker');
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token: fresh.token, body: { sop_id: draft.id } }), 409, 'SOP_NOT_CONFIRMED');
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/approve`, { token: sup.token }),
      409,
      'CONFLICT_INVALID_STATE',
    );
    await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token });
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token, body: { step_id: firstStep, result: 'passed' } }),
      409,
      'CONFLICT_INVALID_STATE',
    );
  });
});

type Caller = 'none' | 'owner' | 'other worker' | 'supervisor' | 'admin';
const CALLERS: readonly Caller[] = ['none', 'owner', 'other worker', 'supervisor', 'admin'];

interface MatrixRoute {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** The session must be completed first (approve). */
  readonly completed?: boolean;
  readonly expected: Readonly<Record<Caller, number>>;
}

const MATRIX: readonly MatrixRoute[] = [
  { method: 'POST', path: '/api/v1/sessions', body: { sop_id: 'SOP' }, expected: { none: 401, owner: 409, 'other worker': 201, supervisor: 201, admin: 201 } },
  { method: 'GET', path: '/api/v1/sessions/current', expected: { none: 401, owner: 200, 'other worker': 200, supervisor: 200, admin: 200 } },
  { method: 'GET', path: '/api/v1/sessions', expected: { none: 401, owner: 200, 'other worker': 200, supervisor: 200, admin: 200 } },
  { method: 'GET', path: '/api/v1/sessions?worker_id=OWNER', expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 200, admin: 200 } },
  { method: 'GET', path: '/api/v1/sessions/ID', expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 200, admin: 200 } },
  {
    method: 'POST',
    path: '/api/v1/sessions/ID/checks',
    body: { step_id: 'STEP', result: 'passed' },
    expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 403, admin: 403 },
  },
  { method: 'POST', path: '/api/v1/sessions/ID/complete', expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 403, admin: 403 } },
  { method: 'POST', path: '/api/v1/sessions/ID/pause', expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 403, admin: 403 } },
  { method: 'POST', path: '/api/v1/sessions/ID/resume', expected: { none: 401, owner: 200, 'other worker': 403, supervisor: 403, admin: 403 } },
  {
    method: 'POST',
    path: '/api/v1/sessions/ID/approve',
    completed: true,
    expected: { none: 401, owner: 403, 'other worker': 403, supervisor: 200, admin: 200 },
  },
];

describe('who may call each session route', () => {
  test.each(MATRIX.flatMap((route) => CALLERS.map((caller) => [route.method, route.path, caller, route.expected[caller], route] as const)))(
    '%s %s as %s → %i',
    async (method, path, caller, status, route) => {
      const owner = await workerWithSession();
      if (route.completed === true) await passAll(t, owner.token, owner.session);
      const token = caller === 'none' ? undefined : caller === 'owner' ? owner.token : (await t.signIn(caller === 'other worker' ? 'worker' : caller)).token;
      const fill = (text: string) => text.replace('SOP', sop.id).replace('OWNER', owner.id).replace('ID', owner.session.id).replace('STEP', firstStep);
      const body = route.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(route.body)));
      const send = () => t.request(method, fill(path), { ...(token ? { token } : {}), ...(body ? { body } : {}) });
      if (status >= 400) {
        const code = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 409: 'ACTIVE_SESSION_EXISTS' }[status] ?? 'unexpected';
        await expectRefusedUnchanged(db.sql, send, status, code);
      } else {
        expect((await send()).status).toBe(status);
      }
    },
  );
});
