/**
 * applied_intents: the one stored outcome per intent id (I9), with both
 * clocks (DESIGN §3): the device's occurred_at / sent_at as sent, the
 * server's received_at and the effective time.
 */
import { OutcomeStatus, toIso } from '@stint/shared';
import type { Millis, Outcome, TimeSource } from '@stint/shared';
import { toDateOrNull, toMillis, toMillisOrNull } from '../db/sql.ts';
import type { Queryable } from '../db/sql.ts';

export interface StoredOutcome {
  readonly id: string;
  readonly user_id: string;
  readonly device_id: string;
  readonly kind: string;
  readonly args: unknown;
  readonly occurred_at: Millis | null;
  readonly sent_at: Millis | null;
  readonly received_at: Millis;
  readonly effective_at: Millis | null;
  readonly time_source: TimeSource | null;
  readonly status: OutcomeStatus;
  readonly code: string | null;
  readonly message: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

export interface FoundOutcome {
  readonly outcome: Outcome;
  /** Whose intent it was: an id is answered only to its author. */
  readonly user_id: string;
}

/** The stored outcome of an intent id, as the wire shape; undefined when never seen. */
export async function findOutcome(db: Queryable, id: string): Promise<FoundOutcome | undefined> {
  const rows = await db<RawOutcome[]>`SELECT * FROM applied_intents WHERE id = ${id}`;
  const raw = rows[0];
  if (raw === undefined) return undefined;
  return { outcome: toOutcome(readOutcome(raw)), user_id: raw.user_id };
}

/** The whole stored row of an intent id (both clocks, time source), for tests and audits. */
export async function readStoredOutcome(db: Queryable, id: string): Promise<StoredOutcome | undefined> {
  const rows = await db<RawOutcome[]>`SELECT * FROM applied_intents WHERE id = ${id}`;
  const raw = rows[0];
  return raw === undefined ? undefined : readOutcome(raw);
}

/**
 * Inserts (or with `replace`, overwrites) an outcome row. With `ifAbsent`,
 * returns false instead of failing when the id is already stored.
 */
export async function insertOutcome(
  db: Queryable,
  row: StoredOutcome,
  options: { readonly replace?: boolean; readonly ifAbsent?: boolean } = {},
): Promise<boolean> {
  const values = {
    id: row.id,
    user_id: row.user_id,
    device_id: row.device_id,
    kind: row.kind,
    args: row.args === null ? null : db.json(row.args as never),
    occurred_at: toDateOrNull(row.occurred_at),
    sent_at: toDateOrNull(row.sent_at),
    received_at: toDateOrNull(row.received_at),
    effective_at: toDateOrNull(row.effective_at),
    time_source: row.time_source,
    status: row.status,
    code: row.code,
    message: row.message,
    details: row.details === null ? null : db.json(row.details as never),
    created_at: toDateOrNull(row.received_at),
  };
  if (options.replace === true) {
    await db`UPDATE applied_intents SET ${db(values)} WHERE id = ${row.id}`;
    return true;
  }
  if (options.ifAbsent === true) {
    const inserted = await db`INSERT INTO applied_intents ${db(values)} ON CONFLICT (id) DO NOTHING RETURNING id`;
    return inserted.length > 0;
  }
  await db`INSERT INTO applied_intents ${db(values)}`;
  return true;
}

/** The wire outcome (API.md) of a stored row. */
export function toOutcome(row: StoredOutcome): Outcome {
  if (row.status === OutcomeStatus.rejected) {
    return {
      id: row.id,
      status: row.status,
      code: (row.code ?? 'INTERNAL') as Extract<Outcome, { status: 'rejected' }>['code'],
      message: row.message ?? '',
      ...(row.details === null ? {} : { details: row.details }),
    };
  }
  const effective_at = toIso(row.effective_at ?? row.received_at);
  if (row.status === OutcomeStatus.acceptedWithAdjustment) {
    return { id: row.id, status: row.status, effective_at, ...(row.message === null ? {} : { message: row.message }) };
  }
  return { id: row.id, status: row.status, effective_at };
}

interface RawOutcome {
  id: string;
  user_id: string;
  device_id: string;
  kind: string;
  args: unknown;
  occurred_at: Date | null;
  sent_at: Date | null;
  received_at: Date;
  effective_at: Date | null;
  time_source: TimeSource | null;
  status: OutcomeStatus;
  code: string | null;
  message: string | null;
  details: Record<string, unknown> | null;
}

function readOutcome(raw: RawOutcome): StoredOutcome {
  return {
    ...raw,
    occurred_at: toMillisOrNull(raw.occurred_at),
    sent_at: toMillisOrNull(raw.sent_at),
    received_at: toMillis(raw.received_at),
    effective_at: toMillisOrNull(raw.effective_at),
  };
}
