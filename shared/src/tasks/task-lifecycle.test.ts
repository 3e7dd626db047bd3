import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import { TASK_STATUSES, TaskStatus } from '../rows.ts';
import type { TaskStatus as Status } from '../rows.ts';
import { MINUTE, SECOND } from '../time.ts';
import { rowsOfTable, stateFrom } from '../state.ts';
import { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
import { moveTask } from './task-lifecycle.ts';
import { actor, contextAt, openSessionRow, snapshot, step, T0, taskRow } from './testing.ts';

const worker = actor('w1');
const other = actor('w2');
const supervisor = actor('s1', 'supervisor');

function inProgress(userId = 'w1', startedAt = T0) {
  const task = taskRow({ id: 't1', status: TaskStatus.inProgress, claimed_by: userId, assigned_at: startedAt, updated_at: startedAt });
  const open = openSessionRow({ id: 'sess-0', task_id: 't1', user_id: userId, started_at: startedAt });
  return snapshot(task, { open_session: open });
}

function expectOk<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

describe('status drives work sessions', () => {
  test.each([TaskStatus.onHold, TaskStatus.done])(
    'moving in-progress → %s closes the open session and adds its duration to time_spent',
    (target) => {
      const effects = expectOk(moveTask(inProgress(), target, contextAt(T0 + 25 * MINUTE, worker), 'status_change'));
      const [session] = rowsOf(effects, 'work_sessions');
      expect(session).toMatchObject({ id: 'sess-0', ended_at: T0 + 25 * MINUTE, ended_reason: 'status_change' });
      const [task] = rowsOf(effects, 'tasks');
      expect(task).toMatchObject({ status: target, time_spent_ms: 25 * MINUTE, updated_at: T0 + 25 * MINUTE });
      expect(rowsOf(effects, 'user_task_totals')).toEqual([
        { user_id: 'w1', task_id: 't1', accumulated_ms: 25 * MINUTE, updated_at: T0 + 25 * MINUTE },
      ]);
    },
  );

  test('closing adds to an existing time_spent and (user, task) total', () => {
    const snap = inProgress();
    const withHistory = {
      ...snap,
      task: { ...snap.task, time_spent_ms: 7 * SECOND },
      totals: [{ user_id: 'w1', task_id: 't1', accumulated_ms: 5 * SECOND, updated_at: T0 }],
    };
    const effects = expectOk(moveTask(withHistory, TaskStatus.onHold, contextAt(T0 + 3 * SECOND, worker), 'pause'));
    expect(rowsOf(effects, 'tasks')[0]?.time_spent_ms).toBe(10 * SECOND);
    expect(rowsOf(effects, 'user_task_totals')[0]?.accumulated_ms).toBe(8 * SECOND);
  });

  test.each([TaskStatus.todo, TaskStatus.backlog, TaskStatus.onHold])(
    'moving %s → in-progress opens one new session at server time and sets the pick-up time',
    (from) => {
      const task = taskRow({ id: 't1', status: from });
      const ctx = contextAt(T0 + MINUTE, worker, { zone: 'America/Lima', offline: true });
      const effects = expectOk(moveTask(snapshot(task), TaskStatus.inProgress, ctx, 'status_change'));
      expect(rowsOf(effects, 'work_sessions')).toEqual([
        {
          id: 'session-1',
          task_id: 't1',
          user_id: 'w1',
          started_at: T0 + MINUTE,
          last_heartbeat_at: T0 + MINUTE,
          ended_at: null,
          ended_reason: null,
          zone: 'America/Lima',
          offline: true,
          created_at: T0 + MINUTE,
          closed_at: null,
          extended_by_owner: false,
        },
      ]);
      expect(rowsOf(effects, 'tasks')[0]).toMatchObject({
        status: TaskStatus.inProgress,
        claimed_by: 'w1',
        assigned_at: T0 + MINUTE,
        updated_at: T0 + MINUTE,
      });
    },
  );

  test('moving an unclaimed task to in-progress picks it up for the caller', () => {
    const effects = expectOk(moveTask(snapshot(taskRow({ id: 't1' })), TaskStatus.inProgress, contextAt(T0, other), 'status_change'));
    expect(rowsOf(effects, 'tasks')[0]?.claimed_by).toBe('w2');
  });

  test('resuming their own on-hold task re-sets the pick-up time', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0 });
    const effects = expectOk(moveTask(snapshot(task), TaskStatus.inProgress, contextAt(T0 + MINUTE, worker), 'status_change'));
    expect(rowsOf(effects, 'tasks')[0]?.assigned_at).toBe(T0 + MINUTE);
  });

  test('moving a task claimed by someone else to in-progress is 409 CONFLICT_CLAIMED, for supervisors too', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0 });
    for (const who of [other, supervisor]) {
      const result = moveTask(snapshot(task), TaskStatus.inProgress, contextAt(T0, who), 'status_change');
      expect(result.ok ? null : result.error.code).toBe('CONFLICT_CLAIMED');
    }
  });

  test('done → in-progress is 409 CONFLICT_INVALID_STATE', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.done, claimed_by: 'w1', assigned_at: T0 });
    const result = moveTask(snapshot(task), TaskStatus.inProgress, contextAt(T0, worker), 'status_change');
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_INVALID_STATE');
  });

  test('a session left open on a non-in-progress task is closed before the new one opens (no two open sessions)', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0 });
    const stray = openSessionRow({ id: 'stray', task_id: 't1', user_id: 'w1', started_at: T0 });
    const effects = expectOk(moveTask(snapshot(task, { open_session: stray }), TaskStatus.inProgress, contextAt(T0 + SECOND, worker), 'status_change'));
    const sessions = rowsOf(effects, 'work_sessions');
    expect(sessions.filter((s) => s.ended_at === null).map((s) => s.id)).toEqual(['session-1']);
    expect(sessions.find((s) => s.id === 'stray')?.ended_at).toBe(T0 + SECOND);
    expect(rowsOf(effects, 'tasks')[0]?.time_spent_ms).toBe(SECOND);
  });

  test.each(TASK_STATUSES)('moving a %s task to its own status changes nothing', (status: Status) => {
    const snap = status === TaskStatus.inProgress ? inProgress() : snapshot(taskRow({ id: 't1', status }));
    expect(moveTask(snap, status, contextAt(T0 + MINUTE, other), 'status_change')).toEqual({ ok: true, value: [] });
  });
});

describe('who may close a session', () => {
  test('a worker cannot close the session of a task claimed by someone else (409 CONFLICT_CLAIMED)', () => {
    const result = moveTask(inProgress('w1'), TaskStatus.onHold, contextAt(T0 + MINUTE, other), 'status_change');
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_CLAIMED');
  });

  test('a supervisor may close anyone’s session; the time goes to the session’s user', () => {
    const effects = expectOk(moveTask(inProgress('w1'), TaskStatus.done, contextAt(T0 + MINUTE, supervisor), 'status_change'));
    expect(rowsOf(effects, 'user_task_totals')[0]).toMatchObject({ user_id: 'w1', accumulated_ms: MINUTE });
    expect(rowsOf(effects, 'tasks')[0]).toMatchObject({ status: 'done', claimed_by: 'w1' });
  });

  test('a worker may move an unclaimed task between non-working statuses', () => {
    const effects = expectOk(moveTask(snapshot(taskRow({ id: 't1' })), TaskStatus.backlog, contextAt(T0, other), 'status_change'));
    expect(rowsOf(effects, 'tasks')[0]?.status).toBe('backlog');
    expect(rowsOf(effects, 'work_sessions')).toEqual([]);
  });

  test('reopening a done task to todo is allowed', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.done, claimed_by: 'w1', assigned_at: T0 });
    const effects = expectOk(moveTask(snapshot(task), TaskStatus.todo, contextAt(T0, worker), 'status_change'));
    expect(rowsOf(effects, 'tasks')[0]?.status).toBe('todo');
  });
});

describe('transition time (I5)', () => {
  test('a late close never ends a session before its last heartbeat or the task’s last change', () => {
    const snap = inProgress('w1', T0);
    const beaten = { ...snap, open_session: { ...snap.open_session!, last_heartbeat_at: T0 + 2 * MINUTE } };
    const effects = expectOk(moveTask(beaten, TaskStatus.onHold, contextAt(T0 + MINUTE, worker), 'pause'));
    expect(rowsOf(effects, 'work_sessions')[0]?.ended_at).toBe(T0 + 2 * MINUTE);
    expect(rowsOf(effects, 'tasks')[0]?.updated_at).toBe(T0 + 2 * MINUTE);
  });

  test('a session opened with a clock behind the task’s last change starts at that change', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0, updated_at: T0 + MINUTE });
    const effects = expectOk(moveTask(snapshot(task), TaskStatus.inProgress, contextAt(T0, worker), 'status_change'));
    expect(rowsOf(effects, 'work_sessions')[0]?.started_at).toBe(T0 + MINUTE);
  });

  test('a resume stamped before the previous pause starts at the pause, so sessions never overlap', () => {
    let state = stateFrom({ tasks: [taskRow({ id: 't1' })] });
    for (const [at, status] of [[10, 'in-progress'], [20, 'on-hold'], [5, 'in-progress']] as const) {
      const next = step(state, { kind: 'task.set_status', args: { task_id: 't1', status } }, contextAt(T0 + at * MINUTE, worker, { idPrefix: `${at}-` }));
      expect(next.result.ok).toBe(true);
      state = next.state;
    }
    const open = rowsOfTable(state, 'work_sessions').find((s) => s.ended_at === null);
    expect(open?.started_at).toBe(T0 + 20 * MINUTE);
    expect(checkTaskInvariants(taskTablesOf(state))).toEqual([]);
  });
});
