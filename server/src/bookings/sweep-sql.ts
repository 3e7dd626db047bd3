/**
 * The automatic booking transitions as set-based SQL: the one
 * implementation behind the in-process scheduler, `/api/admin/update-session-status`
 * and `/api/cron/complete-sessions`. The shared `sweepBooking` is its
 * reference; sweep-sql.pg.test.ts proves they agree on random tables.
 *
 * Invariants:
 *  1. Exactly the shared rule: SCHEDULED with start_time <= now → ONGOING,
 *     is_delayed; ONGOING, not delayed, end_time <= now → COMPLETED with
 *     completed_at = GREATEST(end_time, started_at) (Postgres' GREATEST
 *     ignores NULL, as `started_at ?? end_time` does). Both UPDATEs run in
 *     one statement on one snapshot, so a booking moves one step per sweep
 *     and a delayed one never completes (I8).
 *  2. Idempotent and self-healing: every time written comes from the row,
 *     never from `now` (except updated_at), so a sweep at t2 after a missed
 *     one at t1 leaves the same bookings as sweeps at t1 and t2.
 *  3. One transaction. Candidates are locked in id order with SKIP LOCKED:
 *     a booking a person is starting right now (its row locked by the intent
 *     executor) is left for the next sweep instead of blocking on it, and
 *     concurrent sweeps (scheduler, cron, every dashboard's poll) never wait
 *     on, deadlock with, or double-report each other.
 *  4. One failing booking never stops the others: ids go in chunks, each in
 *     a savepoint; a chunk that fails with a database error is retried row
 *     by row, and a row that still fails is skipped, logged and reported in
 *     `failed` while every other row transitions. (What can fail in these
 *     UPDATEs is per row: a constraint added NOT VALID over legacy rows, a
 *     trigger refusing a row, a data exception.) Errors that are not the
 *     database refusing a statement (a lost connection) abort the sweep.
 *  5. Every transition writes one audit_log entry in the same statement
 *     (source 'scheduler' or 'cron'), so a change and its audit entry
 *     commit together or not at all.
 */
import postgres from 'postgres';
import type { AuditSource, BookingStatus, BookingStatusUpdate, Millis, SweepReport } from '@stint/shared';
import { toDate } from '../db/sql.ts';
import type { Sql, Tx } from '../db/sql.ts';
import type { Logger } from '../log.ts';

export type BookingSweepSource = Extract<AuditSource, 'scheduler' | 'cron'>;

/** A booking the sweep could not update (invariant 4). */
export interface SweepFailure {
  readonly id: string;
  readonly sqlstate: string;
  readonly message: string;
}

/** The shared report plus the rows that were skipped. */
export interface SqlSweepReport extends SweepReport {
  readonly failed: readonly SweepFailure[];
}

export interface BookingSweepOptions {
  /** Who asked for the sweep (the signed-in caller of the client route); null for the scheduler and cron. */
  readonly actorId?: string | null;
  /** Ids per set-based statement. Default 500. */
  readonly chunkSize?: number;
  /** Where skipped rows are logged. */
  readonly logger?: Logger;
}

export const DEFAULT_SWEEP_CHUNK = 500;

export async function sweepBookingsSql(
  sql: Sql,
  now: Millis,
  source: BookingSweepSource,
  options: BookingSweepOptions = {},
): Promise<SqlSweepReport> {
  const at = toDate(now);
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_SWEEP_CHUNK);
  const audit: AuditContext = { at, source, actorId: options.actorId ?? null };
  return sql.begin(async (tx) => {
    const candidates = await tx<{ id: string }[]>`
      SELECT id FROM bookings
      WHERE (status = 'SCHEDULED' AND start_time <= ${at})
         OR (status = 'ONGOING' AND NOT is_delayed AND end_time <= ${at})
      ORDER BY id COLLATE "C"
      FOR UPDATE SKIP LOCKED`;
    const ids = candidates.map((row) => row.id);
    const updates: BookingStatusUpdate[] = [];
    const failed: SweepFailure[] = [];
    for (let i = 0; i < ids.length; i += chunkSize) {
      const chunk = ids.slice(i, i + chunkSize);
      const done = await attempt(tx, chunk, audit);
      if (done.ok) {
        updates.push(...done.updates);
        continue;
      }
      // The chunk failed as a whole: find the row(s) at fault, keep the rest.
      for (const id of chunk) {
        const one = chunk.length === 1 ? done : await attempt(tx, [id], audit);
        if (one.ok) {
          updates.push(...one.updates);
        } else {
          failed.push({ id, sqlstate: one.error.code, message: one.error.message });
          options.logger?.warn({ booking_id: id, sqlstate: one.error.code, err: one.error.message }, 'booking sweep skipped a booking it could not update');
        }
      }
    }
    return {
      started: updates.filter((u) => u.to === 'ONGOING').length,
      completed: updates.filter((u) => u.to === 'COMPLETED').length,
      updates,
      failed,
    };
  });
}

interface AuditContext {
  readonly at: Date;
  readonly source: BookingSweepSource;
  readonly actorId: string | null;
}

type Attempt = { ok: true; updates: BookingStatusUpdate[] } | { ok: false; error: postgres.PostgresError };

/** Transitions these ids in a savepoint; a database refusal rolls back only the savepoint. */
async function attempt(tx: Tx, ids: readonly string[], audit: AuditContext): Promise<Attempt> {
  try {
    return { ok: true, updates: await tx.savepoint((sp) => transition(sp, ids, audit)) };
  } catch (error) {
    if (error instanceof postgres.PostgresError) return { ok: false, error };
    throw error;
  }
}

/** Both UPDATEs and their audit entries in one statement (invariants 1 and 5). */
async function transition(db: Tx, ids: readonly string[], { at, source, actorId }: AuditContext): Promise<BookingStatusUpdate[]> {
  const rows = await db<{ id: string; from_status: BookingStatus; to_status: BookingStatus; is_delayed: boolean }[]>`
    WITH started AS (
      UPDATE bookings SET status = 'ONGOING', is_delayed = true, updated_at = ${at}
      WHERE id = ANY(${db.array(ids as string[])}::text[]) AND status = 'SCHEDULED' AND start_time <= ${at}
      RETURNING id, status, is_delayed, completed_at
    ), completed AS (
      UPDATE bookings SET status = 'COMPLETED', completed_at = GREATEST(end_time, started_at), updated_at = ${at}
      WHERE id = ANY(${db.array(ids as string[])}::text[]) AND status = 'ONGOING' AND NOT is_delayed AND end_time <= ${at}
      RETURNING id, status, is_delayed, completed_at
    ), changed AS (
      SELECT id, 'SCHEDULED' AS from_status, status AS to_status, is_delayed, completed_at FROM started
      UNION ALL
      SELECT id, 'ONGOING', status, is_delayed, completed_at FROM completed
    ), audited AS (
      INSERT INTO audit_log (id, at, actor_id, device_id, source, entity, entity_id, action, old_value, new_value, reason)
      SELECT gen_random_uuid()::text, ${at}, ${actorId}, NULL, ${source}, 'booking', id,
             CASE to_status WHEN 'ONGOING' THEN 'booking.delayed' ELSE 'booking.auto_completed' END,
             jsonb_build_object('status', from_status, 'is_delayed', false),
             jsonb_build_object('status', to_status, 'is_delayed', is_delayed,
                                'completed_at', (extract(epoch FROM completed_at) * 1000)::bigint),
             CASE to_status WHEN 'ONGOING' THEN 'start time passed without a manual start'
                            ELSE 'end time passed' END
      FROM changed
    )
    SELECT id, from_status, to_status, is_delayed FROM changed ORDER BY id COLLATE "C"`;
  return rows.map((row) => ({ id: row.id, from: row.from_status, to: row.to_status, is_delayed: row.is_delayed }));
}
