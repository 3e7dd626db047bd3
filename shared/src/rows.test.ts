import { describe, expect, expectTypeOf, test } from 'vitest';
import { BookingRowSchema, ROW_SCHEMAS, SopVersionRowSchema, TABLE_KEYS, TaskRowSchema } from './rows.ts';
import type { BookingRow, SopVersionRow, TaskRow } from './rows.ts';

const task: TaskRow = {
  id: 't1',
  title: 'Fix pump',
  status: 'in-progress',
  claimed_by: 'u1',
  assigned_at: 1_000,
  time_spent_ms: 0,
  created_at: 1_000,
  updated_at: 1_000,
};

describe('row schemas', () => {
  test('a valid row parses to an equal value', () => {
    expect(TaskRowSchema.parse(task)).toEqual(task);
  });

  test('every table has a row schema and key columns that are fields of it', () => {
    expect(Object.keys(ROW_SCHEMAS).sort()).toEqual(Object.keys(TABLE_KEYS).sort());
    const shape = TaskRowSchema.shape;
    for (const key of TABLE_KEYS.tasks) expect(key in shape).toBe(true);
  });

  test.each([
    ['an unknown status', { status: 'started' }],
    ['a fractional timestamp', { created_at: 1.5 }],
    ['a negative time spent', { time_spent_ms: -1 }],
    ['an empty id', { id: '' }],
    ['a missing nullable field', { claimed_by: undefined }],
  ])('a task row with %s is rejected', (_name, patch) => {
    expect(TaskRowSchema.safeParse({ ...task, ...patch }).success).toBe(false);
  });

  test('unknown columns are stripped, not rejected, so rows read with extra columns still parse', () => {
    expect(TaskRowSchema.parse({ ...task, extra: 1 })).toEqual(task);
  });

  test('nested SOP content parses with its steps', () => {
    const version: SopVersionRow = {
      sop_id: 's1',
      version: 1,
      title: 'Lockout',
      status: 'confirmed',
      tasks: [{ id: 'k1', title: 'Isolate', steps: [{ id: 'p1', title: 'Switch off', requires_check: true }] }],
      created_at: 0,
      confirmed_at: 5,
    };
    expect(SopVersionRowSchema.parse(version)).toEqual(version);
    expect(SopVersionRowSchema.safeParse({ ...version, tasks: [{ id: 'k1', title: 'x', steps: [{}] }] }).success).toBe(false);
  });

  test('the inferred booking type is readonly', () => {
    expectTypeOf<BookingRow>().toEqualTypeOf<Readonly<BookingRow>>();
    expectTypeOf(BookingRowSchema.parse).returns.toMatchTypeOf<BookingRow>();
  });
});
