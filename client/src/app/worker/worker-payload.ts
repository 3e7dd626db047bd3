/**
 * Decoding what reaches the worker's views as JSON (Zero rows, REST rows:
 * snake_case, epoch-ms numbers) into the `State` the view models read, with
 * the shared row schemas (`ROW_SCHEMAS`, `UserRowSchema`).
 *
 * Invariants:
 *  1. All or nothing: one malformed row, an unknown table or a non-array
 *     table refuses the whole payload with the path of the first problem;
 *     a half-decoded state is never returned (garbage is never rendered).
 *  2. Unknown columns are dropped (the schemas strip them), so a newer
 *     server with extra columns still decodes.
 */
import { ROW_SCHEMAS, TABLE_KEYS, UserRowSchema, stateFrom } from '@stint/shared';
import type { State, StateRows, TableName, UserRow } from '@stint/shared';

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** `{tasks: [...], work_sessions: [...], …}` → State. Missing tables are empty. */
export function decodeTables(raw: unknown): Decoded<State> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: 'payload: not an object' };
  const rows: Partial<Record<TableName, unknown[]>> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isTable(name)) return { ok: false, problem: `${name}: unknown table` };
    if (!Array.isArray(value)) return { ok: false, problem: `${name}: not an array` };
    const schema = ROW_SCHEMAS[name];
    const parsed: unknown[] = [];
    for (const [index, row] of value.entries()) {
      const result = schema.safeParse(row);
      if (!result.success) return { ok: false, problem: `${name}[${index}]: ${firstIssue(result.error.issues)}` };
      parsed.push(result.data);
    }
    rows[name] = parsed;
  }
  return { ok: true, value: stateFrom(rows as StateRows) };
}

/** A users payload (an array of user rows) → users by id. */
export function decodeUsers(raw: unknown): Decoded<ReadonlyMap<string, UserRow>> {
  const parsed = UserRowSchema.array().safeParse(raw);
  if (!parsed.success) return { ok: false, problem: `users: ${firstIssue(parsed.error.issues)}` };
  return { ok: true, value: new Map(parsed.data.map((user) => [user.id, user])) };
}

function isTable(name: string): name is TableName {
  return Object.hasOwn(TABLE_KEYS, name);
}

function firstIssue(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  const issue = issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.map(String).join('.')} ${issue.message}`.trim();
}
