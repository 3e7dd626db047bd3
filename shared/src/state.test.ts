import { describe, expect, test } from 'vitest';
import { put } from './effects.ts';
import { applyEffects, applyEffectsInPlace, emptyMutableState, emptyState, getRow, keyOf, rowKey, rowsOfTable, stateFrom } from './state.ts';
import type { TaskRow } from './rows.ts';

const task = (id: string, title = 'x'): TaskRow => ({
  id,
  title,
  status: 'todo',
  claimed_by: null,
  assigned_at: null,
  time_spent_ms: 0,
  created_at: 0,
  updated_at: 0,
});

describe('in-memory state', () => {
  test('a put inserts, a second put of the same key replaces, in order', () => {
    const state = applyEffects(emptyState(), [put('tasks', task('a', '1')), put('tasks', task('b')), put('tasks', task('a', '2'))]);
    expect(rowsOfTable(state, 'tasks').map((t) => [t.id, t.title])).toEqual([
      ['a', '2'],
      ['b', 'x'],
    ]);
  });

  test('applyEffects leaves its input untouched and shares untouched tables', () => {
    const before = stateFrom({ tasks: [task('a')] });
    const after = applyEffects(before, [put('tasks', task('b'))]);
    expect(before.tasks.size).toBe(1);
    expect(after.tasks.size).toBe(2);
    expect(after.work_sessions).toBe(before.work_sessions);
    expect(applyEffects(before, [])).toBe(before);
  });

  test('composite keys never collide, whatever the ids contain', () => {
    const a = { user_id: 'u","x', task_id: 't', accumulated_ms: 1, updated_at: 0 };
    const b = { user_id: 'u', task_id: 'x","t', accumulated_ms: 2, updated_at: 0 };
    expect(rowKey('user_task_totals', a)).not.toBe(rowKey('user_task_totals', b));
    const state = applyEffects(emptyState(), [put('user_task_totals', a), put('user_task_totals', b)]);
    expect(getRow(state, 'user_task_totals', ['u', 'x","t'])?.accumulated_ms).toBe(2);
    expect(getRow(state, 'user_task_totals', keyOf(['u","x', 't']))?.accumulated_ms).toBe(1);
  });

  test('in-place application gives the same rows as the copying one', () => {
    const effects = [put('tasks', task('a', '1')), put('tasks', task('a', '2'))];
    const mutable = emptyMutableState();
    applyEffectsInPlace(mutable, effects);
    expect(rowsOfTable(mutable, 'tasks')).toEqual(rowsOfTable(applyEffects(emptyState(), effects), 'tasks'));
  });
});
