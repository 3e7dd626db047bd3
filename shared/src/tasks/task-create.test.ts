import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import { TaskStatus } from '../rows.ts';
import { MINUTE } from '../time.ts';
import { createTask, renameTask } from './task-create.ts';
import { actor, contextAt, snapshot, T0, taskRow } from './testing.ts';

const supervisor = actor('s1', 'supervisor');

describe('create task', () => {
  test('a supervisor creates an unclaimed todo task with no time by default', () => {
    const result = createTask(null, { id: 't1', title: 'Fix pump' }, contextAt(T0, supervisor));
    expect(result).toEqual({
      ok: true,
      value: [
        {
          op: 'put',
          table: 'tasks',
          row: { id: 't1', title: 'Fix pump', status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0, created_at: T0, updated_at: T0 },
        },
      ],
    });
  });

  test('a worker may not create tasks (403 FORBIDDEN)', () => {
    const result = createTask(null, { id: 't1', title: 'x' }, contextAt(T0, actor('w1')));
    expect(result.ok ? null : result.error.code).toBe('FORBIDDEN');
  });

  test('an admin creates with a given status', () => {
    const result = createTask(null, { id: 't1', title: 'x', status: TaskStatus.backlog }, contextAt(T0, actor('a1', 'admin')));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe('backlog');
  });

  test('creating straight into in-progress picks the task up for the creator and opens their session', () => {
    const result = createTask(null, { id: 't1', title: 'x', status: TaskStatus.inProgress }, contextAt(T0, supervisor));
    if (!result.ok) throw new Error(result.error.message);
    expect(rowsOf(result.value, 'tasks')).toEqual([
      expect.objectContaining({ status: 'in-progress', claimed_by: 's1', assigned_at: T0, created_at: T0 }),
    ]);
    expect(rowsOf(result.value, 'work_sessions')).toEqual([expect.objectContaining({ user_id: 's1', started_at: T0, ended_at: null })]);
  });

  test('re-creating the same id with the same title is an idempotent no-op', () => {
    const existing = taskRow({ id: 't1', title: 'Fix pump' });
    expect(createTask(existing, { id: 't1', title: 'Fix pump' }, contextAt(T0 + MINUTE, supervisor))).toEqual({ ok: true, value: [] });
  });

  test('re-creating the same id with another title is 409 CONFLICT_EXISTS', () => {
    const existing = taskRow({ id: 't1', title: 'Fix pump' });
    const result = createTask(existing, { id: 't1', title: 'Paint wall' }, contextAt(T0, supervisor));
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_EXISTS');
  });
});

describe('rename task', () => {
  test('a supervisor renames; updated_at moves forward', () => {
    const result = renameTask(snapshot(taskRow({ id: 't1' })), { title: 'New' }, contextAt(T0 + MINUTE, supervisor));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]).toMatchObject({ title: 'New', updated_at: T0 + MINUTE });
  });

  test('a worker may not rename (403 FORBIDDEN)', () => {
    const result = renameTask(snapshot(taskRow({ id: 't1' })), { title: 'New' }, contextAt(T0, actor('w1')));
    expect(result.ok ? null : result.error.code).toBe('FORBIDDEN');
  });

  test('renaming to the same title changes nothing', () => {
    const task = taskRow({ id: 't1', title: 'Same' });
    expect(renameTask(snapshot(task), { title: 'Same' }, contextAt(T0, supervisor))).toEqual({ ok: true, value: [] });
  });
});
