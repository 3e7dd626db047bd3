import { stateFrom } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { QUIET_AFTER_MS, boardModel } from './board-model.ts';
import { planCreateTask } from './create-task-model.ts';
import { T0, session, task, total, user } from './testing.ts';

const MIN = 60_000;
const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno'), user('w3', 'Carla'), user('s1', 'Sofía', 'supervisor')].map((u) => [u.id, u]));

describe('live board model', () => {
  test('groups open sessions by worker, lists workers with none as idle, and counts', () => {
    const state = stateFrom({
      tasks: [
        task('t1', 'Pump', { status: 'in-progress', claimed_by: 'w1' }),
        task('t2', 'Valve', { status: 'in-progress', claimed_by: 'w1' }),
        task('t3', 'Fence', { status: 'in-progress', claimed_by: 'w2' }),
        task('t4', 'Paint'),
        task('t5', 'Roof', { status: 'done', claimed_by: 'w3' }),
        task('t6', 'Drain', { status: 'skipped' }),
        task('t7', 'Gate', { status: 'on-hold', claimed_by: 'w3' }),
      ],
      work_sessions: [
        session('s-a', 't2', 'w1', { started_at: T0 + 5 * MIN, last_heartbeat_at: T0 + 9 * MIN, offline: true, zone: 'America/Bogota' }),
        session('s-b', 't1', 'w1', { started_at: T0, last_heartbeat_at: T0 + 9 * MIN }),
        session('s-c', 't3', 'w2', { started_at: T0 + MIN, last_heartbeat_at: T0 + 9 * MIN }),
        session('s-old', 't7', 'w3', { started_at: T0 - 60 * MIN, ended_at: T0 - 30 * MIN, ended_reason: 'pause' }),
      ],
      user_task_totals: [total('w1', 't1', 30 * MIN), total('w3', 't7', 30 * MIN)],
    });
    const model = boardModel(state, users, T0 + 10 * MIN);
    expect(model.working.map((w) => [w.name, w.sessions.map((s) => s.taskId)])).toEqual([
      ['Ana', ['t1', 't2']],
      ['Bruno', ['t3']],
    ]);
    expect(model.idle.map((w) => w.name)).toEqual(['Carla']);
    expect(model.counts).toEqual({ activeSessions: 3, openTasks: 5, unclaimedTasks: 1, working: 2, idle: 1 });
    const [pump, valve] = model.working[0]?.sessions ?? [];
    expect(pump).toMatchObject({ taskTitle: 'Pump', sessionMs: 10 * MIN, totalMs: 40 * MIN, offline: false, quiet: false });
    expect(valve).toMatchObject({ taskTitle: 'Valve', sessionMs: 5 * MIN, totalMs: 5 * MIN, offline: true, zone: 'America/Bogota' });
  });

  test('a session of someone the replica does not know is still shown, by id', () => {
    const state = stateFrom({ tasks: [task('t1', 'Pump')], work_sessions: [session('s1', 't1', 'ghost')] });
    const model = boardModel(state, new Map(), T0 + MIN);
    expect(model.working).toEqual([expect.objectContaining({ userId: 'ghost', name: 'ghost' })]);
    expect(model.idle).toEqual([]);
  });

  test('two open sessions on one task (data breaking I1) are both shown, not one twice', () => {
    const state = stateFrom({ tasks: [task('t1', 'Pump')], work_sessions: [session('a', 't1', 'w1'), session('b', 't1', 'w1', { started_at: T0 + MIN })] });
    expect(boardModel(state, users, T0 + 2 * MIN).working[0]?.sessions.map((s) => [s.sessionId, s.sessionMs])).toEqual([
      ['a', 2 * MIN],
      ['b', MIN],
    ]);
  });

  test('a session with no heartbeat for longer than the stale cutoff is flagged quiet', () => {
    const state = stateFrom({ tasks: [task('t1', 'Pump')], work_sessions: [session('s1', 't1', 'w1', { last_heartbeat_at: T0 })] });
    expect(boardModel(state, users, T0 + QUIET_AFTER_MS).working[0]?.sessions[0]?.quiet).toBe(false);
    expect(boardModel(state, users, T0 + QUIET_AFTER_MS + 1).working[0]?.sessions[0]?.quiet).toBe(true);
  });

  test('a device clock behind the start never shows a negative timer', () => {
    const state = stateFrom({ tasks: [task('t1', 'Pump')], work_sessions: [session('s1', 't1', 'w1', { started_at: T0 })] });
    expect(boardModel(state, users, T0 - 5 * MIN).working[0]?.sessions[0]?.sessionMs).toBe(0);
  });

  test('lists today’s work sessions claimed back by their owner per worker, and marks the worker and a running one', () => {
    // Now is 11:10 in Madrid (10:10 UTC); Bogotá is still on the 10th at 05:10.
    const now = T0 + 2 * 60 * MIN + 10 * MIN;
    const state = stateFrom({
      tasks: [task('t1', 'Pump', { status: 'in-progress', claimed_by: 'w1' }), task('t2', 'Valve'), task('t3', 'Fence')],
      work_sessions: [
        session('late', 't2', 'w1', { started_at: T0, ended_at: T0 + 60 * MIN, ended_reason: 'stale_timeout', extended_by_owner: true }),
        session('early', 't3', 'w1', { started_at: T0 - 30 * MIN, ended_at: T0 - 10 * MIN, ended_reason: 'stale_timeout', extended_by_owner: true }),
        session('yesterday', 't3', 'w2', { started_at: T0 - 24 * 60 * MIN, ended_at: T0 - 23 * 60 * MIN, ended_reason: 'stale_timeout', extended_by_owner: true }),
        session('not-claimed', 't3', 'w2', { started_at: T0 + 61 * MIN, ended_at: T0 + 62 * MIN, ended_reason: 'stale_timeout' }),
        session('bogota', 't2', 'w3', { started_at: T0 - 3 * 60 * MIN, ended_at: T0 - 2 * 60 * MIN, ended_reason: 'stale_timeout', extended_by_owner: true, zone: 'America/Bogota' }),
        session('running', 't1', 'w1', { started_at: T0 + 90 * MIN, last_heartbeat_at: now, extended_by_owner: true }),
      ],
    });
    const model = boardModel(state, users, now);
    expect(model.claimedBack).toEqual([
      {
        userId: 'w1',
        name: 'Ana',
        sessions: [
          { sessionId: 'early', taskId: 't3', taskTitle: 'Fence', startedAt: T0 - 30 * MIN, endedAt: T0 - 10 * MIN, ms: 20 * MIN },
          { sessionId: 'late', taskId: 't2', taskTitle: 'Valve', startedAt: T0, endedAt: T0 + 60 * MIN, ms: 60 * MIN },
        ],
        totalMs: 80 * MIN,
      },
      { userId: 'w3', name: 'Carla', sessions: [expect.objectContaining({ sessionId: 'bogota' })], totalMs: 60 * MIN },
    ]);
    expect(model.working.map((w) => [w.name, w.claimedBackToday, w.sessions.map((s) => s.claimedBack)])).toEqual([['Ana', 2, [true]]]);
  });

  test('with no one working everyone is idle and the counts are zero', () => {
    const model = boardModel(stateFrom({}), users, T0);
    expect(model.working).toEqual([]);
    expect(model.idle.map((w) => w.userId)).toEqual(['w1', 'w2', 'w3']);
    expect(model.counts).toEqual({ activeSessions: 0, openTasks: 0, unclaimedTasks: 0, working: 0, idle: 3 });
    expect(model.claimedBack).toEqual([]);
  });
});

describe('quick task creation', () => {
  const ids = (): (() => string) => {
    let n = 0;
    return () => `id-${(n += 1)}`;
  };

  test('a title and lines make one task.create and one checklist.add per non-blank line, in order', () => {
    const plan = planCreateTask('  Check pump ', 'Close valve\n\n  Drain  \r\nOpen valve\n', ids());
    expect(plan).toEqual({
      task: { task_id: 'id-1', title: 'Check pump' },
      items: [
        { checklist_item_id: 'id-2', task_id: 'id-1', title: 'Close valve' },
        { checklist_item_id: 'id-3', task_id: 'id-1', title: 'Drain' },
        { checklist_item_id: 'id-4', task_id: 'id-1', title: 'Open valve' },
      ],
    });
  });

  test('a blank title or an over-long item makes nothing', () => {
    expect(planCreateTask('   ', '', ids())).toBeNull();
    expect(planCreateTask('Pump', 'x'.repeat(501), ids())).toBeNull();
    expect(planCreateTask('Pump', '', ids())?.items).toEqual([]);
  });
});
