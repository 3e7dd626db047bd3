import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CHECKLIST_STATUSES, ChecklistStatus, TASK_STATUSES, TaskStatus } from '../rows.ts';
import type { ChecklistItemRow } from '../rows.ts';
import { deriveTaskStatus, displayedStatus, isAtomic, liveItems, numericStatus, taskStatusFor } from './derive.ts';

const { planned: PLANNED, inProgress: IN_PROGRESS, done: DONE, skipped: SKIPPED } = ChecklistStatus;

function item(status: ChecklistStatus, n = 0, deleted_at: number | null = null): ChecklistItemRow {
  return { id: `i${n}`, task_id: 't1', title: `item ${n}`, status, position: n, deleted_at, created_at: 0, updated_at: 0 };
}
const items = (...statuses: ChecklistStatus[]) => statuses.map((s, n) => item(s, n));

// Test cases 1–10 of seeds/004-checklist-derived-task-status.md, in order.
describe('status derived from checklist items', () => {
  test.each(TASK_STATUSES)('empty checklist shows the manual status (%s)', (status) => {
    expect(isAtomic([])).toBe(true);
    expect(displayedStatus(status, [])).toBe(numericStatus(status));
  });

  test('[PLANNED, PLANNED, PLANNED] derives PLANNED', () => {
    expect(deriveTaskStatus(items(PLANNED, PLANNED, PLANNED))).toBe(PLANNED);
  });

  test('[IN_PROGRESS, PLANNED, PLANNED] derives IN_PROGRESS', () => {
    expect(deriveTaskStatus(items(IN_PROGRESS, PLANNED, PLANNED))).toBe(IN_PROGRESS);
  });

  test('[DONE, PLANNED, PLANNED] derives IN_PROGRESS', () => {
    expect(deriveTaskStatus(items(DONE, PLANNED, PLANNED))).toBe(IN_PROGRESS);
  });

  test('[DONE, DONE, DONE] derives DONE', () => {
    expect(deriveTaskStatus(items(DONE, DONE, DONE))).toBe(DONE);
  });

  test('[DONE, DONE, SKIPPED] derives DONE', () => {
    expect(deriveTaskStatus(items(DONE, DONE, SKIPPED))).toBe(DONE);
  });

  test('[SKIPPED, SKIPPED, SKIPPED] derives SKIPPED', () => {
    expect(deriveTaskStatus(items(SKIPPED, SKIPPED, SKIPPED))).toBe(SKIPPED);
  });

  test('[IN_PROGRESS, DONE, SKIPPED] derives IN_PROGRESS', () => {
    expect(deriveTaskStatus(items(IN_PROGRESS, DONE, SKIPPED))).toBe(IN_PROGRESS);
  });

  test('updating the first of [PLANNED, PLANNED] to IN_PROGRESS derives IN_PROGRESS', () => {
    const before = items(PLANNED, PLANNED);
    expect(deriveTaskStatus(before)).toBe(PLANNED);
    const after = before.map((it, n) => (n === 0 ? { ...it, status: IN_PROGRESS } : it));
    expect(deriveTaskStatus(after)).toBe(IN_PROGRESS);
  });

  test('deleting the IN_PROGRESS item of [IN_PROGRESS, PLANNED] derives PLANNED', () => {
    const before = items(IN_PROGRESS, PLANNED);
    expect(deriveTaskStatus(liveItems(before))).toBe(IN_PROGRESS);
    const after = before.map((it, n) => (n === 0 ? { ...it, deleted_at: 1_000 } : it));
    expect(deriveTaskStatus(liveItems(after))).toBe(PLANNED);
    expect(displayedStatus(TaskStatus.inProgress, after)).toBe(PLANNED);
  });

  test('all-skipped beats the "no pending work" rule (the spec orders rule 4 before 5, its test case 7 wins)', () => {
    expect(deriveTaskStatus(items(SKIPPED))).toBe(SKIPPED);
    expect(deriveTaskStatus(items(DONE, SKIPPED))).toBe(DONE);
    expect(deriveTaskStatus(items(PLANNED, SKIPPED))).toBe(PLANNED);
  });

  test('soft-deleted items are ignored', () => {
    const list = [item(DONE, 0), item(IN_PROGRESS, 1, 500), item(PLANNED, 2, 600)];
    expect(liveItems(list).map((i) => i.id)).toEqual(['i0']);
    expect(isAtomic(list)).toBe(false);
    expect(displayedStatus(TaskStatus.todo, list)).toBe(DONE);
  });

  test('a task whose items are all soft-deleted is atomic and shows its manual status', () => {
    const list = [item(DONE, 0, 1), item(IN_PROGRESS, 1, 2)];
    expect(isAtomic(list)).toBe(true);
    expect(displayedStatus(TaskStatus.onHold, list)).toBe(IN_PROGRESS);
    expect(displayedStatus(TaskStatus.backlog, list)).toBe(PLANNED);
  });
});

describe('numeric status mapping', () => {
  test.each([
    [TaskStatus.backlog, PLANNED],
    [TaskStatus.todo, PLANNED],
    [TaskStatus.inProgress, IN_PROGRESS],
    [TaskStatus.onHold, IN_PROGRESS],
    [TaskStatus.done, DONE],
    [TaskStatus.skipped, SKIPPED],
  ])('%s is %i', (status, numeric) => {
    expect(numericStatus(status)).toBe(numeric);
  });

  test('taskStatusFor keeps the current status when it already means the number', () => {
    expect(taskStatusFor(IN_PROGRESS, TaskStatus.onHold)).toBe(TaskStatus.onHold);
    expect(taskStatusFor(PLANNED, TaskStatus.backlog)).toBe(TaskStatus.backlog);
  });

  test.each(CHECKLIST_STATUSES)('taskStatusFor(%i, any) always maps back to the same number', (numeric) => {
    for (const current of TASK_STATUSES) expect(numericStatus(taskStatusFor(numeric, current))).toBe(numeric);
  });

  test('taskStatusFor picks a fresh status when the number changes', () => {
    expect(taskStatusFor(PLANNED, TaskStatus.done)).toBe(TaskStatus.todo);
    expect(taskStatusFor(IN_PROGRESS, TaskStatus.todo)).toBe(TaskStatus.inProgress);
    expect(taskStatusFor(DONE, TaskStatus.onHold)).toBe(TaskStatus.done);
    expect(taskStatusFor(SKIPPED, TaskStatus.todo)).toBe(TaskStatus.skipped);
  });
});

/**
 * Naive reference, written differently from the rule: look up the *set* of
 * statuses present (a 4-bit mask) in a table of the seed's outcomes.
 */
const BIT: Record<ChecklistStatus, number> = { 1: 1, 2: 2, 3: 4, 4: 8 };
function referenceDerive(statuses: readonly ChecklistStatus[]): ChecklistStatus {
  const mask = statuses.reduce((m, s) => m | BIT[s], 0);
  if (mask & 2) return IN_PROGRESS; // anything in progress
  if ((mask & 1) && (mask & 4)) return IN_PROGRESS; // done next to planned
  const table: Record<number, ChecklistStatus> = {
    0: PLANNED, // nothing: the seed's default
    1: PLANNED, // only planned
    4: DONE, // only done
    8: SKIPPED, // only skipped
    9: PLANNED, // planned + skipped
    12: DONE, // done + skipped
  };
  const found = table[mask];
  if (found === undefined) throw new Error(`mask ${mask} not covered`);
  return found;
}

const statusArb = fc.constantFrom(...CHECKLIST_STATUSES);
const itemArb = fc.record({ status: statusArb, deleted: fc.boolean() });

describe('derivation property', () => {
  test('deriveTaskStatus matches the priority-table reference over random lists', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { maxLength: 12 }), (statuses) => {
        expect(deriveTaskStatus(statuses.map((status) => ({ status })))).toBe(referenceDerive(statuses));
      }),
      { numRuns: 2000 },
    );
  });

  test('displayedStatus ignores soft-deleted items and falls back to the manual status', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 10 }), fc.constantFrom(...TASK_STATUSES), (specs, manual) => {
        const list = specs.map((s, n) => item(s.status, n, s.deleted ? 1 : null));
        const liveStatuses = specs.filter((s) => !s.deleted).map((s) => s.status);
        const expected = liveStatuses.length === 0 ? numericStatus(manual) : referenceDerive(liveStatuses);
        expect(displayedStatus(manual, list)).toBe(expected);
        expect(isAtomic(list)).toBe(liveStatuses.length === 0);
      }),
      { numRuns: 1000 },
    );
  });
});
