import { describe, expect, test } from 'vitest';
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import type { TaskRow, UserTaskTotalRow, WorkSessionRow } from '../rows.ts';
import { MINUTE } from '../time.ts';
import { checkTaskInvariants } from './task-invariants.ts';
import type { TaskTables } from './task-invariants.ts';
import { itemRow, openSessionRow, T0, taskRow } from './testing.ts';

function closed(id: string, taskId: string, userId: string, start: number, end: number): WorkSessionRow {
  return { ...openSessionRow({ id, task_id: taskId, user_id: userId, started_at: start }), ended_at: end, ended_reason: 'pause' };
}

/** A consistent state: A in progress by w1 with 2 min of closed time, B done by w2. */
function good(): { tasks: TaskRow[]; sessions: WorkSessionRow[]; totals: UserTaskTotalRow[]; items: TaskTables['items'] } {
  return {
    tasks: [
      taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0, time_spent_ms: 2 * MINUTE }),
      taskRow({ id: 'B', status: TaskStatus.done, claimed_by: 'w2', assigned_at: T0, time_spent_ms: 0 }),
    ],
    sessions: [
      closed('s1', 'A', 'w1', T0, T0 + 2 * MINUTE),
      openSessionRow({ id: 's2', task_id: 'A', user_id: 'w1', started_at: T0 + 3 * MINUTE }),
      closed('s3', 'B', 'w2', T0, T0),
    ],
    totals: [
      { user_id: 'w1', task_id: 'A', accumulated_ms: 2 * MINUTE, updated_at: T0 },
      { user_id: 'w2', task_id: 'B', accumulated_ms: 0, updated_at: T0 },
    ],
    items: [],
  };
}

function violated(state: TaskTables): string[] {
  return checkTaskInvariants(state).map((v) => `${v.invariant} ${v.entity_id}`);
}

describe('task invariant checker', () => {
  test('a consistent state has no violations', () => {
    expect(checkTaskInvariants(good())).toEqual([]);
  });

  test('I1: two open sessions on one task', () => {
    const s = good();
    s.sessions.push(openSessionRow({ id: 's9', task_id: 'A', user_id: 'w1', started_at: T0 + 4 * MINUTE }));
    expect(violated(s)).toContain('I1 A');
  });

  test('I2: in-progress without an open session, and an open session on a done task', () => {
    const s = good();
    s.sessions = s.sessions.filter((x) => x.id !== 's2');
    s.sessions.push(openSessionRow({ id: 's9', task_id: 'B', user_id: 'w2', started_at: T0 + MINUTE }));
    expect(violated(s)).toEqual(expect.arrayContaining(['I2 A', 'I2 B']));
  });

  test('I3: an open session of someone other than the claimer; a claim without a pick-up time', () => {
    const s = good();
    s.tasks[0] = { ...s.tasks[0]!, claimed_by: 'w2' };
    s.tasks[1] = { ...s.tasks[1]!, assigned_at: null };
    expect(violated(s)).toEqual(['I3 A', 'I3 B']);
  });

  test('I4: time_spent, a total, a missing total and an orphan session are all caught', () => {
    const s = good();
    s.tasks[0] = { ...s.tasks[0]!, time_spent_ms: 1 };
    s.totals[0] = { ...s.totals[0]!, accumulated_ms: 5 };
    s.totals.pop();
    s.sessions.push(closed('s8', 'ghost', 'w1', T0, T0 + 1));
    expect(violated(s)).toEqual(
      expect.arrayContaining(['I4 ghost', 'I4 A', `I4 ${JSON.stringify(['w1', 'A'])}`, `I4 ${JSON.stringify(['w2', 'B'])}`]),
    );
  });

  test('I5: negative duration, overlapping sessions, heartbeat before start, reason without end', () => {
    const s = good();
    s.sessions = [
      closed('s1', 'A', 'w1', T0, T0 + 4 * MINUTE), // overlaps s2, which starts at +3
      { ...openSessionRow({ id: 's2', task_id: 'A', user_id: 'w1', started_at: T0 + 3 * MINUTE }), last_heartbeat_at: T0 },
      closed('s3', 'B', 'w2', T0 + MINUTE, T0),
      { ...closed('s4', 'B', 'w2', T0 + 2 * MINUTE, T0 + 3 * MINUTE), ended_at: null },
    ];
    const found = violated(s);
    expect(found).toEqual(expect.arrayContaining(['I5 A', 'I5 s2', 'I5 s3', 'I5 s4']));
  });

  test('zero-length sessions touching a later one do not count as overlap', () => {
    const s = good();
    s.sessions.push(closed('s0', 'A', 'w1', T0 + 3 * MINUTE, T0 + 3 * MINUTE));
    expect(checkTaskInvariants(s)).toEqual([]);
  });

  test('I6: a checklist task whose status disagrees with its live items', () => {
    const s = good();
    s.items = [itemRow({ id: 'i', task_id: 'B', status: ChecklistStatus.planned })];
    expect(violated(s)).toEqual(['I6 B']);
    s.items = [itemRow({ id: 'i', task_id: 'B', status: ChecklistStatus.planned, deleted_at: T0 })];
    expect(violated(s)).toEqual([]);
  });
});
