import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import { SQLSTATE, classifyDbError } from './db-errors.ts';

/** As postgres.js builds one from the server's fields (its types declare only Error's constructor). */
function pgError(code: string, constraint?: string): postgres.PostgresError {
  return new postgres.PostgresError({ code, message: `failed with ${code}`, ...(constraint === undefined ? {} : { constraint_name: constraint }) } as unknown as string);
}

describe('classifyDbError', () => {
  test.each([SQLSTATE.uniqueViolation, SQLSTATE.exclusionViolation, SQLSTATE.checkViolation, SQLSTATE.foreignKeyViolation, SQLSTATE.notNullViolation])(
    '%s, a constraint violation, is a conflict naming its constraint',
    (code) => {
      expect(classifyDbError(pgError(code, 'one_open_session_per_task'))).toEqual({ kind: 'conflict', sqlstate: code, constraint: 'one_open_session_per_task' });
    },
  );

  test('a conflict without a constraint name says null', () => {
    expect(classifyDbError(pgError(SQLSTATE.uniqueViolation))).toEqual({ kind: 'conflict', sqlstate: '23505', constraint: null });
  });

  test.each(['22008', '22P02', '22001', '22021'])('%s, a data exception, is invalid input', (code) => {
    expect(classifyDbError(pgError(code))).toEqual({ kind: 'invalid_input', sqlstate: code });
  });

  test.each([SQLSTATE.serializationFailure, SQLSTATE.deadlockDetected])('%s: the transaction may run again', (code) => {
    expect(classifyDbError(pgError(code))).toEqual({ kind: 'retry', sqlstate: code });
  });

  test.each(['08006', '57P01', '42P01', SQLSTATE.raiseException])('%s, any other database error, is a failure that propagates', (code) => {
    expect(classifyDbError(pgError(code))).toEqual({ kind: 'failure' });
  });

  test('a lost connection or a system error (an error with a code) is a failure', () => {
    expect(classifyDbError(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))).toEqual({ kind: 'failure' });
    expect(classifyDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'failure' });
  });

  test.each([new TypeError('x is undefined'), new Error('corrupt row'), 'a string', null])('%s, not from the database, is a defect', (error) => {
    expect(classifyDbError(error)).toEqual({ kind: 'defect' });
  });
});
