/**
 * Bookings' automatic transitions by time, the reference for the server's
 * set-based SQL sweep (scheduler, `/api/admin/update-session-status`,
 * `/api/cron/complete-sessions`).
 *
 * Invariants:
 * 1. (I8) Only forward: SCHEDULED → ONGOING (delayed) and ONGOING (not
 *    delayed) → COMPLETED. Nothing else is touched.
 * 2. A delayed booking never completes automatically; it stays ONGOING until
 *    someone completes it by hand.
 * 3. One sweep moves a booking one step at most. A SCHEDULED booking whose end
 *    has passed too becomes ONGOING delayed, and by 2 stays so.
 * 4. Idempotent: sweeping a swept row at the same time changes nothing.
 * 5. Path-independent for missed runs: sweeping at t1 then at t2 leaves the
 *    same booking (all but `updated_at`, the write time) as sweeping only at
 *    t2, because every recorded time comes from the row, never from `now`.
 */
import { BookingStatus } from '../rows.ts';
import type { BookingRow } from '../rows.ts';
import type { Millis } from '../time.ts';

/** One automatic change, as the update routes' `updates` array reports it. */
export interface BookingStatusUpdate {
  readonly id: string;
  readonly from: BookingStatus;
  readonly to: BookingStatus;
  readonly is_delayed: boolean;
}

/** The response body of the update routes. Plain data. */
export interface SweepReport {
  /** Bookings marked ONGOING (delayed) by this sweep. */
  readonly started: number;
  /** Bookings completed by this sweep. */
  readonly completed: number;
  readonly updates: readonly BookingStatusUpdate[];
}

/** The booking after an automatic transition at `now`, or null when none applies. */
export function sweepBooking(b: BookingRow, now: Millis): BookingRow | null {
  if (b.status === BookingStatus.scheduled && b.start_time <= now) {
    // Nobody started it in time: it is running late. started_at stays null,
    // so a later manual start can still record when people actually began.
    return { ...b, status: BookingStatus.ongoing, is_delayed: true, updated_at: now };
  }
  if (b.status === BookingStatus.ongoing && !b.is_delayed && b.end_time <= now) {
    // completed_at is the moment the rules completed it (its end time), not
    // the moment a sweep happened to run: sweeps may run late or be missed
    // (no dashboard open, cron down), and reports must not depend on that.
    // A booking started by hand after its end completes at its start, so
    // completed_at is never before started_at.
    return { ...b, status: BookingStatus.completed, completed_at: Math.max(b.end_time, b.started_at ?? b.end_time), updated_at: now };
  }
  return null;
}

/** Sweeps every booking at `now` and reports what changed. */
export function sweepBookings(rows: readonly BookingRow[], now: Millis): SweepReport {
  let started = 0;
  let completed = 0;
  const updates: BookingStatusUpdate[] = [];
  for (const row of rows) {
    const next = sweepBooking(row, now);
    if (next === null) continue;
    if (next.status === BookingStatus.ongoing) started++;
    else completed++;
    updates.push({ id: row.id, from: row.status, to: next.status, is_delayed: next.is_delayed });
  }
  return { started, completed, updates };
}
