/**
 * Rows reach the worker views as JSON (Zero / REST rows,
 * snake_case, epoch-ms numbers). Each view's payload goes through the shared
 * row schemas into its model; a malformed payload is refused, never shown.
 */
import { describe, expect, test } from 'vitest';
import { ChecklistStatus } from '@stint/shared';
import { bookingsModel } from './bookings-model.ts';
import { runRunnerModel } from './run-runner-model.ts';
import { runsModel } from './runs-model.ts';
import { taskDetailModel } from './task-detail-model.ts';
import { ANA } from './testing.ts';
import { workHomeModel } from './work-home-model.ts';
import { PayloadError, decodeState, decodeUsers } from '../payload.ts';

const T = 1_772_438_400_000; // 2026-03-02T08:00:00Z
const MIN = 60_000;

const TASKS_JSON = `{
  "tasks": [
    {"id": "t1", "title": "Podar el seto", "status": "in-progress", "claimed_by": "ana", "assigned_at": ${T}, "time_spent_ms": 600000, "created_at": ${T}, "updated_at": ${T}},
    {"id": "t2", "title": "Regar", "status": "todo", "claimed_by": null, "assigned_at": null, "time_spent_ms": 0, "created_at": ${T}, "updated_at": ${T}, "zero_extra_column": 1}
  ],
  "work_sessions": [
    {"id": "w1", "task_id": "t1", "user_id": "ana", "started_at": ${T + 10 * MIN}, "last_heartbeat_at": ${T + 10 * MIN}, "ended_at": null, "ended_reason": null, "zone": "Europe/Madrid", "offline": true, "created_at": ${T + 10 * MIN}, "closed_at": null, "extended_by_owner": false}
  ],
  "user_task_totals": [{"user_id": "ana", "task_id": "t1", "accumulated_ms": 600000, "updated_at": ${T}}],
  "checklist_items": [
    {"id": "c1", "task_id": "t1", "title": "Lado norte", "status": 3, "position": 1, "deleted_at": null, "created_at": ${T}, "updated_at": ${T}},
    {"id": "c2", "task_id": "t1", "title": "Lado sur", "status": 2, "position": 2, "deleted_at": null, "created_at": ${T}, "updated_at": ${T}},
    {"id": "c3", "task_id": "t1", "title": "Borrado", "status": 1, "position": 3, "deleted_at": ${T}, "created_at": ${T}, "updated_at": ${T}}
  ]
}`;

const SOP_JSON = `{
  "sops": [{"id": "sop1", "title": "Cierre", "latest_version": 1, "created_by": "sup", "deleted_at": null, "created_at": ${T}, "updated_at": ${T}}],
  "sop_versions": [{"sop_id": "sop1", "version": 1, "title": "Cierre", "status": "confirmed", "created_at": ${T}, "confirmed_at": ${T},
    "tasks": [{"id": "a", "title": "Preparar", "steps": [{"id": "s1", "title": "Cortar corriente", "requires_check": true}, {"id": "s2", "title": "Sellar", "requires_check": false}]}]}],
  "procedure_runs": [{"id": "r1", "sop_id": "sop1", "sop_version": 1, "worker_id": "ana", "status": "in_progress", "current_step_id": "s2",
    "started_at": ${T}, "paused_at": null, "completed_at": null, "locked": false, "locked_by": null, "locked_at": null, "updated_at": ${T}}],
  "safety_checks": [{"id": "k1", "run_id": "r1", "step_id": "s1", "result": "passed", "notes": "ok", "checked_by": "ana", "checked_at": ${T + MIN}}]
}`;

const BOOKINGS_JSON = `{
  "bookings": [{"id": "b1", "mentor_id": "ana", "student_id": "luis", "start_time": ${T + 60 * MIN}, "end_time": ${T + 120 * MIN},
    "status": "SCHEDULED", "is_delayed": false, "started_at": null, "completed_at": null, "updated_at": ${T}}]
}`;
const USERS_JSON = `[{"id": "luis", "name": "Luis Pérez", "role": "worker", "created_at": ${T}}]`;

/** The payload with one field of the first row of `table` replaced. */
function corrupt(json: string, table: string, field: string, value: unknown): unknown {
  const raw = JSON.parse(json) as Record<string, Record<string, unknown>[]>;
  const row = raw[table]?.[0];
  if (row === undefined) throw new Error(`no ${table} row`);
  row[field] = value;
  return raw;
}

describe('payload decoding: work home', () => {
  test('Zero rows decode into Now Working with the accumulated time, my tasks and the pool (extra columns dropped)', () => {
    const state = decodeState(JSON.parse(TASKS_JSON));
    const model = workHomeModel(state, ANA, T + 15 * MIN);
    expect(model.nowWorking).toEqual([{ taskId: 't1', title: 'Podar el seto', startedAt: T + 10 * MIN, accumulatedMs: 10 * MIN, elapsedMs: 15 * MIN }]);
    expect(model.myTasks.map((c) => [c.id, c.running, c.checklist])).toEqual([['t1', true, { derived: ChecklistStatus.inProgress, done: 1, total: 2 }]]);
    expect(model.openPool.map((c) => c.id)).toEqual(['t2']);
    expect(Object.keys(state.tasks.get('t2') ?? {})).not.toContain('zero_extra_column');
  });

  test.each([
    ['an ISO string where epoch ms belong', 'work_sessions', 'started_at', '2026-03-02T08:10:00Z'],
    ['a status outside the set', 'tasks', 'status', 'doing'],
    ['a negative accumulated time (I5)', 'user_task_totals', 'accumulated_ms', -1],
    ['camelCase instead of snake_case', 'work_sessions', 'user_id', undefined],
  ])('refused: %s', (_name, table, field, value) => {
    expect(() => decodeState(corrupt(TASKS_JSON, table, field, value))).toThrow(new RegExp(`^${table}: 0\\.${field}: `));
  });

  test('refused: an unknown table, a table that is not a list, a payload that is not an object', () => {
    expect(() => decodeState({ task: [] })).toThrow('task: not a synced table');
    expect(() => decodeState({ tasks: {} })).toThrow(/^tasks: /);
    expect(() => decodeState([])).toThrow(PayloadError);
    expect(() => decodeState(null)).toThrow(PayloadError);
  });
});

describe('payload decoding: task detail', () => {
  test('the checklist decodes in position order, deleted items hidden, status derived', () => {
    const model = taskDetailModel(decodeState(JSON.parse(TASKS_JSON)), ANA, T + 15 * MIN, 't1');
    expect(model?.items.map((i) => [i.id, i.status])).toEqual([
      ['c1', ChecklistStatus.done],
      ['c2', ChecklistStatus.inProgress],
    ]);
    expect(model?.statusOptions).toEqual([]);
    expect(model?.elapsedMs).toBe(15 * MIN);
  });

  test('refused: a checklist status as text, a position missing', () => {
    expect(() => decodeState(corrupt(TASKS_JSON, 'checklist_items', 'status', 'done'))).toThrow(PayloadError);
    expect(() => decodeState(corrupt(TASKS_JSON, 'checklist_items', 'position', undefined))).toThrow(PayloadError);
  });
});

describe('payload decoding: procedures and the runner', () => {
  test('SOP, version, run and checks decode into the list and the runner on step 2 of 2', () => {
    const state = decodeState(JSON.parse(SOP_JSON));
    const list = runsModel(state, ANA, T);
    expect(list.sops.map((s) => [s.sopId, s.steps, s.canStart])).toEqual([['sop1', 2, false]]);
    expect(list.runs.map((r) => [r.id, r.phase, r.position])).toEqual([['r1', 'in_progress', 2]]);
    const runner = runRunnerModel(state, ANA, T, 'r1');
    expect(runner?.step).toMatchObject({ id: 's2', requiresCheck: false, position: 2 });
    expect(runner?.checks).toEqual([{ id: 'k1', stepTitle: 'Cortar corriente', result: 'passed', notes: 'ok', checkedAt: T + MIN }]);
  });

  test('refused: a check result outside passed/failed, a run status from another spelling, steps that are not a list', () => {
    expect(() => decodeState(corrupt(SOP_JSON, 'safety_checks', 'result', 'ok'))).toThrow(PayloadError);
    expect(() => decodeState(corrupt(SOP_JSON, 'procedure_runs', 'status', 'IN_PROGRESS'))).toThrow(PayloadError);
    expect(() => decodeState(corrupt(SOP_JSON, 'sop_versions', 'tasks', [{ id: 'a', title: 'x', steps: 'none' }]))).toThrow(PayloadError);
    expect(() => decodeState(corrupt(SOP_JSON, 'procedure_runs', 'locked', 'false'))).toThrow(PayloadError);
  });
});

describe('payload decoding: bookings', () => {
  test('a booking and its partner decode into a card with the live status', () => {
    const state = decodeState(JSON.parse(BOOKINGS_JSON));
    const users = decodeUsers(JSON.parse(USERS_JSON));
    const [card] = bookingsModel(state, ANA, T, users);
    expect(card).toMatchObject({ id: 'b1', myRole: 'mentor', partnerName: 'Luis Pérez', status: 'SCHEDULED', actions: { start: true, complete: false } });
    expect(bookingsModel(state, ANA, T + 61 * MIN, users)[0]).toMatchObject({ status: 'ONGOING', isDelayed: true });
  });

  test('refused: a lower-case status, times as ISO strings, a user with an unknown role', () => {
    expect(() => decodeState(corrupt(BOOKINGS_JSON, 'bookings', 'status', 'scheduled'))).toThrow(PayloadError);
    expect(() => decodeState(corrupt(BOOKINGS_JSON, 'bookings', 'start_time', '2026-03-02T09:00:00Z'))).toThrow(PayloadError);
    expect(() => decodeUsers([{ id: 'luis', name: 'Luis', role: 'boss', created_at: T }])).toThrow(/^users: 0\.role/);
  });
});
