/**
 * Row readers: Postgres rows back into shared's row types (epoch-ms numbers,
 * parsed JSON), driven by the column map in columns.ts, plus small selects
 * for loading rule snapshots.
 *
 * Invariants:
 *  1. `readRow(table, raw)` returns exactly the shared row's fields; extra
 *     columns of a `SELECT *` or a join are dropped, so custom queries can
 *     select more than they need.
 *  2. `readRow(table, …)` of a row written by `applyEffects` equals the row
 *     that was put (round trip; apply-effects.pg.test.ts proves it per table).
 *  3. Selects only ever name columns from the column map (no injection
 *     through a field name).
 */
import { TABLE_KEYS, unreachable } from '@stint/shared';
import type { Millis } from '@stint/shared';
import { COLUMNS, columnsOf } from './columns.ts';
import type { ColumnType, StoredTableName, StoredTables } from './columns.ts';
import type { Queryable } from './sql.ts';

export type RawRow = Readonly<Record<string, unknown>>;
/** Equality conditions on a table's columns; `null` means IS NULL, an array means IN. */
export type Where<T extends StoredTableName> = {
  readonly [K in keyof StoredTables[T]]?: StoredTables[T][K] | readonly StoredTables[T][K][];
};

export function readRow<T extends StoredTableName>(table: T, raw: RawRow): StoredTables[T] {
  const map = COLUMNS[table] as Readonly<Record<string, ColumnType>>;
  const row: Record<string, unknown> = {};
  for (const [column, type] of Object.entries(map)) {
    if (!(column in raw)) throw new Error(`readRow(${table}): column ${column} missing from the query result`);
    row[column] = fromDb(type, raw[column]);
  }
  return row as unknown as StoredTables[T];
}

export function readRows<T extends StoredTableName>(table: T, raws: readonly RawRow[]): StoredTables[T][] {
  return raws.map((raw) => readRow(table, raw));
}

/** Rows of a table matching equality conditions, ordered by its key. */
export async function selectRows<T extends StoredTableName>(
  db: Queryable,
  table: T,
  where: Where<T> = {},
  options: { readonly forUpdate?: boolean } = {},
): Promise<StoredTables[T][]> {
  const map = COLUMNS[table] as Readonly<Record<string, ColumnType>>;
  const params: unknown[] = [];
  const conditions: string[] = [];
  for (const [column, value] of Object.entries(where)) {
    const type = map[column];
    if (type === undefined) throw new Error(`selectRows(${table}): unknown column ${column}`);
    if (value === undefined) continue;
    if (value === null) {
      conditions.push(`${quote(column)} IS NULL`);
    } else if (Array.isArray(value)) {
      params.push(value.map((v: unknown) => serialise(type, v)));
      conditions.push(`${quote(column)} = ANY(${placeholder(params.length, type, true)})`);
    } else {
      params.push(serialise(type, value));
      conditions.push(`${quote(column)} = ${placeholder(params.length, type)}`);
    }
  }
  const key = keyColumns(table).map(quote).join(', ');
  const text =
    `SELECT ${columnsOf(table).map(quote).join(', ')} FROM ${quote(table)}` +
    (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
    ` ORDER BY ${key}` +
    (options.forUpdate === true ? ' FOR UPDATE' : '');
  const raws = await db.unsafe(text, params as never[]);
  return readRows(table, raws as unknown as RawRow[]);
}

/** The one row with this key, or undefined. */
export async function selectRow<T extends StoredTableName>(
  db: Queryable,
  table: T,
  key: Where<T>,
  options: { readonly forUpdate?: boolean } = {},
): Promise<StoredTables[T] | undefined> {
  const rows = await selectRows(db, table, key, options);
  if (rows.length > 1) throw new Error(`selectRow(${table}): ${rows.length} rows match`);
  return rows[0];
}

/** Key columns of every stored table (TABLE_KEYS plus users). */
export function keyColumns(table: StoredTableName): readonly string[] {
  return KEYS[table];
}

/** A shared field value as the parameter Postgres expects for that column type. */
export function serialise(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'timestamptz':
      return new Date(value as Millis);
    case 'jsonb':
      return JSON.stringify(value);
    case 'text':
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'double precision':
    case 'boolean':
      return value;
    default:
      return unreachable(type);
  }
}

/**
 * The typed placeholder for parameter n. JSON travels as text and is cast by
 * Postgres, so postgres.js never guesses how to encode an array or a string.
 */
export function placeholder(n: number, type: ColumnType, array = false): string {
  if (type === 'jsonb') return array ? `$${n}::text[]::jsonb[]` : `$${n}::text::jsonb`;
  return array ? `$${n}::${type}[]` : `$${n}::${type}`;
}

/** Double-quotes an identifier from the column map. */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function fromDb(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'timestamptz':
      return value instanceof Date ? value.getTime() : new Date(value as string).getTime();
    case 'bigint':
    case 'double precision':
      return typeof value === 'number' ? value : Number(value);
    case 'text':
    case 'smallint':
    case 'integer':
    case 'boolean':
    case 'jsonb':
      return value;
    default:
      return unreachable(type);
  }
}

const KEYS: { readonly [T in StoredTableName]: readonly string[] } = { ...TABLE_KEYS, users: ['id'] };
