/**
 * Rows as they arrive from Zero or REST (JSON: snake_case, epoch-ms numbers)
 * decoded with the shared row schemas before a model sees them, so a
 * malformed payload is refused with a reason instead of rendered as garbage.
 *
 * Invariants:
 *  1. Decoding is all or nothing per payload: one bad row refuses the whole
 *     payload, naming the table, the row index and the zod issue.
 *  2. Unknown tables in a payload are refused; unknown columns are stripped
 *     (the row schemas strip them).
 */
import { ROW_SCHEMAS, UserRowSchema, stateFrom } from '@stint/shared';
import type { State, StateRows, TableName, Tables, UserRow } from '@stint/shared';
import { z } from 'zod';

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** One table's rows from raw JSON. */
export function decodeRows<T extends TableName>(table: T, raw: unknown): Tables[T][] {
  const parsed = z.array(ROW_SCHEMAS[table]).safeParse(raw);
  if (!parsed.success) throw new PayloadError(`${table}: ${describe(parsed.error)}`);
  return parsed.data;
}

/** A state from raw JSON `{table: [row, …], …}`; missing tables are empty. */
export function decodeState(raw: unknown): State {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PayloadError('state: not an object of tables');
  const rows: Partial<Record<TableName, unknown[]>> = {};
  for (const [table, value] of Object.entries(raw)) {
    if (!(table in ROW_SCHEMAS)) throw new PayloadError(`${table}: not a synced table`);
    rows[table as TableName] = decodeRows(table as TableName, value);
  }
  return stateFrom(rows as StateRows);
}

/** The users map the views read (`useUsers()`), from raw JSON rows. */
export function decodeUsers(raw: unknown): Map<string, UserRow> {
  const parsed = z.array(UserRowSchema).safeParse(raw);
  if (!parsed.success) throw new PayloadError(`users: ${describe(parsed.error)}`);
  return new Map(parsed.data.map((u) => [u.id, u]));
}

export function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
