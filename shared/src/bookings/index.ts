/** Bookings: manual transitions and the time sweep (DESIGN I8). */
export { createBooking, startBooking, completeBooking, cancelBooking, isBookingParticipant } from './booking.ts';
export type { CreateBookingArgs } from './booking.ts';
export { sweepBooking, sweepBookings } from './sweep.ts';
export type { BookingStatusUpdate, SweepReport } from './sweep.ts';
