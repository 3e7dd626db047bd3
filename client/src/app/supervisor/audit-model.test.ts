import { describe, expect, test } from 'vitest';
import { AUDIT_LIMIT, auditLines, auditUrl, changeLines, decodeAuditResponse, loadAudit } from './audit-model.ts';
import { PayloadError } from '../payload.ts';
import { user } from './testing.ts';

/** A body exactly as the server's audit route sends it (server/src/routes/audit.pg.test.ts). */
const body = {
  data: [
    {
      id: 'a2',
      at: '2025-03-10T08:12:00.000Z',
      actor_id: 'w1',
      device_id: 'api',
      source: 'online',
      entity: 'procedure_runs',
      entity_id: 'r1',
      action: 'run.pause.refused',
      old_value: { locked: true, locked_by: 's1', locked_at: '2025-03-10T08:11:00.000Z' },
      new_value: null,
      reason: 'SESSION_LOCKED: approved',
    },
    {
      id: 'a1',
      at: '2025-03-10T08:11:00.000Z',
      actor_id: null,
      device_id: null,
      source: 'scheduler',
      entity: 'work_sessions',
      entity_id: 'ws1',
      action: 'stale_timeout',
      old_value: null,
      new_value: null,
      reason: null,
    },
  ],
};

const json = (value: unknown, status = 200): Response => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

describe('audit log payload', () => {
  test('decodes the REST body into entries with epoch-ms times, in the server order', () => {
    const entries = decodeAuditResponse(JSON.parse(JSON.stringify(body)));
    expect(entries.map((e) => [e.id, e.at, e.source])).toEqual([
      ['a2', Date.parse('2025-03-10T08:12:00Z'), 'online'],
      ['a1', Date.parse('2025-03-10T08:11:00Z'), 'scheduler'],
    ]);
    const lines = auditLines(entries, new Map([['w1', user('w1', 'Ana')]]));
    expect(lines[0]).toMatchObject({
      actor: 'Ana',
      action: 'run.pause.refused',
      changes: ['locked: true → –', 'locked_by: "s1" → –', 'locked_at: "2025-03-10T08:11:00.000Z" → –'],
      reason: 'SESSION_LOCKED: approved',
    });
    expect(lines[1]).toMatchObject({ actor: null, changes: [] });
  });

  test.each([
    ['no data wrapper', body.data],
    ['a time that is not ISO', { data: [{ ...body.data[0], at: 1741594320000 }] }],
    ['an unknown source', { data: [{ ...body.data[0], source: 'carrier-pigeon' }] }],
    ['a missing entity id', { data: [{ ...body.data[0], entity_id: undefined }] }],
    ['a numeric actor', { data: [{ ...body.data[0], actor_id: 7 }] }],
  ])('refuses a body with %s', (_name, raw) => {
    expect(() => decodeAuditResponse(raw)).toThrow(PayloadError);
  });
});

describe('loading the audit log', () => {
  test('asks with the bearer token, a full page and the trimmed filter', async () => {
    const seen: [string, RequestInit][] = [];
    const load = await loadAudit((url, init) => (seen.push([url, init]), Promise.resolve(json(body))), 'tok', '  r 1/x ', true);
    expect(load.kind).toBe('entries');
    expect(seen[0]?.[0]).toBe(`/api/v1/audit?limit=${AUDIT_LIMIT}&entity_id=r+1%2Fx`);
    expect(seen[0]?.[1].headers).toMatchObject({ authorization: 'Bearer tok' });
    expect(auditUrl('')).toBe(`/api/v1/audit?limit=${AUDIT_LIMIT}`);
  });

  test('offline it does not ask at all and says it needs a connection', async () => {
    let asked = false;
    const load = await loadAudit(() => ((asked = true), Promise.resolve(json(body))), 'tok', '', false);
    expect(load).toEqual({ kind: 'offline' });
    expect(asked).toBe(false);
  });

  test('a request that gets no answer reads as offline, not as an error', async () => {
    expect(await loadAudit(() => Promise.reject(new TypeError('Failed to fetch')), 'tok', '', true)).toEqual({ kind: 'offline' });
  });

  test("the server's error body is shown with its status", async () => {
    const load = await loadAudit(() => Promise.resolve(json({ error: { code: 'FORBIDDEN', message: 'Supervisors only' } }, 403)), 'tok', '', true);
    expect(load).toEqual({ kind: 'failed', status: 403, code: 'FORBIDDEN', message: 'Supervisors only' });
  });

  test('a 200 with a body the schema refuses is malformed, with the reason', async () => {
    const load = await loadAudit(() => Promise.resolve(json({ data: [{ id: 'x' }] })), 'tok', '', true);
    expect(load.kind).toBe('malformed');
    const notJson = await loadAudit(() => Promise.resolve(new Response('<html>', { status: 200 })), 'tok', '', true);
    expect(notJson).toEqual({ kind: 'malformed', reason: 'not JSON' });
  });
});

describe('change lines', () => {
  test('list each changed field of two objects, or one line for scalars', () => {
    expect(changeLines({ locked: false, locked_by: null }, { locked: true, locked_by: 's1' })).toEqual(['locked: false → true', 'locked_by: null → "s1"']);
    expect(changeLines('a', 'b')).toEqual(['"a" → "b"']);
    expect(changeLines(null, { status: 'done' })).toEqual(['status: – → "done"']);
    expect(changeLines(null, undefined)).toEqual([]);
  });
});
