/** Intents on a booking: create, cancel, and the manual start and complete. */
import { z } from 'zod';
import { cancelBooking, completeBooking, createBooking, startBooking } from '../bookings/booking.ts';
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import type { BookingRow } from '../rows.ts';
import { IdSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import type { AggregateRef } from './define-intent.ts';

export const bookingIntents = {
  'booking.create': defineIntent({
    /** Booking times are ISO-8601 on the wire, like every timestamp. */
    args: z.strictObject({
      booking_id: IdSchema,
      mentor_id: IdSchema,
      student_id: IdSchema,
      start_time: z.iso.datetime({ offset: true }),
      end_time: z.iso.datetime({ offset: true }),
    }),
    target: onBooking,
    rule: ({ state, args: { booking_id, mentor_id, student_id, start_time, end_time }, ctx }) =>
      createBooking(
        state.bookings.get(booking_id) ?? null,
        { id: booking_id, mentor_id, student_id, start_time: Date.parse(start_time), end_time: Date.parse(end_time) },
        ctx,
      ),
  }),
  'booking.cancel': bookingAct(cancelBooking),
  'booking.start': bookingAct(startBooking),
  'booking.complete': bookingAct(completeBooking),
} as const;

function onBooking(args: { readonly booking_id: string }): AggregateRef {
  return { aggregate: Aggregate.booking, id: args.booking_id };
}

/** An act that names only its booking (`{booking_id}`); NOT_FOUND when there is no such booking. */
function bookingAct(rule: (booking: BookingRow, ctx: RuleContext) => Result<Effect[]>) {
  return defineIntent({
    args: z.strictObject({ booking_id: IdSchema }),
    target: onBooking,
    rule: ({ state, args: { booking_id }, ctx }) => {
      const booking = state.bookings.get(booking_id);
      return booking === undefined ? err(domainError('NOT_FOUND', `Booking ${booking_id} not found.`, { booking_id })) : rule(booking, ctx);
    },
  });
}
