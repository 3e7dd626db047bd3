import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import { MINUTE } from '../time.ts';
import { claimTask, completeTask, releaseTask } from './task-claim.ts';
import { actor, contextAt, itemRow, openSessionRow, snapshot, T0, taskRow } from './testing.ts';

const w1 = actor('w1');
const w2 = actor('w2');
const supervisor = actor('s1', 'supervisor');

function working() {
  const task = taskRow({ id: 't1', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
  return snapshot(task, { open_session: openSessionRow({ id: 's', task_id: 't1', user_id: 'w1' }) });
}

function code(result: { ok: boolean; error?: { code: string } }): string | null {
  return result.ok ? null : (result.error?.code ?? null);
}

describe('claim', () => {
  test('claiming an unclaimed task takes it and sets the pick-up time', () => {
    const result = claimTask(snapshot(taskRow({ id: 't1' })), contextAt(T0 + MINUTE, w1));
    expect(result.ok && rowsOf(result.value, 'tasks')).toEqual([
      expect.objectContaining({ claimed_by: 'w1', assigned_at: T0 + MINUTE, updated_at: T0 + MINUTE, status: 'todo' }),
    ]);
  });

  test('claiming your own task again is an idempotent no-op', () => {
    const task = taskRow({ id: 't1', claimed_by: 'w1', assigned_at: T0 });
    expect(claimTask(snapshot(task), contextAt(T0 + MINUTE, w1))).toEqual({ ok: true, value: [] });
  });

  test('claiming a task claimed by someone else is 409 CONFLICT_CLAIMED, for supervisors too', () => {
    const task = taskRow({ id: 't1', claimed_by: 'w1', assigned_at: T0 });
    expect(code(claimTask(snapshot(task), contextAt(T0, w2)))).toBe('CONFLICT_CLAIMED');
    expect(code(claimTask(snapshot(task), contextAt(T0, supervisor)))).toBe('CONFLICT_CLAIMED');
  });

  test('claiming a done task is 409 CONFLICT_INVALID_STATE', () => {
    expect(code(claimTask(snapshot(taskRow({ id: 't1', status: TaskStatus.done })), contextAt(T0, w1)))).toBe('CONFLICT_INVALID_STATE');
  });
});

describe('release', () => {
  test('release closes the active session first (reason release), puts the task on hold and clears the claim', () => {
    const result = releaseTask(working(), contextAt(T0 + 4 * MINUTE, w1));
    if (!result.ok) throw new Error(result.error.message);
    expect(rowsOf(result.value, 'work_sessions')[0]).toMatchObject({ ended_at: T0 + 4 * MINUTE, ended_reason: 'release' });
    expect(rowsOf(result.value, 'user_task_totals')[0]).toMatchObject({ user_id: 'w1', accumulated_ms: 4 * MINUTE });
    expect(rowsOf(result.value, 'tasks')).toEqual([
      expect.objectContaining({ status: 'on-hold', claimed_by: null, assigned_at: null, time_spent_ms: 4 * MINUTE }),
    ]);
  });

  test('a supervisor may release anyone’s task; the closed time stays the worker’s', () => {
    const result = releaseTask(working(), contextAt(T0 + MINUTE, supervisor));
    expect(result.ok && rowsOf(result.value, 'user_task_totals')[0]?.user_id).toBe('w1');
  });

  test('another worker may not release (409 CONFLICT_CLAIMED)', () => {
    expect(code(releaseTask(working(), contextAt(T0, w2)))).toBe('CONFLICT_CLAIMED');
  });

  test('releasing a claimed todo task keeps its status and opens or closes nothing', () => {
    const task = taskRow({ id: 't1', claimed_by: 'w1', assigned_at: T0 });
    const result = releaseTask(snapshot(task), contextAt(T0 + MINUTE, w1));
    expect(result.ok && result.value).toEqual([
      { op: 'put', table: 'tasks', row: { ...task, claimed_by: null, assigned_at: null, updated_at: T0 + MINUTE } },
    ]);
  });

  test('releasing an unclaimed task is a no-op', () => {
    expect(releaseTask(snapshot(taskRow({ id: 't1' })), contextAt(T0, w2))).toEqual({ ok: true, value: [] });
  });

  test('releasing an in-progress checklist task puts it on hold, keeping its numeric status 2 (I6)', () => {
    const snap = { ...working(), items: [itemRow({ id: 'i', task_id: 't1', status: ChecklistStatus.inProgress })] };
    const result = releaseTask(snap, contextAt(T0 + MINUTE, w1));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe('on-hold');
  });
});

describe('complete', () => {
  test('complete closes the active session (reason complete) and marks the task done', () => {
    const result = completeTask(working(), contextAt(T0 + 9 * MINUTE, w1));
    if (!result.ok) throw new Error(result.error.message);
    expect(rowsOf(result.value, 'work_sessions')[0]).toMatchObject({ ended_at: T0 + 9 * MINUTE, ended_reason: 'complete' });
    expect(rowsOf(result.value, 'tasks')[0]).toMatchObject({ status: 'done', time_spent_ms: 9 * MINUTE, claimed_by: 'w1' });
  });

  test('a worker completing an unclaimed task is 409 CONFLICT_CLAIMED: claim it first', () => {
    const result = completeTask(snapshot(taskRow({ id: 't1' })), contextAt(T0, w2));
    expect(result.ok ? null : result.error).toMatchObject({ code: 'CONFLICT_CLAIMED', message: 'Claim the task before completing it' });
  });

  test.each([supervisor, actor('a1', 'admin')])('a $role may complete an unclaimed task', (who) => {
    const result = completeTask(snapshot(taskRow({ id: 't1' })), contextAt(T0, who));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe('done');
  });

  test('a supervisor may complete a task claimed by a worker; another worker may not (409 CONFLICT_CLAIMED)', () => {
    expect(completeTask(working(), contextAt(T0, supervisor)).ok).toBe(true);
    expect(code(completeTask(working(), contextAt(T0, w2)))).toBe('CONFLICT_CLAIMED');
  });

  test('completing a done task is an idempotent no-op', () => {
    const task = taskRow({ id: 't1', status: TaskStatus.done, claimed_by: 'w1', assigned_at: T0 });
    expect(completeTask(snapshot(task), contextAt(T0, w1))).toEqual({ ok: true, value: [] });
  });

  test('completing a checklist task is 400 STATUS_DERIVED: its items decide when it is done', () => {
    const snap = { ...working(), items: [itemRow({ id: 'i', task_id: 't1', status: ChecklistStatus.inProgress })] };
    expect(code(completeTask(snap, contextAt(T0, w1)))).toBe('STATUS_DERIVED');
  });
});
