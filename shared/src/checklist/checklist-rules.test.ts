import { describe, expect, test } from 'vitest';
import { rowsOf } from '../effects.ts';
import type { Effect } from '../effects.ts';
import type { ErrorCode } from '../errors.ts';
import type { Result } from '../result.ts';
import { ChecklistStatus, TaskStatus } from '../rows.ts';
import type { ChecklistItemRow, TaskRow } from '../rows.ts';
import { applyEffects, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { checkTaskInvariants, taskTablesOf } from '../tasks/task-invariants.ts';
import { snapshotOf } from '../tasks/task-snapshot.ts';
import { actor, contextAt, itemRow, openSessionRow, T0, taskRow } from '../tasks/testing.ts';
import { addChecklistItem, deleteChecklistItem, renameChecklistItem, setChecklistItemStatus } from './checklist-rules.ts';
import { deriveTaskStatus, displayedStatus, liveItems } from './derive.ts';

const { planned: PLANNED, inProgress: IN_PROGRESS, done: DONE, skipped: SKIPPED } = ChecklistStatus;
const W1 = actor('w1');
const W2 = actor('w2');
const S1 = actor('s1', 'supervisor');

function world(task: Partial<TaskRow>, statuses: ChecklistStatus[], extra: { session?: boolean } = {}): State {
  const t = taskRow({ id: 't1', ...task });
  const items = statuses.map((status, n) => itemRow({ id: `i${n}`, task_id: 't1', status, position: n }));
  const sessions = extra.session === true ? [openSessionRow({ id: 'ws0', task_id: 't1', user_id: t.claimed_by ?? 'w1' })] : [];
  return stateFrom({ tasks: [t], checklist_items: items, work_sessions: sessions });
}

function apply(state: State, rule: (snap: NonNullable<ReturnType<typeof snapshotOf>>) => Result<Effect[]>): { state: State; effects: Effect[] } {
  const result = rule(snapshotOf(state, 't1')!);
  if (!result.ok) throw result.error;
  const next = applyEffects(state, result.value);
  expect(checkTaskInvariants(taskTablesOf(next))).toEqual([]);
  return { state: next, effects: result.value };
}

function refusal(state: State, rule: (snap: NonNullable<ReturnType<typeof snapshotOf>>) => Result<Effect[]>, code: ErrorCode) {
  const result = rule(snapshotOf(state, 't1')!);
  if (result.ok) throw new Error(`expected ${code}`);
  expect(result.error.code).toBe(code);
  return result.error;
}

const task = (state: State) => state.tasks.get('t1')!;
const items = (state: State): ChecklistItemRow[] => [...state.checklist_items.values()].filter((i) => i.task_id === 't1');
const openSessions = (state: State) => [...state.work_sessions.values()].filter((s) => s.ended_at === null);
const at = (s: number, who = W1) => contextAt(T0 + s * 1_000, who);

// Four of these are the spec's own cases (seeds/004-checklist-derived-task-status.md: test cases 9 and 10, edge cases 3 and 4).
describe('checklist rules', () => {
  test('updating the first of [PLANNED, PLANNED] to IN_PROGRESS moves the task to in progress', () => {
    const before = world({}, [PLANNED, PLANNED]);
    expect(displayedStatus(task(before).status, items(before))).toBe(PLANNED);
    const { state } = apply(before, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: IN_PROGRESS }, at(60)));
    expect(task(state)).toMatchObject({ status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 + 60_000 });
    expect(displayedStatus(task(state).status, items(state))).toBe(IN_PROGRESS);
    // Derived changes obey I2: picking the task up opened the worker's session.
    expect(openSessions(state)).toMatchObject([{ task_id: 't1', user_id: 'w1', started_at: T0 + 60_000 }]);
  });

  test('deleting the IN_PROGRESS item of [IN_PROGRESS, PLANNED] moves the task back to planned', () => {
    const before = world({ status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 }, [IN_PROGRESS, PLANNED], { session: true });
    const { state, effects } = apply(before, (snap) => deleteChecklistItem(snap, { item_id: 'i0' }, at(90)));
    expect(rowsOf(effects, 'checklist_items')).toEqual([{ ...items(before)[0], deleted_at: T0 + 90_000, updated_at: T0 + 90_000 }]);
    expect(task(state)).toMatchObject({ status: TaskStatus.todo, time_spent_ms: 90_000 });
    expect(displayedStatus(task(state).status, items(state))).toBe(PLANNED);
    expect(openSessions(state)).toEqual([]);
    expect(state.work_sessions.get('ws0')).toMatchObject({ ended_at: T0 + 90_000, ended_reason: 'status_change' });
  });

  test('finishing every item completes the task and closes its session', () => {
    let state = world({ status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 }, [IN_PROGRESS, SKIPPED], { session: true });
    state = apply(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: DONE }, at(30))).state;
    expect(task(state)).toMatchObject({ status: TaskStatus.done, time_spent_ms: 30_000 });
    expect(openSessions(state)).toEqual([]);
  });

  test('skipping every item skips the task', () => {
    let state = world({}, [PLANNED]);
    state = apply(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: SKIPPED }, at(5))).state;
    expect(task(state).status).toBe(TaskStatus.skipped);
  });

  test('the first planned item of a done task makes it planned', () => {
    const before = world({ status: TaskStatus.done }, []);
    const { state, effects } = apply(before, (snap) => addChecklistItem(snap, { id: 'new', title: ' Check oil ' }, at(10)));
    expect(rowsOf(effects, 'checklist_items')).toEqual([
      { id: 'new', task_id: 't1', title: 'Check oil', status: PLANNED, position: 0, deleted_at: null, created_at: T0 + 10_000, updated_at: T0 + 10_000 },
    ]);
    expect(task(state).status).toBe(TaskStatus.todo);
  });

  test('deleting the last live item leaves the task atomic with its current status', () => {
    const before = world({ status: TaskStatus.inProgress, claimed_by: 'w1', assigned_at: T0 }, [IN_PROGRESS], { session: true });
    const { state, effects } = apply(before, (snap) => deleteChecklistItem(snap, { item_id: 'i0' }, at(10)));
    expect(effects).toHaveLength(1);
    expect(task(state).status).toBe(TaskStatus.inProgress);
    expect(liveItems(items(state))).toEqual([]);
    expect(openSessions(state)).toHaveLength(1);
  });

  test('an on-hold task stays on hold while its items still say "in progress"', () => {
    const before = world({ status: TaskStatus.onHold, claimed_by: 'w1', assigned_at: T0 }, [IN_PROGRESS, PLANNED]);
    const { state, effects } = apply(before, (snap) => setChecklistItemStatus(snap, { item_id: 'i1', status: DONE }, at(10)));
    expect(effects.map((e) => e.table)).toEqual(['checklist_items']);
    expect(task(state).status).toBe(TaskStatus.onHold);
  });

  test('unticking an item of a done task reopens it and picks it up', () => {
    const before = world({ status: TaskStatus.done, claimed_by: 'w1', assigned_at: T0 }, [DONE, DONE]);
    const { state, effects } = apply(before, (snap) => setChecklistItemStatus(snap, { item_id: 'i1', status: PLANNED }, at(10)));
    expect(rowsOf(effects, 'tasks')).toHaveLength(1);
    expect(task(state)).toMatchObject({ status: TaskStatus.inProgress, claimed_by: 'w1' });
    expect(openSessions(state)).toHaveLength(1);
  });

  test('a supervisor ticking an item of a task claimed by a worker puts it on hold, never starting their clock', () => {
    const before = world({ claimed_by: 'w1', assigned_at: T0 }, [PLANNED, PLANNED]);
    const { state } = apply(before, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: IN_PROGRESS }, at(10, S1)));
    expect(task(state)).toMatchObject({ status: TaskStatus.onHold, claimed_by: 'w1' });
    expect(openSessions(state)).toEqual([]);
  });

  test('adding items numbers their positions and a retried add changes nothing', () => {
    let state = world({}, [PLANNED]);
    state = apply(state, (snap) => addChecklistItem(snap, { id: 'n1', title: 'B', status: DONE }, at(1))).state;
    expect(state.checklist_items.get('n1')).toMatchObject({ position: 1, status: DONE });
    expect(task(state).status).toBe(TaskStatus.inProgress);
    expect(apply(state, (snap) => addChecklistItem(snap, { id: 'n1', title: 'B', status: DONE }, at(2))).effects).toEqual([]);
    refusal(state, (snap) => addChecklistItem(snap, { id: 'n1', title: 'Other', status: DONE }, at(2)), 'CONFLICT_EXISTS');
  });

  test('renaming an item changes only the item', () => {
    const before = world({}, [PLANNED]);
    const { effects } = apply(before, (snap) => renameChecklistItem(snap, { item_id: 'i0', title: 'Renamed' }, at(1)));
    expect(effects).toEqual([{ op: 'put', table: 'checklist_items', row: { ...items(before)[0], title: 'Renamed', updated_at: T0 + 1_000 } }]);
  });

  test('setting the status an item already has changes nothing', () => {
    const before = world({}, [PLANNED]);
    expect(apply(before, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: PLANNED }, at(1))).effects).toEqual([]);
  });
});

describe('checklist refusals', () => {
  test.each([0, 5, 2.5, '2'])('status %j is invalid input', (status) => {
    const state = world({}, [PLANNED]);
    refusal(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: status as ChecklistStatus }, at(1)), 'INVALID_INPUT');
    refusal(state, (snap) => addChecklistItem(snap, { id: 'x', title: 'x', status: status as ChecklistStatus }, at(1)), 'INVALID_INPUT');
  });

  test('a blank title is invalid input', () => {
    const state = world({}, [PLANNED]);
    refusal(state, (snap) => addChecklistItem(snap, { id: 'x', title: ' ' }, at(1)), 'INVALID_INPUT');
    refusal(state, (snap) => renameChecklistItem(snap, { item_id: 'i0', title: '' }, at(1)), 'INVALID_INPUT');
  });

  test('an unknown item or another task\'s item is not found', () => {
    const state = applyEffects(world({}, [PLANNED]), [
      { op: 'put', table: 'checklist_items', row: itemRow({ id: 'foreign', task_id: 't2' }) },
    ]);
    const snap = { ...snapshotOf(state, 't1')!, items: [...items(state), state.checklist_items.get('foreign')!] };
    for (const item_id of ['nope', 'foreign']) {
      expect(setChecklistItemStatus(snap, { item_id, status: DONE }, at(1))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(renameChecklistItem(snap, { item_id, title: 'x' }, at(1))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(deleteChecklistItem(snap, { item_id }, at(1))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  test('a deleted item cannot be set or renamed; deleting it again changes nothing', () => {
    let state = world({}, [PLANNED, PLANNED]);
    state = apply(state, (snap) => deleteChecklistItem(snap, { item_id: 'i0' }, at(1))).state;
    refusal(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: DONE }, at(2)), 'NOT_FOUND');
    refusal(state, (snap) => renameChecklistItem(snap, { item_id: 'i0', title: 'x' }, at(2)), 'NOT_FOUND');
    expect(apply(state, (snap) => deleteChecklistItem(snap, { item_id: 'i0' }, at(2))).effects).toEqual([]);
  });

  test('a worker may not change items of a task claimed by someone else; supervisors may', () => {
    const state = world({ claimed_by: 'w1', assigned_at: T0 }, [PLANNED]);
    const error = refusal(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: DONE }, at(1, W2)), 'CONFLICT_CLAIMED');
    expect(error.details).toMatchObject({ task_id: 't1', claimed_by: 'w1' });
    refusal(state, (snap) => addChecklistItem(snap, { id: 'x', title: 'x' }, at(1, W2)), 'CONFLICT_CLAIMED');
    refusal(state, (snap) => renameChecklistItem(snap, { item_id: 'i0', title: 'x' }, at(1, W2)), 'CONFLICT_CLAIMED');
    refusal(state, (snap) => deleteChecklistItem(snap, { item_id: 'i0' }, at(1, W2)), 'CONFLICT_CLAIMED');
    const { state: next } = apply(state, (snap) => setChecklistItemStatus(snap, { item_id: 'i0', status: DONE }, at(1, S1)));
    expect(task(next).status).toBe(TaskStatus.done);
    expect(deriveTaskStatus(liveItems(items(next)))).toBe(DONE);
  });
});
