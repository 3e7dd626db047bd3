/**
 * "Nothing changed": one fingerprint of every business table, taken in one
 * statement, to compare before and after a refused request.
 *
 * Invariants:
 * 1. Every business table is fingerprinted whole (md5 of its rows as text,
 *    in a stable order), so any insert, update or delete shows.
 * 2. applied_intents and audit_log are not in the fingerprint: a rejected
 *    intent is recorded there by design (sync push), and a refused change
 *    to a locked run is audited. Instead the probe counts their rows that
 *    are NOT refusals (status other than 'rejected'; action not ending in
 *    '.refused'), and those counts must not move.
 */
import { expect } from 'vitest';
import type { Sql } from '../../server/src/db/sql.ts';

export const BUSINESS_TABLES = [
  'tasks',
  'checklist_items',
  'work_sessions',
  'user_task_totals',
  'sops',
  'sop_versions',
  'procedure_runs',
  'safety_checks',
  'bookings',
  'users',
] as const;
export type BusinessTable = (typeof BUSINESS_TABLES)[number];

export interface StateProbe {
  readonly tables: Readonly<Record<BusinessTable, string>>;
  /** applied_intents rows with status accepted / accepted_with_adjustment. */
  readonly appliedNotRejected: number;
  readonly appliedTotal: number;
  /** audit_log rows that record a change, not a refusal. */
  readonly auditNotRefusal: number;
  readonly auditTotal: number;
}

export interface ProbeOptions {
  /** Leave out every row whose text holds this marker (rows a test changes on purpose, e.g. fresh ids). */
  readonly ignoreRowsMentioning?: string;
}

export async function probeState(sql: Sql, options: ProbeOptions = {}): Promise<StateProbe> {
  // $1 = '': nothing is ignored.
  const keep = `($1 = '' OR t::text NOT LIKE '%' || $1 || '%')`;
  const columns = BUSINESS_TABLES.map(
    (table) => `(SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM ${table} t WHERE ${keep}) AS ${table}`,
  );
  const [row] = await sql.unsafe<Record<string, string>[]>(
    `SELECT ${columns.join(', ')},
      (SELECT count(*) FROM applied_intents t WHERE status <> 'rejected' AND ${keep})::int AS applied_not_rejected,
      (SELECT count(*) FROM applied_intents t WHERE ${keep})::int AS applied_total,
      (SELECT count(*) FROM audit_log t WHERE action NOT LIKE '%.refused' AND ${keep})::int AS audit_not_refusal,
      (SELECT count(*) FROM audit_log t WHERE ${keep})::int AS audit_total`,
    [options.ignoreRowsMentioning ?? ''],
  );
  if (row === undefined) throw new Error('state probe returned no row');
  return {
    tables: Object.fromEntries(BUSINESS_TABLES.map((table) => [table, row[table] ?? ''])) as Record<BusinessTable, string>,
    appliedNotRejected: Number(row['applied_not_rejected']),
    appliedTotal: Number(row['applied_total']),
    auditNotRefusal: Number(row['audit_not_refusal']),
    auditTotal: Number(row['audit_total']),
  };
}

/** Asserts invariant 2's rules between two probes; `what` names the request in the failure. */
export function expectNothingChanged(before: StateProbe, after: StateProbe, what: string): void {
  const changed = BUSINESS_TABLES.filter((table) => before.tables[table] !== after.tables[table]);
  expect(changed, `${what}: business tables changed`).toEqual([]);
  expect(after.appliedNotRejected, `${what}: applied_intents gained a non-rejected outcome`).toBe(before.appliedNotRejected);
  expect(after.auditNotRefusal, `${what}: audit_log gained an entry that is not a refusal`).toBe(before.auditNotRefusal);
}
