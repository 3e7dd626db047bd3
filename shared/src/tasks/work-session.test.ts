import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import { rowsOfTable, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { MINUTE, SECOND } from '../time.ts';
import { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
import { actor, contextAt, itemRow, openSessionRow, snapshot, step, T0, taskRow } from './testing.ts';
import type { Act } from './testing.ts';
import type { Actor } from '../context.ts';
import { heartbeatWork, pauseWork, startWork } from './work-session.ts';
import { activeSessionsOf } from './work-views.ts';

const w1 = actor('w1');
const w2 = actor('w2');

/** Runs acts in order at the given times; every act must be accepted and leave the invariants intact. */
function run(state: State, acts: readonly [number, Actor, Act][]): State {
  let current = state;
  for (const [at, who, act] of acts) {
    const next = step(current, act, contextAt(at, who, { idPrefix: `${at}-` }));
    if (!next.result.ok) throw new Error(`${act.kind} refused: ${next.result.error.code}`);
    expect(checkTaskInvariants(taskTablesOf(next.state))).toEqual([]);
    current = next.state;
  }
  return current;
}

function code(result: { ok: boolean; error?: { code: string } }): string | null {
  return result.ok ? null : (result.error?.code ?? null);
}

const claimedByW1 = stateFrom({
  tasks: [
    taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 }),
    taskRow({ id: 'B', claimed_by: 'w1', assigned_at: T0 }),
    taskRow({ id: 'C', claimed_by: 'w2', assigned_at: T0 }),
    taskRow({ id: 'D' }),
  ],
});

describe('my work sessions', () => {
  test('multi-ongoing: start on tasks A and B claimed by the user gives two active sessions', () => {
    const state = run(claimedByW1, [
      [T0 + SECOND, w1, { kind: 'work.start', args: { task_id: 'A' } }],
      [T0 + 2 * SECOND, w1, { kind: 'work.start', args: { task_id: 'B' } }],
    ]);
    const open = rowsOfTable(state, 'work_sessions').filter((s) => s.ended_at === null);
    expect(activeSessionsOf('w1', open, rowsOfTable(state, 'user_task_totals'))).toEqual([
      { task_id: 'A', started_at: T0 + SECOND, accumulated_ms: 0 },
      { task_id: 'B', started_at: T0 + 2 * SECOND, accumulated_ms: 0 },
    ]);
    expect(state.tasks.get('A')?.status).toBe('in-progress');
    expect(state.tasks.get('B')?.status).toBe('in-progress');
  });

  test('single ongoing per task: starting again by the claimer is idempotent (same session, no duplicate)', () => {
    const state = run(claimedByW1, [[T0, w1, { kind: 'work.start', args: { task_id: 'A' } }]]);
    const again = step(state, { kind: 'work.start', args: { task_id: 'A' } }, contextAt(T0 + MINUTE, w1));
    expect(again.result).toEqual({ ok: true, value: [] });
    expect(rowsOfTable(again.state, 'work_sessions')).toHaveLength(1);
  });

  test('single ongoing per task: a second person cannot open another session on an active task (409)', () => {
    const state = run(claimedByW1, [[T0, w1, { kind: 'work.start', args: { task_id: 'A' } }]]);
    expect(code(step(state, { kind: 'work.start', args: { task_id: 'A' } }, contextAt(T0, w2)).result)).toBe('CONFLICT_CLAIMED');
  });

  test('only the claimer can start (409 CONFLICT_CLAIMED): someone else’s task and an unclaimed task', () => {
    expect(code(step(claimedByW1, { kind: 'work.start', args: { task_id: 'C' } }, contextAt(T0, w1)).result)).toBe('CONFLICT_CLAIMED');
    expect(code(step(claimedByW1, { kind: 'work.start', args: { task_id: 'D' } }, contextAt(T0, w1)).result)).toBe('CONFLICT_CLAIMED');
    expect(code(step(claimedByW1, { kind: 'work.start', args: { task_id: 'A' } }, contextAt(T0, actor('s1', 'supervisor'))).result)).toBe(
      'CONFLICT_CLAIMED',
    );
  });

  test('start on a completed task is rejected; complete closes the active session', () => {
    const state = run(claimedByW1, [
      [T0, w1, { kind: 'work.start', args: { task_id: 'A' } }],
      [T0 + 3 * MINUTE, w1, { kind: 'task.complete', args: { task_id: 'A' } }],
    ]);
    const sessions = rowsOfTable(state, 'work_sessions');
    expect(sessions).toEqual([expect.objectContaining({ ended_at: T0 + 3 * MINUTE, ended_reason: 'complete' })]);
    expect(state.tasks.get('A')).toMatchObject({ status: 'done', time_spent_ms: 3 * MINUTE });
    expect(code(step(state, { kind: 'work.start', args: { task_id: 'A' } }, contextAt(T0 + 4 * MINUTE, w1)).result)).toBe('CONFLICT_INVALID_STATE');
  });

  test('pause closes the session, adds to accumulated time, and a later start continues the total', () => {
    const state = run(claimedByW1, [
      [T0, w1, { kind: 'work.start', args: { task_id: 'A' } }],
      [T0 + 7 * MINUTE, w1, { kind: 'work.pause', args: { task_id: 'A' } }],
      [T0 + 10 * MINUTE, w1, { kind: 'work.start', args: { task_id: 'A' } }],
    ]);
    expect(state.tasks.get('A')).toMatchObject({ status: 'in-progress', time_spent_ms: 7 * MINUTE });
    const open = rowsOfTable(state, 'work_sessions').filter((s) => s.ended_at === null);
    expect(activeSessionsOf('w1', open, rowsOfTable(state, 'user_task_totals'))).toEqual([
      { task_id: 'A', started_at: T0 + 10 * MINUTE, accumulated_ms: 7 * MINUTE },
    ]);
    expect(rowsOfTable(state, 'work_sessions').find((s) => s.ended_at !== null)?.ended_reason).toBe('pause');
  });

  test('pause with no active session is a no-op (200)', () => {
    expect(pauseWork(snapshot(taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })), contextAt(T0, w1))).toEqual({ ok: true, value: [] });
  });

  test('pause of a task someone else is working on is a no-op for the caller', () => {
    const task = taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
    const snap = snapshot(task, { open_session: openSessionRow({ id: 's', task_id: 'A', user_id: 'w1' }) });
    expect(pauseWork(snap, contextAt(T0 + MINUTE, w2))).toEqual({ ok: true, value: [] });
  });

  test('heartbeat moves last_heartbeat_at forward on the caller’s open session only', () => {
    const task = taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
    const open = openSessionRow({ id: 's', task_id: 'A', user_id: 'w1' });
    const beat = heartbeatWork(snapshot(task, { open_session: open }), contextAt(T0 + MINUTE, w1));
    expect(beat.ok && rowsOf(beat.value, 'work_sessions')).toEqual([{ ...open, last_heartbeat_at: T0 + MINUTE }]);
    const late = heartbeatWork(snapshot(task, { open_session: { ...open, last_heartbeat_at: T0 + 2 * MINUTE } }), contextAt(T0 + MINUTE, w1));
    expect(late).toEqual({ ok: true, value: [] });
  });

  test('heartbeat without an active session of the caller is 409 CONFLICT_INVALID_STATE', () => {
    const task = taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
    const open = openSessionRow({ id: 's', task_id: 'A', user_id: 'w1' });
    const none = heartbeatWork(snapshot(taskRow({ id: 'A' })), contextAt(T0, w1));
    expect(none.ok ? null : [none.error.code, none.error.message]).toEqual(['CONFLICT_INVALID_STATE', 'No active session on this task']);
    expect(code(heartbeatWork(snapshot(task, { open_session: open }), contextAt(T0, w2)))).toBe('CONFLICT_INVALID_STATE');
  });
});

describe('work sessions on checklist tasks (I6)', () => {
  const claimed = taskRow({ id: 'A', status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0 });

  test('start is allowed while the checklist derives "in progress"; the task stays consistent with its items', () => {
    const items = [itemRow({ id: 'i1', task_id: 'A', status: ChecklistStatus.done }), itemRow({ id: 'i2', task_id: 'A' })];
    const result = startWork(snapshot(claimed, { items }), contextAt(T0, w1));
    expect(result.ok && rowsOf(result.value, 'tasks')[0]?.status).toBe('in-progress');
  });

  test('start is 400 STATUS_DERIVED when the checklist derives anything else', () => {
    const todo = taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 });
    const items = [itemRow({ id: 'i1', task_id: 'A', status: ChecklistStatus.planned })];
    expect(code(startWork(snapshot(todo, { items }), contextAt(T0, w1)))).toBe('STATUS_DERIVED');
  });
});
