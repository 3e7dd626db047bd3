/**
 * What a failed statement means, decided once for the intent executor and
 * the HTTP error handler, so a REST call and an intent from a device's
 * journal answer the same failure the same way.
 *
 * - conflict: a constraint the database holds (SQLSTATE class 23: unique,
 *   exclusion, check, foreign key, not null) that no rule caught first; the
 *   change conflicts with the current state (I1, I5, I7 live there too).
 * - invalid_input: a data exception (class 22), a value the database cannot
 *   hold that a schema should have caught.
 * - retry: a serialisation failure or a deadlock; the transaction rolled
 *   back whole and may simply run again.
 * - failure: any other database error, or the connection or the system
 *   failing (an error with a code); not about the request, so it propagates.
 * - defect: not from the database at all (no code), a fault in the code or
 *   in stored data.
 */
import postgres from 'postgres';

export type DbError =
  | { readonly kind: 'conflict'; readonly sqlstate: string; readonly constraint: string | null }
  | { readonly kind: 'invalid_input'; readonly sqlstate: string }
  | { readonly kind: 'retry'; readonly sqlstate: string }
  | { readonly kind: 'failure' }
  | { readonly kind: 'defect' };

export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  exclusionViolation: '23P01',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  raiseException: 'P0001',
} as const;

const RETRYABLE: ReadonlySet<string> = new Set([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected]);

export function classifyDbError(error: unknown): DbError {
  if (error instanceof postgres.PostgresError) {
    const sqlstate = error.code;
    if (sqlstate.startsWith('23')) return { kind: 'conflict', sqlstate, constraint: error.constraint_name ?? null };
    if (sqlstate.startsWith('22')) return { kind: 'invalid_input', sqlstate };
    if (RETRYABLE.has(sqlstate)) return { kind: 'retry', sqlstate };
    return { kind: 'failure' };
  }
  // postgres.js connection errors and Node system errors carry a string code.
  if (error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') return { kind: 'failure' };
  return { kind: 'defect' };
}
