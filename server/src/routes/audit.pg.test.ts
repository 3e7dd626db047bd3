import { MINUTE, toIso } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import type { AuditEntryJson } from '../runs/audit-entries.ts';
import { approve, createConfirmedSop, dataOf, passAll, startSession } from '../runs/testing.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const sup = await t.signIn('supervisor', 'sup-1');
const worker = await t.signIn('worker', 'worker-1');

async function audit(query = ''): Promise<AuditEntryJson[]> {
  return dataOf<AuditEntryJson[]>(await t.request('GET', `/api/v1/audit${query}`, { token: sup.token }));
}

/** A session run to completion, approved, then refused a change: three audit entries, a minute apart. */
async function auditedSession(): Promise<{ id: string; completedAt: string; approvedAt: string; refusedAt: string }> {
  const sop = await createConfirmedSop(t, sup.token);
  const session = await startSession(t, worker.token, sop.id);
  t.clock.advance(MINUTE);
  const done = await passAll(t, worker.token, session);
  t.clock.advance(MINUTE);
  const approved = await approve(t, sup.token, session.id);
  t.clock.advance(MINUTE);
  await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token: worker.token });
  return { id: session.id, completedAt: done.completed_at ?? '', approvedAt: approved.locked_at ?? '', refusedAt: toIso(t.clock()) };
}

describe('GET /api/v1/audit', () => {
  test("a session's entries, newest first, with actor, device, source, values in wire form and reasons", async () => {
    const s = await auditedSession();
    const entries = await audit(`?entity_id=${s.id}`);
    expect(entries.map((e) => e.action)).toEqual(['run.pause.refused', 'run.approve', 'WorkSessionCompleted']);
    expect(entries.map((e) => e.at)).toEqual([s.refusedAt, s.approvedAt, s.completedAt]);
    expect(entries[0]).toEqual({
      id: expect.any(String) as unknown,
      at: s.refusedAt,
      actor_id: worker.user.id,
      device_id: 'api',
      source: 'online',
      entity: 'procedure_runs',
      entity_id: s.id,
      action: 'run.pause.refused',
      old_value: { locked: true, locked_by: sup.user.id, locked_at: s.approvedAt },
      new_value: null,
      reason: 'SESSION_LOCKED: approved',
    });
    expect(entries[1]).toMatchObject({
      actor_id: sup.user.id,
      old_value: { locked: false, locked_by: null, locked_at: null },
      new_value: { locked: true, locked_by: sup.user.id, locked_at: s.approvedAt, updated_at: s.approvedAt },
      reason: null,
    });
  });

  test('filters by entity and action, and pages with limit and offset', async () => {
    const s = await auditedSession();
    const completions = await audit('?action=WorkSessionCompleted&limit=100');
    expect(completions.length).toBeGreaterThanOrEqual(1);
    expect(completions.every((e) => e.action === 'WorkSessionCompleted')).toBe(true);
    expect((await audit('?entity=procedure_runs&limit=100')).every((e) => e.entity === 'procedure_runs')).toBe(true);
    expect(await audit('?entity=nothing-like-this')).toEqual([]);
    expect((await audit(`?entity_id=${s.id}&limit=1&offset=1`)).map((e) => e.action)).toEqual(['run.approve']);
    expect(await audit(`?entity_id=${s.id}&offset=3`)).toEqual([]);
  });

  test('without filters it lists everything newest first, 20 by default', async () => {
    for (let i = 0; i < 7; i += 1) await auditedSession();
    const entries = await audit();
    expect(entries).toHaveLength(20);
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test.each(['?limit=0', '?limit=101', '?limit=ten', '?offset=-5', '?entity_id=', '?entity_id=a%00b'])('%s → 400 INVALID_INPUT', async (query) => {
    const res = await t.request('GET', `/api/v1/audit${query}`, { token: sup.token });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  test.each([
    ['nobody', undefined, 401, 'UNAUTHENTICATED'],
    ['a bad token', 'nope', 401, 'UNAUTHENTICATED'],
    ['a worker', 'worker', 403, 'FORBIDDEN'],
  ] as const)('%s → %i %s', async (_who, token, status, code) => {
    const res = await t.request('GET', '/api/v1/audit', token === undefined ? {} : { token: token === 'worker' ? worker.token : token });
    expect(res).toMatchObject({ status, body: { error: { code } } });
  });

  test.each(['supervisor', 'admin'] as const)('a %s reads the audit log', async (role) => {
    const token = role === 'admin' ? t.adminToken : sup.token;
    expect((await t.request('GET', '/api/v1/audit', { token })).status).toBe(200);
  });
});

describe('the audit log is append-only', () => {
  test.each([
    ['UPDATE', 'UPDATE audit_log SET reason = $1'],
    ['DELETE', 'DELETE FROM audit_log WHERE reason IS DISTINCT FROM $1'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
  ])('%s is refused by the database and every entry stays', async (_op, statement) => {
    await auditedSession();
    const before = await audit('?limit=100');
    const params = statement.includes('$1') ? ['tampered'] : [];
    await expect(db.sql.unsafe(statement, params)).rejects.toMatchObject({ code: 'P0001' });
    expect(await audit('?limit=100')).toEqual(before);
  });
});
