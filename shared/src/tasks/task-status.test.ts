import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import { STATUS_DERIVED_MESSAGE, HTTP_STATUS } from '../errors.ts';
import { TASK_STATUSES, TaskStatus } from '../rows.ts';
import { MINUTE } from '../time.ts';
import { setTaskStatus } from './task-status.ts';
import { actor, contextAt, itemRow, openSessionRow, snapshot, T0, taskRow } from './testing.ts';

const worker = actor('w1');

describe('manual task status (seed 000 PUT, native PATCH, seed 004 PATCH)', () => {
  test('seed 004 test case 11: a status update on a task with 2 checklist items is rejected with 400 and the seed’s message', () => {
    const task = taskRow({ id: 't1' });
    const items = [itemRow({ id: 'i1', task_id: 't1' }), itemRow({ id: 'i2', task_id: 't1', position: 1 })];
    const result = setTaskStatus(snapshot(task, { items }), { status: TaskStatus.done }, contextAt(T0, worker));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('STATUS_DERIVED');
    expect(HTTP_STATUS[result.error.code]).toBe(400);
    expect(result.error.message).toBe(STATUS_DERIVED_MESSAGE);
    expect(result.error.message).toBe(
      'Cannot set status for tasks with checklist items. Status is derived from checklist items.',
    );
  });

  test.each(TASK_STATUSES)('writing %s to a checklist task is rejected even by an admin', (status) => {
    const task = taskRow({ id: 't1' });
    const items = [itemRow({ id: 'i1', task_id: 't1' })];
    const result = setTaskStatus(snapshot(task, { items }), { status }, contextAt(T0, actor('a1', 'admin')));
    expect(result.ok ? null : result.error.code).toBe('STATUS_DERIVED');
  });

  test('a task whose checklist items are all soft-deleted is atomic again and takes manual status', () => {
    const task = taskRow({ id: 't1' });
    const items = [itemRow({ id: 'i1', task_id: 't1', deleted_at: T0 })];
    const result = setTaskStatus(snapshot(task, { items }), { status: TaskStatus.backlog }, contextAt(T0, worker));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe('backlog');
  });

  test('an atomic task moving in-progress → on-hold closes its session with reason status_change', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
    const open = openSessionRow({ id: 's', task_id: 't1', user_id: 'w1' });
    const result = setTaskStatus(snapshot(task, { open_session: open }), { status: TaskStatus.onHold }, contextAt(T0 + MINUTE, worker));
    expect(result.ok && rowsOf(result.value, 'work_sessions')[0]).toMatchObject({ ended_at: T0 + MINUTE, ended_reason: 'status_change' });
  });

  test('done → in-progress is 409 CONFLICT_INVALID_STATE', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.done });
    const result = setTaskStatus(snapshot(task), { status: TaskStatus.inProgress }, contextAt(T0, worker));
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_INVALID_STATE');
  });

  test('in-progress on a task already in progress for someone else is 409 CONFLICT_CLAIMED; for its claimer a no-op', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.inProgress, claimed_by: 'w2', assigned_at: T0 });
    const snap = snapshot(task, { open_session: openSessionRow({ id: 's', task_id: 't1', user_id: 'w2' }) });
    const result = setTaskStatus(snap, { status: TaskStatus.inProgress }, contextAt(T0 + MINUTE, worker));
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_CLAIMED');
    expect(setTaskStatus(snap, { status: TaskStatus.inProgress }, contextAt(T0 + MINUTE, actor('w2')))).toEqual({ ok: true, value: [] });
  });

  test.each(TASK_STATUSES.filter((status) => status !== TaskStatus.inProgress))(
    'a worker setting %s on someone else’s task that already has it is 409 CONFLICT_CLAIMED; its claimer and a supervisor get a no-op',
    (status) => {
      const snap = snapshot(taskRow({ id: 't1', status, claimed_by: 'w2', assigned_at: T0 }));
      const result = setTaskStatus(snap, { status }, contextAt(T0 + MINUTE, worker));
      expect(result.ok ? null : result.error.code).toBe('CONFLICT_CLAIMED');
      for (const who of [actor('w2'), actor('s1', 'supervisor')]) {
        expect(setTaskStatus(snap, { status }, contextAt(T0 + MINUTE, who))).toEqual({ ok: true, value: [] });
      }
    },
  );

  test.each(TASK_STATUSES.filter((status) => status !== TaskStatus.inProgress))(
    'setting %s on an unclaimed task that already has it is a no-op for a worker',
    (status) => {
      const snap = snapshot(taskRow({ id: 't1', status }));
      expect(setTaskStatus(snap, { status }, contextAt(T0, worker))).toEqual({ ok: true, value: [] });
    },
  );

  test.each([TaskStatus.todo, TaskStatus.backlog])('reopening done → %s is allowed', (status) => {
    const task = taskRow({ id: 't1', status: TaskStatus.done });
    const result = setTaskStatus(snapshot(task), { status }, contextAt(T0, worker));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe(status);
  });
});
