/**
 * One column-type map per stored table: the single description of how a
 * shared row (epoch-ms numbers, plain JSON) maps to its Postgres row
 * (timestamptz, jsonb). The effect executor and the row readers both work
 * from it, so no call site converts columns by hand.
 *
 * Invariants:
 *  1. Each table's map names exactly the fields of its shared row type (the
 *     mapped type below makes a missing or extra column a compile error), in
 *     the column order of the migrations.
 *  2. The Postgres type written here is the type in server/db/migrations;
 *     the columns test compares the two against the live schema.
 */
import type { Tables, UserRow } from '@stint/shared';

export type ColumnType = 'text' | 'smallint' | 'integer' | 'bigint' | 'double precision' | 'boolean' | 'timestamptz' | 'jsonb';

/** Every table with a shared row type: the rule tables plus users. */
export interface StoredTables extends Tables {
  users: UserRow;
}
export type StoredTableName = keyof StoredTables;

export type ColumnMap<Row> = { readonly [K in keyof Row & string]-?: ColumnType };

export const COLUMNS: { readonly [T in StoredTableName]: ColumnMap<StoredTables[T]> } = {
  users: { id: 'text', name: 'text', role: 'text', created_at: 'timestamptz' },
  tasks: {
    id: 'text',
    title: 'text',
    status: 'text',
    claimed_by: 'text',
    assigned_at: 'timestamptz',
    time_spent_ms: 'bigint',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  checklist_items: {
    id: 'text',
    task_id: 'text',
    title: 'text',
    status: 'smallint',
    position: 'double precision',
    deleted_at: 'timestamptz',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  work_sessions: {
    id: 'text',
    task_id: 'text',
    user_id: 'text',
    started_at: 'timestamptz',
    last_heartbeat_at: 'timestamptz',
    ended_at: 'timestamptz',
    ended_reason: 'text',
    zone: 'text',
    offline: 'boolean',
    created_at: 'timestamptz',
    closed_at: 'timestamptz',
    extended_by_owner: 'boolean',
  },
  user_task_totals: { user_id: 'text', task_id: 'text', accumulated_ms: 'bigint', updated_at: 'timestamptz' },
  sops: {
    id: 'text',
    title: 'text',
    latest_version: 'integer',
    created_by: 'text',
    deleted_at: 'timestamptz',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  sop_versions: {
    sop_id: 'text',
    version: 'integer',
    title: 'text',
    status: 'text',
    tasks: 'jsonb',
    created_at: 'timestamptz',
    confirmed_at: 'timestamptz',
  },
  procedure_runs: {
    id: 'text',
    sop_id: 'text',
    sop_version: 'integer',
    worker_id: 'text',
    status: 'text',
    current_step_id: 'text',
    started_at: 'timestamptz',
    paused_at: 'timestamptz',
    completed_at: 'timestamptz',
    locked: 'boolean',
    locked_by: 'text',
    locked_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  safety_checks: {
    id: 'text',
    run_id: 'text',
    step_id: 'text',
    result: 'text',
    notes: 'text',
    checked_by: 'text',
    checked_at: 'timestamptz',
  },
  bookings: {
    id: 'text',
    mentor_id: 'text',
    student_id: 'text',
    start_time: 'timestamptz',
    end_time: 'timestamptz',
    status: 'text',
    is_delayed: 'boolean',
    started_at: 'timestamptz',
    completed_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  audit_log: {
    id: 'text',
    at: 'timestamptz',
    actor_id: 'text',
    device_id: 'text',
    source: 'text',
    entity: 'text',
    entity_id: 'text',
    action: 'text',
    old_value: 'jsonb',
    new_value: 'jsonb',
    reason: 'text',
  },
};

export const STORED_TABLES = Object.keys(COLUMNS) as StoredTableName[];

/** The column names of a table, in order. */
export function columnsOf(table: StoredTableName): readonly string[] {
  return Object.keys(COLUMNS[table]);
}
