/**
 * Payload decoding of every supervisor view: raw JSON rows
 * as Zero sends them (snake_case, epoch-ms numbers) → the shared row schemas
 * → each view's model; a malformed payload is refused, never rendered.
 * The audit log's REST body has its own tests in audit-model.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { approvalsModel } from './approvals-model.ts';
import { boardModel } from './board-model.ts';
import { bookingsModel } from './bookings-model.ts';
import { csvRows } from './csv-model.ts';
import { PayloadError, decodeRows, decodeState, decodeUsers } from '../payload.ts';
import { reportsModel } from './reports-model.ts';

const T = 1_741_593_600_000; // 2025-03-10T08:00:00Z

const usersJson = `[
  {"id":"w1","name":"Ana","role":"worker","created_at":${T}},
  {"id":"w2","name":"Bruno","role":"worker","created_at":${T}},
  {"id":"s1","name":"Sofía","role":"supervisor","created_at":${T},"extra_column":"ignored"}
]`;

const stateJson = `{
  "tasks": [
    {"id":"t1","title":"Bomba","status":"in-progress","claimed_by":"w1","assigned_at":${T},"time_spent_ms":600000,"created_at":${T},"updated_at":${T}},
    {"id":"t2","title":"Valla","status":"todo","claimed_by":null,"assigned_at":null,"time_spent_ms":0,"created_at":${T},"updated_at":${T}}
  ],
  "work_sessions": [
    {"id":"ws0","task_id":"t1","user_id":"w1","started_at":${T - 1_200_000},"last_heartbeat_at":${T - 600_000},"ended_at":${T - 600_000},"ended_reason":"pause","zone":"Europe/Madrid","offline":false,"created_at":${T - 1_200_000},"closed_at":${T - 600_000},"extended_by_owner":false},
    {"id":"ws1","task_id":"t1","user_id":"w1","started_at":${T},"last_heartbeat_at":${T + 60_000},"ended_at":null,"ended_reason":null,"zone":"Europe/Madrid","offline":true,"created_at":${T},"closed_at":null,"extended_by_owner":false}
  ],
  "user_task_totals": [{"user_id":"w1","task_id":"t1","accumulated_ms":600000,"updated_at":${T}}],
  "sop_versions": [{"sop_id":"sop1","version":1,"title":"Bloqueo","status":"confirmed","tasks":[{"id":"k1","title":"Aislar","steps":[{"id":"st1","title":"Abrir el interruptor","requires_check":true}]}],"created_at":${T},"confirmed_at":${T}}],
  "procedure_runs": [{"id":"r1","sop_id":"sop1","sop_version":1,"worker_id":"w2","status":"completed","current_step_id":null,"started_at":${T},"paused_at":null,"completed_at":${T + 300_000},"locked":false,"locked_by":null,"locked_at":null,"updated_at":${T + 300_000}}],
  "safety_checks": [{"id":"c1","run_id":"r1","step_id":"st1","result":"passed","notes":"sin tensión","checked_by":"w2","checked_at":${T + 200_000}}],
  "bookings": [{"id":"b1","mentor_id":"w1","student_id":"w2","start_time":${T + 3_600_000},"end_time":${T + 7_200_000},"status":"SCHEDULED","is_delayed":false,"started_at":null,"completed_at":null,"updated_at":${T}}]
}`;

const now = T + 120_000;
const sup = { user_id: 's1', role: 'supervisor' } as const;
const decoded = () => ({ state: decodeState(JSON.parse(stateJson)), users: decodeUsers(JSON.parse(usersJson)) });

describe('payload decoding → supervisor views', () => {
  test('live board', () => {
    const { state, users } = decoded();
    const model = boardModel(state, users, now);
    expect(model.working.map((w) => [w.name, w.sessions.map((s) => [s.taskTitle, s.totalMs, s.offline])])).toEqual([['Ana', [['Bomba', 720_000, true]]]]);
    expect(model.idle.map((w) => w.name)).toEqual(['Bruno']);
    expect(model.counts).toMatchObject({ activeSessions: 1, openTasks: 2, unclaimedTasks: 1 });
  });

  test('approvals', () => {
    const { state, users } = decoded();
    const model = approvalsModel(state, users);
    expect(model.awaiting.map((r) => [r.runId, r.sopTitle, r.workerName, r.checks.map((c) => [c.stepTitle, c.notes])])).toEqual([
      ['r1', 'Bloqueo', 'Bruno', [['Abrir el interruptor', 'sin tensión']]],
    ]);
  });

  test('bookings', () => {
    const { state, users } = decoded();
    expect(bookingsModel(state, users, sup, now).map((b) => [b.id, b.mentorName, b.studentName, b.status, b.cancellable])).toEqual([
      ['b1', 'Ana', 'Bruno', 'SCHEDULED', true],
    ]);
  });

  test('reports and the CSV export', () => {
    const { state, users } = decoded();
    const range = { from: '', to: '' };
    expect(reportsModel(state, users, now, range)).toMatchObject({ unit: 'min', perTask: [{ taskId: 't1', title: 'Bomba', ms: 720_000, value: 12 }] });
    expect(csvRows(state, users, now, range).map((r) => [r.session_id, r.start_local, r.seconds, r.lock_state])).toEqual([
      ['ws0', '2025-03-10T08:40:00+01:00', 600, 'locked'],
      ['ws1', '2025-03-10T09:00:00+01:00', 120, 'open'],
    ]);
  });

  test('a work session claimed back after a stale close: marked on the board, counted in reports, flagged in the CSV', () => {
    const raw = JSON.parse(stateJson) as Record<string, unknown[]>;
    raw['work_sessions'] = [
      ...(raw['work_sessions'] ?? []),
      JSON.parse(
        `{"id":"ws2","task_id":"t2","user_id":"w2","started_at":${T - 3_600_000},"last_heartbeat_at":${T - 3_000_000},"ended_at":${T - 2_400_000},"ended_reason":"stale_timeout","zone":"Europe/Madrid","offline":false,"created_at":${T - 3_600_000},"closed_at":${T - 2_900_000},"extended_by_owner":true}`,
      ),
    ];
    const state = decodeState(raw);
    expect(state.work_sessions.get('ws2')).toMatchObject({ closed_at: T - 2_900_000, extended_by_owner: true });
    const users = decodeUsers(JSON.parse(usersJson));
    expect(boardModel(state, users, now).claimedBack.map((w) => [w.name, w.sessions.map((s) => [s.taskTitle, s.ms])])).toEqual([['Bruno', [['Valla', 1_200_000]]]]);
    const range = { from: '', to: '' };
    expect(reportsModel(state, users, now, range).claimedBack).toEqual({ sessions: 1, ms: 1_200_000 });
    expect(csvRows(state, users, now, range).map((r) => [r.session_id, r.extended_by_owner])).toEqual([
      ['ws2', true],
      ['ws0', false],
      ['ws1', false],
    ]);
  });

  test.each([
    ['a timestamp sent as an ISO string', { started_at: '2025-03-10T08:00:00Z' }, 'work_sessions'],
    ['a fractional millisecond', { started_at: T + 0.5 }, 'work_sessions'],
    ['an unknown task status', { status: 'almost-done' }, 'tasks'],
    ['a negative duration', { time_spent_ms: -1 }, 'tasks'],
    ['a missing offline flag', { offline: undefined }, 'work_sessions'],
    ['a claimed-back flag as text', { extended_by_owner: 'yes' }, 'work_sessions'],
    ['a close time as an ISO string', { closed_at: '2025-03-10T08:00:00Z' }, 'work_sessions'],
    ['a locked flag as a string', { locked: 'yes' }, 'procedure_runs'],
    ['an unknown booking status', { status: 'LATE' }, 'bookings'],
    ['an unknown check result', { result: 'maybe' }, 'safety_checks'],
  ] as const)('refuses %s', (_name, patch, table) => {
    const raw = JSON.parse(stateJson) as Record<string, Record<string, unknown>[]>;
    const rows = raw[table] ?? [];
    rows[rows.length - 1] = { ...rows[rows.length - 1], ...patch };
    expect(() => decodeState(raw)).toThrow(PayloadError);
    expect(() => decodeState(raw)).toThrow(new RegExp(`^${table}: `));
  });

  test('refuses a table that is not synced, a table that is not a list, and a bad user', () => {
    expect(() => decodeState({ ...JSON.parse(stateJson), secrets: [] })).toThrow('secrets: not a synced table');
    expect(() => decodeState({ tasks: {} })).toThrow(PayloadError);
    expect(() => decodeState([])).toThrow(PayloadError);
    expect(() => decodeUsers([{ id: 'w1', name: 'Ana', role: 'owner', created_at: T }])).toThrow(/^users: .*role/);
    expect(() => decodeRows('bookings', [{ id: 'b1' }])).toThrow(/^bookings: /);
  });
});
