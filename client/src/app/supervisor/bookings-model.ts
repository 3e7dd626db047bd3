/**
 * Bookings for supervisors (I8): every booking with its live status
 * and the names of mentor and student; creating (`booking.create`) and
 * cancelling (`booking.cancel`).
 *
 * Invariants:
 *  1. The live status is the stored one moved on by the shared time sweep
 *     (`sweepBooking`) as of now, so the list does not wait for the server's
 *     next sweep; `due` says the stored row has not caught up yet.
 *  2. Cancel is offered iff the shared rule `cancelBooking` would change the
 *     booking for this supervisor.
 *  3. A planned booking's args pass the shared `booking.create` schema; start
 *     and end are the form's local wall times in the supervisor's zone, sent
 *     as ISO-8601 with that zone's offset, and end > start.
 */
import { INTENT_ARGS, cancelBooking, rowsOfTable, ruleContext, sweepBooking } from '@stint/shared';
import type { Actor, BookingRow, BookingStatus, IntentArgs, Millis, State, UserRow } from '@stint/shared';
import { localInputToIso } from './zone-time.ts';

export interface BookingLine {
  readonly id: string;
  readonly mentorId: string;
  readonly mentorName: string;
  readonly studentId: string;
  readonly studentName: string;
  readonly start: Millis;
  readonly end: Millis;
  readonly storedStatus: BookingStatus;
  readonly status: BookingStatus;
  readonly delayed: boolean;
  /** The stored row will change at the server's next sweep (invariant 1). */
  readonly due: boolean;
  readonly cancellable: boolean;
}

export function bookingsModel(state: State, users: ReadonlyMap<string, UserRow>, actor: Actor, now: Millis): BookingLine[] {
  const name = (id: string): string => users.get(id)?.name ?? id;
  return rowsOfTable(state, 'bookings')
    .map((row) => {
      const live = liveBooking(row, now);
      const cancel = cancelBooking(row, ruleContext('probe', { now, actor }));
      return {
        id: row.id,
        mentorId: row.mentor_id,
        mentorName: name(row.mentor_id),
        studentId: row.student_id,
        studentName: name(row.student_id),
        start: row.start_time,
        end: row.end_time,
        storedStatus: row.status,
        status: live.status,
        delayed: live.is_delayed,
        due: live !== row,
        cancellable: cancel.ok && cancel.value.length > 0,
      };
    })
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The booking after every sweep step that applies at `now` (at most two: I8 moves one step per sweep). */
export function liveBooking(row: BookingRow, now: Millis): BookingRow {
  let current = row;
  for (let step = 0; step < 3; step += 1) {
    const next = sweepBooking(current, now);
    if (next === null) break;
    current = next;
  }
  return current;
}

/** Everyone a booking can name, by name. */
export function bookablePeople(users: ReadonlyMap<string, UserRow>): { id: string; name: string }[] {
  return [...users.values()].map((u) => ({ id: u.id, name: u.name })).sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}

export interface BookingForm {
  readonly mentorId: string;
  readonly studentId: string;
  /** `<input type="datetime-local">` values. */
  readonly start: string;
  readonly end: string;
}

export type BookingPlan = { readonly ok: true; readonly args: IntentArgs<'booking.create'> } | { readonly ok: false; readonly problem: 'people' | 'times' };

export function planBooking(form: BookingForm, zone: string, newId: () => string): BookingPlan {
  if (form.mentorId === '' || form.studentId === '') return { ok: false, problem: 'people' };
  const start = localInputToIso(form.start, zone);
  const end = localInputToIso(form.end, zone);
  if (start === undefined || end === undefined || !(Date.parse(end) > Date.parse(start))) return { ok: false, problem: 'times' };
  const args = INTENT_ARGS['booking.create'].safeParse({ booking_id: newId(), mentor_id: form.mentorId, student_id: form.studentId, start_time: start, end_time: end });
  return args.success ? { ok: true, args: args.data } : { ok: false, problem: 'people' };
}
