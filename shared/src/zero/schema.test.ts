import { describe, expect, expectTypeOf, test } from 'vitest';
import { ROW_SCHEMAS, TABLE_KEYS, UserRowSchema } from '../rows.ts';
import type {
  BookingRow,
  ChecklistItemRow,
  ProcedureRunRow,
  SafetyCheckRow,
  SopRow,
  SopVersionRow,
  TableName,
  TaskRow,
  UserRow,
  UserTaskTotalRow,
  WorkSessionRow,
} from '../rows.ts';
import type { Outcome } from '../intents/push.ts';
import { ZERO_TABLES, zeroSchema } from './schema.ts';
import type { AppliedIntentRow, ZeroRow } from './schema.ts';

describe('zero schema row shapes', () => {
  // Type level: `tsc -p shared/tsconfig.test.json` fails if a Zero row and its
  // shared row type drift apart (a column added, renamed, retyped, nullable).
  test('a Zero row of every synced table is exactly its shared row type', () => {
    expectTypeOf<ZeroRow<'users'>>().toEqualTypeOf<UserRow>();
    expectTypeOf<ZeroRow<'tasks'>>().toEqualTypeOf<TaskRow>();
    expectTypeOf<ZeroRow<'checklist_items'>>().toEqualTypeOf<ChecklistItemRow>();
    expectTypeOf<ZeroRow<'work_sessions'>>().toEqualTypeOf<WorkSessionRow>();
    expectTypeOf<ZeroRow<'user_task_totals'>>().toEqualTypeOf<UserTaskTotalRow>();
    expectTypeOf<ZeroRow<'sops'>>().toEqualTypeOf<SopRow>();
    expectTypeOf<ZeroRow<'sop_versions'>>().toEqualTypeOf<SopVersionRow>();
    expectTypeOf<ZeroRow<'procedure_runs'>>().toEqualTypeOf<ProcedureRunRow>();
    expectTypeOf<ZeroRow<'safety_checks'>>().toEqualTypeOf<SafetyCheckRow>();
    expectTypeOf<ZeroRow<'bookings'>>().toEqualTypeOf<BookingRow>();
  });

  test('an applied intent row carries the wire outcome fields', () => {
    expectTypeOf<AppliedIntentRow['status']>().toEqualTypeOf<Outcome['status']>();
    expectTypeOf<NonNullable<AppliedIntentRow['code']>>().toEqualTypeOf<Extract<Outcome, { status: 'rejected' }>['code']>();
    expectTypeOf<AppliedIntentRow['effective_at']>().toEqualTypeOf<number | null>();
  });

  // Runtime: the same facts about names and keys, which types alone cannot see
  // (a column renamed on both sides would still typecheck; its key list would not).
  const synced = (Object.keys(ROW_SCHEMAS) as TableName[]).filter((t): t is Exclude<TableName, 'audit_log'> => t !== 'audit_log');

  test.each(synced)('%s has the columns of its row schema and its TABLE_KEYS primary key', (name) => {
    const zeroTable = zeroSchema.tables[name];
    expect(Object.keys(zeroTable.columns).sort()).toEqual(Object.keys(rowShape(name)).sort());
    expect([...zeroTable.primaryKey]).toEqual([...TABLE_KEYS[name]]);
  });

  test('users has the columns of UserRowSchema', () => {
    expect(Object.keys(zeroSchema.tables.users.columns).sort()).toEqual(Object.keys(UserRowSchema.shape).sort());
  });

  test('every row table except the audit log is synced, plus users and applied_intents', () => {
    expect([...ZERO_TABLES].sort()).toEqual(
      [...Object.keys(ROW_SCHEMAS).filter((t) => t !== 'audit_log'), 'users', 'applied_intents'].sort(),
    );
  });

  test('nullable row fields are optional Zero columns and nothing else is', () => {
    for (const name of synced) {
      const shape = rowShape(name);
      for (const [column, schema] of Object.entries(zeroSchema.tables[name].columns)) {
        const field = shape[column] as { safeParse(value: unknown): { success: boolean } };
        expect({ column: `${name}.${column}`, optional: schema.optional }).toEqual({
          column: `${name}.${column}`,
          optional: field.safeParse(null).success,
        });
      }
    }
  });

  test('the audit log and server secrets are not part of the schema', () => {
    expect(Object.keys(zeroSchema.tables)).not.toContain('audit_log');
    expect(Object.keys(zeroSchema.tables)).not.toContain('server_settings');
  });
});

function rowShape(name: TableName): Record<string, unknown> {
  return (ROW_SCHEMAS[name] as unknown as { shape: Record<string, unknown> }).shape;
}
