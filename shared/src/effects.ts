/**
 * What a rule returns when it accepts: row changes. A `put` carries the whole
 * new row (insert or replace by the table's key). Executors apply effects in
 * order: the server inside its Postgres transaction, the client's local view
 * in memory, a Zero transaction when one is used.
 */
import type { TableName, Tables } from './rows.ts';

export type Effect = { [T in TableName]: { readonly op: 'put'; readonly table: T; readonly row: Tables[T] } }[TableName];

export function put<T extends TableName>(table: T, row: Tables[T]): Effect {
  return { op: 'put', table, row } as Effect;
}

/** Rows of one table among effects, last write wins by key. */
export function rowsOf<T extends TableName>(effects: readonly Effect[], table: T): Tables[T][] {
  return effects.filter((e) => e.table === table).map((e) => e.row as Tables[T]);
}
