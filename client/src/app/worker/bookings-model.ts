/**
 * My bookings, as mentor or student, with their live status.
 *
 * Invariants:
 *  1. Listed: bookings where I am the mentor or the student.
 *  2. The live status is what the time sweep (`sweepBooking`) makes of the
 *     row at `now`: a booking whose start passed shows as ongoing (late)
 *     before the server's sweep reaches the replica. The stored status is
 *     kept beside it.
 *  3. Start and complete are offered when the rules accept them on the
 *     stored row (that is what the engine checks) and the live status is
 *     not final (completed, cancelled).
 *  4. Open bookings (scheduled, ongoing) first by start time; then finished
 *     ones, most recent first.
 */
import { BookingStatus, rowsOfTable, sweepBooking } from '@stint/shared';
import type { Actor, BookingRow, Millis, State, UserRow } from '@stint/shared';
import { probeOf } from './rule-probe.ts';

export interface BookingCardModel {
  readonly id: string;
  readonly my_role: 'mentor' | 'student';
  readonly partner_id: string;
  /** The partner's name, or null when the users list does not have them. */
  readonly partner_name: string | null;
  readonly start_time: Millis;
  readonly end_time: Millis;
  /** Live status (invariant 2). */
  readonly status: BookingStatus;
  readonly stored_status: BookingStatus;
  readonly is_delayed: boolean;
  readonly started_at: Millis | null;
  readonly completed_at: Millis | null;
  readonly actions: { readonly start: boolean; readonly complete: boolean };
}

export function bookingsModel(state: State, actor: Actor, now: Millis, users: ReadonlyMap<string, UserRow>): BookingCardModel[] {
  const probe = probeOf(state, actor, now);
  return rowsOfTable(state, 'bookings')
    .filter((b) => b.mentor_id === actor.user_id || b.student_id === actor.user_id)
    .map((stored) => card(stored, sweepBooking(stored, now) ?? stored, actor, users, probe))
    .sort((a, b) => {
      const fa = isFinal(a.status);
      const fb = isFinal(b.status);
      if (fa !== fb) return fa ? 1 : -1;
      const byStart = fa ? b.start_time - a.start_time : a.start_time - b.start_time;
      return byStart || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
}

export function isFinal(status: BookingStatus): boolean {
  return status === BookingStatus.completed || status === BookingStatus.cancelled;
}

function card(
  stored: BookingRow,
  live: BookingRow,
  actor: Actor,
  users: ReadonlyMap<string, UserRow>,
  probe: ReturnType<typeof probeOf>,
): BookingCardModel {
  const mentor = stored.mentor_id === actor.user_id;
  const partner_id = mentor ? stored.student_id : stored.mentor_id;
  const open = !isFinal(live.status);
  const ref = { booking_id: stored.id };
  return {
    id: stored.id,
    my_role: mentor ? 'mentor' : 'student',
    partner_id,
    partner_name: users.get(partner_id)?.name ?? null,
    start_time: stored.start_time,
    end_time: stored.end_time,
    status: live.status,
    stored_status: stored.status,
    is_delayed: live.is_delayed,
    started_at: live.started_at,
    completed_at: live.completed_at,
    actions: {
      start: open && probe.changes('booking.start', ref),
      complete: open && probe.changes('booking.complete', ref),
    },
  };
}
