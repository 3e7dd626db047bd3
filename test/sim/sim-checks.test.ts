/**
 * The simulation's own checkers must be able to fail: a seed that passes
 * means something only if a broken database, a double application or a
 * history running backwards would have been caught.
 */
import { describe, expect, test } from 'vitest';
import { applyEffects, emptyState, put } from '@stint/shared';
import type { BookingRow, TaskRow } from '@stint/shared';
import { bookingViolations, historyViolations, viewViolations } from './sim-checks.ts';
import { evidenceViolationsOf } from './sim-evidence.ts';
import { Oracle } from './sim-oracle.ts';
import type { StoredDecision } from './sim-server.ts';

const T0 = Date.UTC(2026, 2, 2, 9, 0);
const SUPERVISOR = { user_id: 'sup', role: 'supervisor' } as const;

function decision(id: string, kind: string, status: StoredDecision['status'], code: string | null = null): StoredDecision {
  return { id, user_id: 'sup', device_id: 'desk', kind, status, code, effective_at: T0, time_source: 'server', received_at: T0 };
}

const create = (id: string, taskId = 't1') => ({ id, kind: 'task.create', args: { task_id: taskId, title: 'Pump' }, occurred_at: new Date(T0).toISOString() });

describe('oracle', () => {
  test('a task created through the fold equals the row the rule writes', () => {
    const oracle = new Oracle();
    expect(oracle.apply(create('i1'), SUPERVISOR, 'UTC', decision('i1', 'task.create', 'accepted'))).toBeNull();
    expect(oracle.state.tasks.get('t1')).toMatchObject({ id: 't1', title: 'Pump', status: 'todo', created_at: T0 });
    expect(oracle.compare(oracle.state)).toEqual([]);
  });

  test('an intent decided a second time is reported', () => {
    const oracle = new Oracle();
    oracle.apply(create('i1'), SUPERVISOR, 'UTC', decision('i1', 'task.create', 'accepted'));
    expect(oracle.apply(create('i1'), SUPERVISOR, 'UTC', decision('i1', 'task.create', 'accepted'))).toMatch(/decided a second time/);
  });

  test('a verdict the rules would not reach is reported', () => {
    const oracle = new Oracle();
    expect(oracle.apply(create('i1'), SUPERVISOR, 'UTC', decision('i1', 'task.create', 'rejected', 'CONFLICT_INVALID_STATE'))).toMatch(/the fold accepts/);
    const worker = { user_id: 'w1', role: 'worker' } as const;
    expect(oracle.apply(create('i2', 't2'), worker, 'UTC', decision('i2', 'task.create', 'accepted'))).toMatch(/the fold rejects FORBIDDEN/);
  });

  test('a database row the fold did not write, or wrote differently, is a difference', () => {
    const oracle = new Oracle();
    oracle.apply(create('i1'), SUPERVISOR, 'UTC', decision('i1', 'task.create', 'accepted'));
    const task = oracle.state.tasks.get('t1') as TaskRow;
    const db = applyEffects(oracle.state, [put('tasks', { ...task, time_spent_ms: 5 }), put('tasks', { ...task, id: 't9' })]);
    expect(oracle.compare(db)).toEqual([expect.stringMatching(/^tasks t1: fold/), 'tasks t9: in the database, not in the fold']);
  });
});

describe('history and bookings between snapshots', () => {
  const booking: BookingRow = {
    id: 'b1', mentor_id: 'w1', student_id: 'w2', start_time: T0, end_time: T0 + 3_600_000,
    status: 'ONGOING', is_delayed: true, started_at: null, completed_at: null, updated_at: T0,
  };
  const before = applyEffects(emptyState(), [put('bookings', booking)]);

  test('a booking moving back, leaving a final status or losing its delay flag is I8', () => {
    expect(bookingViolations(before, applyEffects(before, [put('bookings', { ...booking, status: 'SCHEDULED' })]))).toEqual([expect.stringMatching(/ONGOING → SCHEDULED/)]);
    expect(bookingViolations(before, applyEffects(before, [put('bookings', { ...booking, is_delayed: false })]))).toEqual([expect.stringMatching(/delay flag/)]);
    const done = applyEffects(before, [put('bookings', { ...booking, status: 'COMPLETED' })]);
    expect(bookingViolations(before, done)).toEqual([]);
    expect(bookingViolations(done, applyEffects(done, [put('bookings', { ...booking, status: 'CANCELLED' })]))).toEqual([expect.stringMatching(/COMPLETED → CANCELLED/)]);
  });

  test('an updated_at moving back is reported', () => {
    expect(historyViolations(before, applyEffects(before, [put('bookings', { ...booking, updated_at: T0 - 1 })]))).toEqual([expect.stringMatching(/updated_at moved back 1 ms/)]);
  });

  test('an in-progress task without its open session is an impossible view', () => {
    const task: TaskRow = { id: 't1', title: 'Pump', status: 'in-progress', claimed_by: 'w1', assigned_at: T0, time_spent_ms: 0, created_at: T0, updated_at: T0 };
    expect(viewViolations(applyEffects(emptyState(), [put('tasks', task)]), SUPERVISOR)).toEqual([expect.stringMatching(/^I2 t1/)]);
  });
});

describe('evidence of work (DESIGN §3.1)', () => {
  const MIN = 60_000;
  const stale = {
    id: 'i0:session', task_id: 't1', user_id: 'w1', started_at: T0, last_heartbeat_at: T0 + MIN, ended_at: T0 + MIN, ended_reason: 'stale_timeout' as const,
    zone: 'UTC', offline: false, created_at: T0, closed_at: T0 + 10 * MIN, extended_by_owner: false,
  };
  const world = (session = stale) => applyEffects(emptyState(), [put('work_sessions', session)]);
  const start = { id: 'i0', user_id: 'w1', kind: 'work.start', task_id: 't1', status: 'accepted', effective_at: T0, since: null };
  const beat = (id: string, at: number, since: number) => ({ id, user_id: 'w1', kind: 'work.heartbeat', task_id: 't1', status: 'accepted', effective_at: at, since });

  test('a beat whose run spans the recorded end, with nothing bounding it, is evidence lost', () => {
    const lost = evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN), beat('i2', T0 + 30 * MIN, T0 + 30 * 1_000)], world());
    expect(lost).toEqual([expect.stringMatching(/evidence lost: i2/)]);
  });

  test('a run that starts after the end (a gap) or a later change bounding it is no loss', () => {
    expect(evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN), beat('i2', T0 + 30 * MIN, T0 + 20 * MIN)], world())).toEqual([]);
    const change = { id: 'i3', user_id: 'sup', kind: 'task.set_status', task_id: 't1', status: 'accepted', effective_at: T0 + 5 * MIN, since: null };
    expect(evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN), beat('i2', T0 + 30 * MIN, T0 + 30 * 1_000), change], world())).toEqual([]);
  });

  test('another session starting right at the end bounds it (soak seed 1681: a second device started the task offline)', () => {
    const next = { ...stale, id: 'i9:session', started_at: T0 + MIN, last_heartbeat_at: T0 + MIN, ended_at: null, ended_reason: null, closed_at: null };
    const state = applyEffects(world(), [put('work_sessions', next)]);
    expect(evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN), beat('i2', T0 + 30 * MIN, T0 + 30 * 1_000)], state)).toEqual([]);
  });

  test('an end no evidence vouches for is time invented, unless the owner claimed it', () => {
    const invented = { ...stale, ended_at: T0 + 7 * MIN };
    expect(evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN)], world(invented))).toEqual([expect.stringMatching(/time invented/)]);
    expect(evidenceViolationsOf([start, beat('i1', T0 + MIN, T0 + MIN)], world({ ...invented, extended_by_owner: true }))).toEqual([]);
  });
});
