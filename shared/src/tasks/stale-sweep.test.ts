import { describe, expect, test } from 'vitest';
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import { applyEffects, rowsOfTable, stateFrom } from '../state.ts';
import { MINUTE, SECOND } from '../time.ts';
import { closeStale, isStale, sweepStale } from './stale-sweep.ts';
import { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
import { actor, contextAt, itemRow, openSessionRow, snapshot, step, T0, taskRow } from './testing.ts';

const CUTOFF = 180 * SECOND;
const w1 = actor('w1');
const system = actor('system', 'admin');

describe('stale cutoff', () => {
  test('a session is stale only when its last heartbeat is strictly older than now − cutoff', () => {
    const open = openSessionRow({ id: 's', task_id: 'A', user_id: 'w1', last_heartbeat_at: T0 });
    expect(isStale(open, CUTOFF, T0 + CUTOFF)).toBe(false);
    expect(isStale(open, CUTOFF, T0 + CUTOFF + 1)).toBe(true);
    expect(isStale({ ...open, ended_at: T0, ended_reason: 'pause' }, CUTOFF, T0 + 10 * CUTOFF)).toBe(false);
  });

  test('heartbeat then stale cutoff closes the session', () => {
    let state = stateFrom({ tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })] });
    state = step(state, { kind: 'work.start', args: { task_id: 'A' } }, contextAt(T0, w1)).state;
    state = step(state, { kind: 'work.heartbeat', args: { task_id: 'A' } }, contextAt(T0 + MINUTE, w1)).state;
    state = step(state, { kind: 'work.heartbeat', args: { task_id: 'A' } }, contextAt(T0 + 2 * MINUTE, w1)).state;

    // Within the cutoff after the last heartbeat nothing happens.
    expect(sweepStale(state, CUTOFF, contextAt(T0 + 2 * MINUTE + CUTOFF, system))).toEqual([]);

    const swept = applyEffects(state, sweepStale(state, CUTOFF, contextAt(T0 + 10 * MINUTE, system)));
    expect(rowsOfTable(swept, 'work_sessions')).toEqual([
      expect.objectContaining({ ended_at: T0 + 2 * MINUTE, ended_reason: 'stale_timeout' }),
    ]);
    // Only evidenced time (up to the last heartbeat) counts.
    expect(swept.tasks.get('A')).toMatchObject({ status: 'on-hold', time_spent_ms: 2 * MINUTE, claimed_by: 'w1' });
    expect(rowsOfTable(swept, 'user_task_totals')).toEqual([expect.objectContaining({ accumulated_ms: 2 * MINUTE })]);
    expect(checkTaskInvariants(taskTablesOf(swept))).toEqual([]);

    // Idempotent: a second sweep finds nothing, and a heartbeat now is refused.
    expect(sweepStale(swept, CUTOFF, contextAt(T0 + 11 * MINUTE, system))).toEqual([]);
    expect(step(swept, { kind: 'work.heartbeat', args: { task_id: 'A' } }, contextAt(T0 + 11 * MINUTE, w1)).result.ok).toBe(false);
  });

  test('the sweep closes every stale session and leaves fresh ones open', () => {
    const tasks = ['A', 'B', 'C'].map((id) => taskRow({ id, status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 }));
    const sessions = [
      openSessionRow({ id: 'sa', task_id: 'A', user_id: 'w1', last_heartbeat_at: T0 }),
      openSessionRow({ id: 'sb', task_id: 'B', user_id: 'w1', last_heartbeat_at: T0 + 9 * MINUTE }),
      openSessionRow({ id: 'sc', task_id: 'C', user_id: 'w1', last_heartbeat_at: T0 + MINUTE }),
    ];
    const state = stateFrom({ tasks, work_sessions: sessions });
    const swept = applyEffects(state, sweepStale(state, CUTOFF, contextAt(T0 + 10 * MINUTE, system)));
    expect(rowsOfTable(swept, 'work_sessions').filter((s) => s.ended_at === null).map((s) => s.id)).toEqual(['sb']);
    expect([...swept.tasks.values()].map((t) => t.status)).toEqual(['on-hold', 'in-progress', 'on-hold']);
    expect(checkTaskInvariants(taskTablesOf(swept))).toEqual([]);
  });

  test('closing a stale checklist task puts it on hold, keeping its numeric status 2 (I6)', () => {
    const task = taskRow({ id: 'A', status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 });
    const items = [itemRow({ id: 'i', task_id: 'A', status: ChecklistStatus.inProgress })];
    const open = openSessionRow({ id: 's', task_id: 'A', user_id: 'w1' });
    const result = closeStale(snapshot(task, { items, open_session: open }), contextAt(T0 + 10 * MINUTE, system));
    const swept = applyEffects(stateFrom({ tasks: [task], checklist_items: items, work_sessions: [open] }), result.ok ? result.value : []);
    expect(swept.tasks.get('A')?.status).toBe('on-hold');
    expect(checkTaskInvariants(taskTablesOf(swept))).toEqual([]);
  });

  test('closeStale on a task with no open session changes nothing', () => {
    expect(closeStale(snapshot(taskRow({ id: 'A' })), contextAt(T0, system))).toEqual({ ok: true, value: [] });
  });
});
