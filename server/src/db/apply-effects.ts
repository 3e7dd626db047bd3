/**
 * The server's effect executor: applies the row changes a shared rule
 * returned, inside the caller's transaction (DESIGN §4: one of the three
 * executors, next to the client's in-memory view and Zero).
 *
 * Invariants:
 *  1. A `put` is a whole-row upsert by the table's key (TABLE_KEYS): insert,
 *     or replace every non-key column. The result equals the shared
 *     in-memory executor's (last put of a key wins).
 *  2. Effects on one table apply in the order given (closing a session
 *     before opening the next matters to the partial unique indexes).
 *     Across tables they apply parents first (tasks before their sessions,
 *     SOP versions before runs), so a rule need not order its effects by
 *     foreign key; the final state is the same because puts on different
 *     tables do not interact.
 *  3. audit_log is append-only: its puts are plain INSERTs, so putting an
 *     existing audit id fails instead of rewriting history.
 *  4. The database has the last word: a put that breaks a constraint (I1,
 *     I5, I7, a foreign key) throws the Postgres error and the caller's
 *     transaction (or savepoint) rolls back.
 */
import type { Effect, TableName } from '@stint/shared';
import { COLUMNS, columnsOf } from './columns.ts';
import type { ColumnType } from './columns.ts';
import { keyColumns, placeholder, quote, serialise } from './rows.ts';
import type { Queryable } from './sql.ts';

/** Parents before children (invariant 2). */
export const APPLY_ORDER: readonly TableName[] = [
  'tasks',
  'checklist_items',
  'work_sessions',
  'user_task_totals',
  'sops',
  'sop_versions',
  'procedure_runs',
  'safety_checks',
  'bookings',
  'audit_log',
];

export async function applyEffects(tx: Queryable, effects: readonly Effect[]): Promise<void> {
  for (const effect of orderForApply(effects)) {
    const statement = upsertStatement(effect.table);
    const row = effect.row as unknown as Readonly<Record<string, unknown>>;
    const params = statement.columns.map(([column, type]) => serialise(type, row[column]));
    await tx.unsafe(statement.text, params as never[], { prepare: true });
  }
}

/** A stable sort by APPLY_ORDER: order within a table is kept. */
export function orderForApply(effects: readonly Effect[]): Effect[] {
  return effects
    .map((effect, index) => ({ effect, index, rank: APPLY_ORDER.indexOf(effect.table) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ effect }) => effect);
}

interface Statement {
  readonly text: string;
  readonly columns: readonly (readonly [string, ColumnType])[];
}

const statements = new Map<TableName, Statement>();

function upsertStatement(table: TableName): Statement {
  const cached = statements.get(table);
  if (cached) return cached;
  const map = COLUMNS[table] as Readonly<Record<string, ColumnType>>;
  const columns = columnsOf(table).map((column) => [column, map[column] as ColumnType] as const);
  const keys = keyColumns(table);
  const insert =
    `INSERT INTO ${quote(table)} (${columns.map(([c]) => quote(c)).join(', ')}) ` +
    `VALUES (${columns.map(([, type], i) => placeholder(i + 1, type)).join(', ')})`;
  const updates = columns.filter(([c]) => !keys.includes(c)).map(([c]) => `${quote(c)} = EXCLUDED.${quote(c)}`);
  const conflict = `ON CONFLICT (${keys.map(quote).join(', ')})`;
  const text =
    table === 'audit_log'
      ? insert
      : updates.length === 0
        ? `${insert} ${conflict} DO NOTHING`
        : `${insert} ${conflict} DO UPDATE SET ${updates.join(', ')}`;
  const statement = { text, columns };
  statements.set(table, statement);
  return statement;
}
