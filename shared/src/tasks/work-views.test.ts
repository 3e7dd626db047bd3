import { describe, expect, test } from 'vitest';
import { TaskStatus } from '../rows.ts';
import { MINUTE } from '../time.ts';
import { openSessionRow, T0, taskRow } from './testing.ts';
import { activeSessionsOf, elapsedMs, ongoingBy, workState } from './work-views.ts';

const open = openSessionRow({ id: 's', task_id: 'A', user_id: 'w1', started_at: T0 });

describe('work_state', () => {
  test('available when unclaimed with no session', () => {
    expect(workState(taskRow({ id: 'A' }), null)).toBe('available');
  });
  test('claimed when claimed with no session', () => {
    expect(workState(taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 }), null)).toBe('claimed');
  });
  test('ongoing when a session is open', () => {
    expect(workState(taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 }), open)).toBe('ongoing');
  });
  test('completed when done, whatever else', () => {
    expect(workState(taskRow({ id: 'A', status: TaskStatus.done, claimed_by: 'w1', assigned_at: T0 }), open)).toBe('completed');
    expect(workState(taskRow({ id: 'A', status: TaskStatus.done }), null)).toBe('completed');
  });
});

describe('ongoing_by and timers', () => {
  test('ongoing_by names the open session’s user, or null', () => {
    expect(ongoingBy(open)).toEqual({ user_id: 'w1' });
    expect(ongoingBy(null)).toBeNull();
  });

  test('elapsed = accumulated + (as_of − started_at) while open, accumulated otherwise', () => {
    expect(elapsedMs(7 * MINUTE, open, T0 + 10 * MINUTE)).toBe(17 * MINUTE);
    expect(elapsedMs(7 * MINUTE, null, T0 + 10 * MINUTE)).toBe(7 * MINUTE);
    expect(elapsedMs(7 * MINUTE, open, T0 - MINUTE)).toBe(7 * MINUTE);
  });

  test('active sessions list 0, 1 or N entries of the user only, oldest first, with their closed time', () => {
    const sessions = [
      openSessionRow({ id: 's2', task_id: 'B', user_id: 'w1', started_at: T0 + MINUTE }),
      openSessionRow({ id: 's1', task_id: 'A', user_id: 'w1', started_at: T0 }),
      openSessionRow({ id: 's3', task_id: 'C', user_id: 'w2', started_at: T0 }),
      { ...openSessionRow({ id: 's0', task_id: 'D', user_id: 'w1' }), ended_at: T0, ended_reason: 'pause' as const },
    ];
    const totals = [
      { user_id: 'w1', task_id: 'A', accumulated_ms: 420_000, updated_at: T0 },
      { user_id: 'w2', task_id: 'B', accumulated_ms: 99, updated_at: T0 },
    ];
    expect(activeSessionsOf('w1', sessions, totals)).toEqual([
      { task_id: 'A', started_at: T0, accumulated_ms: 420_000 },
      { task_id: 'B', started_at: T0 + MINUTE, accumulated_ms: 0 },
    ]);
    expect(activeSessionsOf('w3', sessions, totals)).toEqual([]);
  });
});
