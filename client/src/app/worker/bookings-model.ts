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
  readonly myRole: 'mentor' | 'student';
  readonly partnerId: string;
  /** The partner's name, or null when the users list does not have them. */
  readonly partnerName: string | null;
  readonly startTime: Millis;
  readonly endTime: Millis;
  /** Live status (invariant 2). */
  readonly status: BookingStatus;
  readonly storedStatus: BookingStatus;
  readonly isDelayed: boolean;
  readonly startedAt: Millis | null;
  readonly completedAt: Millis | null;
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
      const byStart = fa ? b.startTime - a.startTime : a.startTime - b.startTime;
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
  const partnerId = mentor ? stored.student_id : stored.mentor_id;
  const open = !isFinal(live.status);
  const ref = { booking_id: stored.id };
  return {
    id: stored.id,
    myRole: mentor ? 'mentor' : 'student',
    partnerId,
    partnerName: users.get(partnerId)?.name ?? null,
    startTime: stored.start_time,
    endTime: stored.end_time,
    status: live.status,
    storedStatus: stored.status,
    isDelayed: live.is_delayed,
    startedAt: live.started_at,
    completedAt: live.completed_at,
    actions: {
      start: open && probe.changes('booking.start', ref),
      complete: open && probe.changes('booking.complete', ref),
    },
  };
}
