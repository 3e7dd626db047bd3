/**
 * An in-memory copy of the tables rules change, and the one generic way to
 * apply their effects to it. The client's local view and every pure test and
 * simulation use this; the server applies the same effects as SQL upserts.
 *
 * Invariants:
 *  1. A table maps `rowKey(table, row)` to exactly one row: a `put` replaces
 *     the row with the same key columns (TABLE_KEYS) or inserts it.
 *  2. Effects apply in order, so the last put of a key wins (as in SQL).
 *  3. `applyEffects` never mutates its input: untouched tables are shared,
 *     touched tables are copied once per call.
 */
import type { Effect } from './effects.ts';
import { TABLE_KEYS } from './rows.ts';
import type { TableName, Tables } from './rows.ts';

export type State = { readonly [T in TableName]: ReadonlyMap<string, Tables[T]> };
export type MutableState = { [T in TableName]: Map<string, Tables[T]> };
/** Rows per table, for building a state; missing tables are empty. */
export type StateRows = { readonly [T in TableName]?: readonly Tables[T][] };

const TABLE_NAMES = Object.keys(TABLE_KEYS) as TableName[];

export function emptyState(): State {
  return emptyMutableState();
}

export function emptyMutableState(): MutableState {
  const state: Partial<Record<TableName, Map<string, unknown>>> = {};
  for (const table of TABLE_NAMES) state[table] = new Map();
  return state as MutableState;
}

export function stateFrom(rows: StateRows): State {
  const state = emptyMutableState();
  for (const table of TABLE_NAMES) {
    for (const row of rows[table] ?? []) putRow(state, table, row);
  }
  return state;
}

/**
 * The key of a row in its table: the single key column's value as a string,
 * or a JSON array of the key columns' values for composite keys (so no two
 * distinct keys can collide, whatever characters ids contain).
 */
export function rowKey<T extends TableName>(table: T, row: Tables[T]): string {
  return keyColumns(table, row);
}

/** A key from key-column values in TABLE_KEYS order, e.g. `keyOf([userId, taskId])` for user_task_totals. */
export function keyOf(values: readonly unknown[]): string {
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

export function getRow<T extends TableName>(state: State, table: T, key: string | readonly unknown[]): Tables[T] | undefined {
  return state[table].get(typeof key === 'string' ? key : keyOf(key));
}

export function rowsOfTable<T extends TableName>(state: State, table: T): Tables[T][] {
  return [...state[table].values()];
}

/** A new state with the effects applied in order (copy-on-write per touched table). */
export function applyEffects(state: State, effects: readonly Effect[]): State {
  if (effects.length === 0) return state;
  // Untyped maps inside: each effect's row belongs to its table by construction (`put`).
  const copies: Partial<Record<TableName, Map<string, unknown>>> = {};
  for (const effect of effects) {
    const table = effect.table;
    const copy = (copies[table] ??= new Map<string, unknown>(state[table] as ReadonlyMap<string, unknown>));
    copy.set(effectKey(effect), effect.row);
  }
  return { ...state, ...copies } as State;
}

/** Applies the effects to a mutable state in place; for hot loops and large local views. */
export function applyEffectsInPlace(state: MutableState, effects: readonly Effect[]): void {
  for (const effect of effects) (state[effect.table] as Map<string, unknown>).set(effectKey(effect), effect.row);
}

function effectKey(effect: Effect): string {
  return keyColumns(effect.table, effect.row);
}

// Untyped on purpose: the compiler cannot correlate an effect's table with its
// row type, and every row is a plain record of its columns anyway.
function keyColumns(table: TableName, row: object): string {
  const record = row as Record<string, unknown>;
  return keyOf(TABLE_KEYS[table].map((column) => record[column]));
}

function putRow<T extends TableName>(state: MutableState, table: T, row: Tables[T]): void {
  (state[table] as Map<string, Tables[T]>).set(rowKey(table, row), row);
}
