/**
 * Bookings' manual transitions; the automatic ones (the time sweep) live in
 * `sweep.ts`.
 *
 * Invariants:
 * 1. (I8) Status moves only forward: SCHEDULED → ONGOING → COMPLETED, or
 *    SCHEDULED/ONGOING → CANCELLED. COMPLETED and CANCELLED are final.
 * 2. `is_delayed` is set only by the sweep (SCHEDULED → ONGOING because the
 *    start time passed without a manual start) and is never cleared.
 *    A manual start of a SCHEDULED booking therefore prevents the flag, even
 *    when the start time has passed but no sweep ran yet.
 * 3. `end_time > start_time`.
 * 4. Manual start and complete are idempotent: repeating them is a no-op, so a
 *    retried request or a second participant pressing the button succeeds.
 * 5. Only the mentor, the student or a supervisor/admin may start or complete;
 *    only a supervisor/admin creates or cancels.
 */
import type { RuleContext } from '../context.ts';
import { isSupervisor } from '../context.ts';
import type { Effect } from '../effects.ts';
import { put } from '../effects.ts';
import { domainError } from '../errors.ts';
import type { Result } from '../result.ts';
import { err, ok } from '../result.ts';
import { BookingStatus } from '../rows.ts';
import type { BookingRow } from '../rows.ts';
import type { Millis } from '../time.ts';
import { unreachable } from '../unreachable.ts';

export interface CreateBookingArgs {
  readonly id: string;
  readonly mentor_id: string;
  readonly student_id: string;
  readonly start_time: Millis;
  readonly end_time: Millis;
}

/** Makes a booking. Creating again with the same id and the same content is a no-op (a retried request). */
export function createBooking(existing: BookingRow | null, args: CreateBookingArgs, ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return err(domainError('FORBIDDEN', 'Only a supervisor or admin can make bookings'));
  if (!(args.end_time > args.start_time)) {
    return err(
      domainError('INVALID_INPUT', 'end_time must be after start_time', {
        start_time: args.start_time,
        end_time: args.end_time,
      }),
    );
  }
  if (existing !== null) {
    const same =
      existing.mentor_id === args.mentor_id &&
      existing.student_id === args.student_id &&
      existing.start_time === args.start_time &&
      existing.end_time === args.end_time;
    return same
      ? ok([])
      : err(domainError('CONFLICT_EXISTS', 'A booking with this id already exists with other content', { id: args.id }));
  }
  return ok([
    put('bookings', {
      id: args.id,
      mentor_id: args.mentor_id,
      student_id: args.student_id,
      start_time: args.start_time,
      end_time: args.end_time,
      status: BookingStatus.scheduled,
      is_delayed: false,
      started_at: null,
      completed_at: null,
      updated_at: ctx.now,
    }),
  ]);
}

/** Manual start (`POST /api/sessions/:id/start`): prevents the delay flag (invariant 2). */
export function startBooking(b: BookingRow, ctx: RuleContext): Result<Effect[]> {
  if (!mayRun(b, ctx)) return err(forbidden(b));
  switch (b.status) {
    case BookingStatus.scheduled:
      return ok([
        put('bookings', { ...b, status: BookingStatus.ongoing, is_delayed: false, started_at: ctx.now, updated_at: ctx.now }),
      ]);
    case BookingStatus.ongoing:
      // Already running. A delayed booking has no started_at (nobody started
      // it); the first manual start records when people actually began, and
      // the delay flag stays: it says the start was late, which is still true.
      return b.started_at === null ? ok([put('bookings', { ...b, started_at: ctx.now, updated_at: ctx.now })]) : ok([]);
    case BookingStatus.completed:
    case BookingStatus.cancelled:
      return err(invalidState(b, 'start'));
    default:
      return unreachable(b.status);
  }
}

/** Manual complete (`POST /api/sessions/:id/complete`): works for delayed sessions too. */
export function completeBooking(b: BookingRow, ctx: RuleContext): Result<Effect[]> {
  if (!mayRun(b, ctx)) return err(forbidden(b));
  switch (b.status) {
    case BookingStatus.ongoing:
      return ok([put('bookings', { ...b, status: BookingStatus.completed, completed_at: ctx.now, updated_at: ctx.now })]);
    case BookingStatus.completed:
      return ok([]);
    case BookingStatus.scheduled:
    case BookingStatus.cancelled:
      return err(invalidState(b, 'complete'));
    default:
      return unreachable(b.status);
  }
}

/** Cancels a booking that has not finished. Cancelling again is a no-op. */
export function cancelBooking(b: BookingRow, ctx: RuleContext): Result<Effect[]> {
  if (!isSupervisor(ctx.actor)) return err(domainError('FORBIDDEN', 'Only a supervisor or admin can cancel bookings'));
  switch (b.status) {
    case BookingStatus.scheduled:
    case BookingStatus.ongoing:
      return ok([put('bookings', { ...b, status: BookingStatus.cancelled, updated_at: ctx.now })]);
    case BookingStatus.cancelled:
      return ok([]);
    case BookingStatus.completed:
      return err(invalidState(b, 'cancel'));
    default:
      return unreachable(b.status);
  }
}

/** Whether the actor is the booking's mentor or student. */
export function isBookingParticipant(b: BookingRow, ctx: RuleContext): boolean {
  return ctx.actor.user_id === b.mentor_id || ctx.actor.user_id === b.student_id;
}

function mayRun(b: BookingRow, ctx: RuleContext): boolean {
  return isBookingParticipant(b, ctx) || isSupervisor(ctx.actor);
}

function forbidden(b: BookingRow) {
  return domainError('FORBIDDEN', 'Only the mentor or the student of this booking can do that', { booking_id: b.id });
}

function invalidState(b: BookingRow, action: string) {
  return domainError('CONFLICT_INVALID_STATE', `Cannot ${action} a booking that is ${b.status}`, {
    booking_id: b.id,
    status: b.status,
  });
}
