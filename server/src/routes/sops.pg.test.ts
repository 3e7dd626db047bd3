import { MINUTE, toIso } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { selectRows } from '../db/rows.ts';
import { ISOLATION_TASKS, createConfirmedSop, createSop, dataOf, expectRefusedUnchanged, startSession } from '../runs/testing.ts';
import type { SopJson } from '../runs/sop-json.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const sup = await t.signIn('supervisor', 'sup-1');
const worker = await t.signIn('worker', 'worker-1');

async function getSop(id: string, query = ''): Promise<SopJson> {
  return dataOf<SopJson>(await t.request('GET', `/api/v1/sops/${id}${query}`, { token: worker.token }));
}

describe('POST /api/v1/sops', () => {
  test('a supervisor creates a draft SOP, version 1, with tasks and steps (requires_check defaults to true)', async () => {
    const res = await t.request('POST', '/api/v1/sops', {
      token: sup.token,
      body: { title: '  Pump isolation ', tasks: [{ title: 'Isolate', steps: [{ title: 'Lock out' }, { title: 'Note it', requires_check: false }] }] },
    });
    expect(res.status).toBe(201);
    const sop = dataOf<SopJson>(res, 201);
    expect(sop).toMatchObject({
      title: 'Pump isolation',
      version: 1,
      status: 'draft',
      latest_version: 1,
      confirmed_version: null,
      created_by: sup.user.id,
      created_at: toIso(TEST_EPOCH),
      updated_at: toIso(TEST_EPOCH),
      confirmed_at: null,
      tasks: [{ title: 'Isolate', steps: [{ title: 'Lock out', requires_check: true }, { title: 'Note it', requires_check: false }] }],
    });
    const ids = [sop.id, sop.tasks[0]?.id, ...(sop.tasks[0]?.steps.map((s) => s.id) ?? [])];
    expect(new Set(ids).size).toBe(4);
    expect(await selectRows(db.sql, 'sop_versions', { sop_id: sop.id })).toHaveLength(1);
  });

  test('client-supplied SOP, task and step ids are kept', async () => {
    const sop = await createSop(t, sup.token, {
      id: 'sop-client',
      tasks: [{ id: 'task-a', title: 'A', steps: [{ id: 'step-a1', title: 'A1' }] }],
    });
    expect(sop).toMatchObject({ id: 'sop-client', tasks: [{ id: 'task-a', steps: [{ id: 'step-a1' }] }] });
  });

  test('an admin may create SOPs too', async () => {
    expect((await createSop(t, t.adminToken)).created_by).toBe('admin');
  });

  test('the same id again → 409 CONFLICT_EXISTS and the first SOP is unchanged', async () => {
    await createSop(t, sup.token, { id: 'sop-dup', title: 'First' });
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', '/api/v1/sops', { token: sup.token, body: { id: 'sop-dup', title: 'Second', tasks: [] } }),
      409,
      'CONFLICT_EXISTS',
    );
    expect((await getSop('sop-dup')).title).toBe('First');
  });

  test('a duplicated step id within one SOP → 400 INVALID_INPUT, nothing created', async () => {
    const body = { title: 'Dup steps', tasks: [{ title: 'T', steps: [{ id: 's', title: 'one' }, { id: 's', title: 'two' }] }] };
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sops', { token: sup.token, body }), 400, 'INVALID_INPUT');
  });

  test.each([
    ['no title', { tasks: [] }],
    ['a blank title', { title: '   ', tasks: [] }],
    ['a numeric title', { title: 7, tasks: [] }],
    ['no tasks', { title: 'X' }],
    ['tasks as an object', { title: 'X', tasks: {} }],
    ['a task without steps', { title: 'X', tasks: [{ title: 'T' }] }],
    ['a step without a title', { title: 'X', tasks: [{ title: 'T', steps: [{}] }] }],
    ['requires_check as a string', { title: 'X', tasks: [{ title: 'T', steps: [{ title: 'S', requires_check: 'yes' }] }] }],
    ['a 501-character title', { title: 'x'.repeat(501), tasks: [] }],
    ['a NUL in a step title', { title: 'X', tasks: [{ title: 'T', steps: [{ title: 'a\u0000b' }] }] }],
    ['101 tasks', { title: 'X', tasks: Array.from({ length: 101 }, () => ({ title: 'T', steps: [] })) }],
    ['an id with spaces', { id: 'a b', title: 'X', tasks: [] }],
    ['a 129-character id', { id: 'x'.repeat(129), title: 'X', tasks: [] }],
    ['a numeric step id', { title: 'X', tasks: [{ title: 'T', steps: [{ id: 3, title: 'S' }] }] }],
    ['an array body', [{ title: 'X', tasks: [] }]],
    ['a null body', null],
    ['malformed JSON', '{"title": "X", "tasks": ['],
  ])('%s → 400 INVALID_INPUT, nothing created', async (_what, body) => {
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sops', { token: sup.token, body }), 400, 'INVALID_INPUT');
  });
});

describe('POST /api/v1/sops/:id/confirm', () => {
  test('confirming a draft makes it the confirmed version runs start from', async () => {
    const sop = await createSop(t, sup.token);
    t.clock.advance(MINUTE);
    const res = await t.request('POST', `/api/v1/sops/${sop.id}/confirm`, { token: sup.token });
    expect(res.status).toBe(200);
    expect(dataOf<SopJson>(res)).toMatchObject({
      id: sop.id,
      version: 1,
      status: 'confirmed',
      confirmed_version: 1,
      confirmed_at: toIso(t.clock()),
      updated_at: toIso(t.clock()),
      tasks: sop.tasks,
    });
  });

  test('confirming a confirmed SOP changes nothing', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    t.clock.advance(MINUTE);
    const again = dataOf<SopJson>(await t.request('POST', `/api/v1/sops/${sop.id}/confirm`, { token: sup.token }));
    expect(again).toEqual(sop);
  });

  test('an SOP without steps cannot be confirmed → 400 INVALID_INPUT, it stays a draft', async () => {
    const sop = await createSop(t, sup.token, { tasks: [{ title: 'Empty', steps: [] }] });
    await expectRefusedUnchanged(db.sql, () => t.request('POST', `/api/v1/sops/${sop.id}/confirm`, { token: sup.token }), 400, 'INVALID_INPUT');
    expect((await getSop(sop.id)).status).toBe('draft');
  });

  test('an unknown SOP → 404 NOT_FOUND', async () => {
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sops/nope/confirm', { token: sup.token }), 404, 'NOT_FOUND');
  });
});

describe('PATCH /api/v1/sops/:id', () => {
  test('editing a draft changes it in place (same version) and keeps step ids that are sent', async () => {
    const sop = await createSop(t, sup.token);
    const task = sop.tasks[0];
    const res = await t.request('PATCH', `/api/v1/sops/${sop.id}`, {
      token: sup.token,
      body: { tasks: [{ id: task?.id, title: 'Isolate (revised)', steps: [{ id: task?.steps[0]?.id, title: 'Lock out, twice' }] }] },
    });
    const edited = dataOf<SopJson>(res);
    expect(edited).toMatchObject({
      version: 1,
      status: 'draft',
      title: 'Pump isolation',
      tasks: [{ id: task?.id, title: 'Isolate (revised)', steps: [{ id: task?.steps[0]?.id, title: 'Lock out, twice' }] }],
    });
    expect(await selectRows(db.sql, 'sop_versions', { sop_id: sop.id })).toHaveLength(1);
  });

  test('editing a confirmed SOP publishes a new draft version; the confirmed one stays readable and unchanged', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const edited = dataOf<SopJson>(await t.request('PATCH', `/api/v1/sops/${sop.id}`, { token: sup.token, body: { title: 'Pump isolation v2' } }));
    expect(edited).toMatchObject({ version: 2, status: 'draft', latest_version: 2, confirmed_version: 1, title: 'Pump isolation v2', tasks: sop.tasks });
    expect(await getSop(sop.id)).toMatchObject({ version: 2, status: 'draft' });
    expect(await getSop(sop.id, '?version=1')).toMatchObject({ version: 1, status: 'confirmed', title: 'Pump isolation', latest_version: 2 });
  });

  test('an empty edit → 400 INVALID_INPUT and no new version', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    await expectRefusedUnchanged(db.sql, () => t.request('PATCH', `/api/v1/sops/${sop.id}`, { token: sup.token, body: {} }), 400, 'INVALID_INPUT');
  });

  test.each([
    ['a blank title', { title: ' ' }],
    ['tasks as a string', { tasks: 'none' }],
    ['a step with a numeric title', { tasks: [{ title: 'T', steps: [{ title: 1 }] }] }],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const sop = await createSop(t, sup.token);
    await expectRefusedUnchanged(db.sql, () => t.request('PATCH', `/api/v1/sops/${sop.id}`, { token: sup.token, body }), 400, 'INVALID_INPUT');
  });

  test('an unknown or deleted SOP → 404 NOT_FOUND', async () => {
    const sop = await createSop(t, sup.token);
    await t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token });
    for (const id of ['nope', sop.id]) {
      await expectRefusedUnchanged(db.sql, () => t.request('PATCH', `/api/v1/sops/${id}`, { token: sup.token, body: { title: 'X' } }), 404, 'NOT_FOUND');
    }
  });
});

describe('GET /api/v1/sops/:id', () => {
  test('a worker reads an SOP: its latest version by default, an older one by number', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    expect(await getSop(sop.id)).toEqual(sop);
  });

  test.each([
    ['an unknown SOP', 'nope', '', 404, 'NOT_FOUND'],
    ['a version that does not exist', 'known', '?version=9', 404, 'NOT_FOUND'],
    ['a version that is not a number', 'known', '?version=abc', 400, 'INVALID_INPUT'],
    ['version 0', 'known', '?version=0', 400, 'INVALID_INPUT'],
    ['an id with a space', 'a%20b', '', 400, 'INVALID_INPUT'],
  ])('%s → %i %s', async (_what, id, query, status, code) => {
    const sopId = id === 'known' ? (await createSop(t, sup.token)).id : id;
    const res = await t.request('GET', `/api/v1/sops/${sopId}${query}`, { token: worker.token });
    expect(res).toMatchObject({ status, body: { error: { code } } });
  });
});

describe('GET /api/v1/sops', () => {
  test('lists live SOPs by title with paging; confirmed=true lists only startable ones; deleted ones are gone', async () => {
    // A database of its own, so other tests' SOPs do not take places in the order.
    const own = await createTestDatabase();
    try {
      await listedInOrder(own);
    } finally {
      await own.drop();
    }
  });

  async function listedInOrder(own: Awaited<ReturnType<typeof createTestDatabase>>): Promise<void> {
    const fresh = createTestApp(own);
    const boss = await fresh.signIn('supervisor');
    const charlie = await createSop(fresh, boss.token, { title: 'Charlie' });
    const alpha = await createConfirmedSop(fresh, boss.token, { title: 'Alpha' });
    const bravo = await createConfirmedSop(fresh, boss.token, { title: 'Bravo' });
    const delta = await createConfirmedSop(fresh, boss.token, { title: 'Delta' });
    await fresh.request('DELETE', `/api/v1/sops/${delta.id}`, { token: boss.token });
    const list = async (query: string) =>
      dataOf<SopJson[]>(await fresh.request('GET', `/api/v1/sops${query}`, { token: boss.token })).map((s) => s.title);
    expect(await list('')).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(await list('?confirmed=true')).toEqual(['Alpha', 'Bravo']);
    expect(await list('?limit=1&offset=1')).toEqual(['Bravo']);
    const all = dataOf<SopJson[]>(await fresh.request('GET', '/api/v1/sops', { token: boss.token }));
    expect(all).toEqual([alpha, bravo, charlie]);
  }

  test.each(['?limit=0', '?limit=101', '?limit=abc', '?offset=-1', '?offset=1.5', '?limit=1e1', '?confirmed=yes'])(
    '%s → 400 INVALID_INPUT',
    async (query) => {
      const res = await t.request('GET', `/api/v1/sops${query}`, { token: worker.token });
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    },
  );
});

describe('DELETE /api/v1/sops/:id', () => {
  test('an SOP without active sessions is deleted (204), no longer found or listed; deleting again is a no-op', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const res = await t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await t.request('GET', `/api/v1/sops/${sop.id}`, { token: worker.token })).status).toBe(404);
    const listed = dataOf<SopJson[]>(await t.request('GET', '/api/v1/sops?limit=100', { token: worker.token }));
    expect(listed.map((s) => s.id)).not.toContain(sop.id);
    expect((await t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token })).status).toBe(204);
    const [row] = await selectRows(db.sql, 'sops', { id: sop.id });
    expect(row?.deleted_at).not.toBeNull();
  });

  test('an SOP with an active session → 400 SOP_HAS_ACTIVE_SESSIONS listing it', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const session = await startSession(t, (await t.signIn('worker')).token, sop.id);
    const res = await expectRefusedUnchanged(db.sql, () => t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token }), 400, 'SOP_HAS_ACTIVE_SESSIONS');
    expect(res.body).toMatchObject({ error: { details: { active_session_ids: [session.id] } } });
  });

  test('an unknown SOP → 404 NOT_FOUND', async () => {
    await expectRefusedUnchanged(db.sql, () => t.request('DELETE', '/api/v1/sops/nope', { token: sup.token }), 404, 'NOT_FOUND');
  });
});

describe('SOP routes: who may call them', () => {
  const routes = [
    ['POST', '/api/v1/sops', 'write'],
    ['GET', '/api/v1/sops', 'read'],
    ['GET', '/api/v1/sops/{id}', 'read'],
    ['PATCH', '/api/v1/sops/{id}', 'write'],
    ['POST', '/api/v1/sops/{id}/confirm', 'write'],
    ['DELETE', '/api/v1/sops/{id}', 'write'],
  ] as const;

  function bodyFor(method: string, path: string): unknown {
    if (method === 'POST' && path === '/api/v1/sops') return { title: 'Auth matrix', tasks: ISOLATION_TASKS };
    if (method === 'PATCH') return { title: 'Renamed' };
    return undefined;
  }

  test.each(routes)('%s %s without a token → 401 UNAUTHENTICATED, nothing changed', async (method, path) => {
    const sop = await createSop(t, sup.token);
    await expectRefusedUnchanged(
      db.sql,
      () => t.request(method, path.replace('{id}', sop.id), { body: bodyFor(method, path) }),
      401,
      'UNAUTHENTICATED',
    );
  });

  test.each(routes)('%s %s with a bad token → 401 UNAUTHENTICATED', async (method, path) => {
    const sop = await createSop(t, sup.token);
    const res = await t.request(method, path.replace('{id}', sop.id), { token: 'not-a-token', body: bodyFor(method, path) });
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });

  test.each(routes)('%s %s as a worker: reads 200, writes 403 FORBIDDEN with nothing changed', async (method, path, access) => {
    const sop = await createSop(t, sup.token);
    const send = () => t.request(method, path.replace('{id}', sop.id), { token: worker.token, body: bodyFor(method, path) });
    if (access === 'read') {
      expect((await send()).status).toBe(200);
    } else {
      await expectRefusedUnchanged(db.sql, send, 403, 'FORBIDDEN');
    }
  });

  test.each(
    routes.flatMap(([method, path]) => (['supervisor', 'admin'] as const).map((role) => [method, path, role] as const)),
  )('%s %s as %s succeeds', async (method, path, role) => {
    const token = role === 'admin' ? t.adminToken : sup.token;
    const sop = await createSop(t, sup.token);
    const res = await t.request(method, path.replace('{id}', sop.id), { token, body: bodyFor(method, path) });
    expect(res.status).toBe(method === 'POST' && path === '/api/v1/sops' ? 201 : method === 'DELETE' ? 204 : 200);
  });
});
