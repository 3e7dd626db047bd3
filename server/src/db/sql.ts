/**
 * The one way server code talks to Postgres: a postgres.js client with the
 * project's type conventions, and the conversions between shared's epoch-ms
 * numbers and Postgres timestamps.
 *
 * Invariants:
 *  1. int8 (bigint columns, count(*)) arrives as a JS number: durations in ms
 *     and counts stay far below 2^53, and shared rows use numbers.
 *  2. timestamptz arrives as a Date and leaves as a Date; rows in shared are
 *     epoch ms, so every boundary goes through `toDate` / `toMillis`.
 *  3. Every connection runs with TimeZone=UTC (I5: every timestamp is UTC).
 */
import postgres from 'postgres';
import type { Millis } from '@stint/shared';

/** The client type: postgres.js with int8 parsed to number. */
export type Sql = postgres.Sql<{ bigint: number }>;
/** A transaction handle (what `sql.begin` gives its callback). */
export type Tx = postgres.TransactionSql<{ bigint: number }>;
/** Either: helpers that only run queries accept both. */
export type Queryable = Sql | Tx;

export interface SqlOptions {
  /** Pool size. Default 10. */
  readonly max?: number;
  /** Where Postgres NOTICE messages go. Default: dropped. */
  readonly onNotice?: (notice: postgres.Notice) => void;
}

export function createSql(url: string, options: SqlOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: options.onNotice ?? (() => undefined),
    connection: { TimeZone: 'UTC', application_name: 'stint-server' },
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

export function toDate(ms: Millis): Date {
  return new Date(ms);
}

export function toDateOrNull(ms: Millis | null): Date | null {
  return ms === null ? null : new Date(ms);
}

export function toMillis(date: Date): Millis {
  return date.getTime();
}

export function toMillisOrNull(date: Date | null): Millis | null {
  return date === null ? null : date.getTime();
}

/**
 * Text Postgres cannot store: a NUL character (text and jsonb refuse it) or a
 * lone UTF-16 surrogate (not valid UTF-8; jsonb refuses it). Input with either
 * is refused at the door instead of failing a statement later.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}
