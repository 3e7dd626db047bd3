import { describe, expect, test } from 'vitest';
import { BookingStatus } from '@stint/shared';
import { bookingsModel } from './bookings-model.ts';
import { ANA, LUIS, SUP, T0, USERS, world } from './testing.ts';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function booked() {
  return world()
    .as(SUP, T0)
    .act('booking.create', { booking_id: 'b-later', mentor_id: 'ana', student_id: 'luis', start_time: iso(T0 + 3 * HOUR), end_time: iso(T0 + 4 * HOUR) })
    .act('booking.create', { booking_id: 'b-soon', mentor_id: 'luis', student_id: 'ana', start_time: iso(T0 + HOUR), end_time: iso(T0 + 2 * HOUR) })
    .act('booking.create', { booking_id: 'b-other', mentor_id: 'luis', student_id: 'sup', start_time: iso(T0 + HOUR), end_time: iso(T0 + 2 * HOUR) });
}

describe('bookings model', () => {
  test('my bookings as mentor or student, soonest first, with the partner and my role; others are not listed', () => {
    const model = bookingsModel(booked().state, ANA, T0, USERS);
    expect(model.map((b) => [b.id, b.myRole, b.partnerName, b.status])).toEqual([
      ['b-soon', 'student', 'Luis Pérez', BookingStatus.scheduled],
      ['b-later', 'mentor', 'Luis Pérez', BookingStatus.scheduled],
    ]);
    expect(model[0]?.actions).toEqual({ start: true, complete: false });
  });

  test('an unknown partner has no name (the view shows a placeholder)', () => {
    expect(bookingsModel(booked().state, ANA, T0, new Map())[0]?.partnerName).toBeNull();
  });

  test('started by hand: ongoing, complete offered, start no longer', () => {
    const state = booked().as(ANA, T0 + HOUR).act('booking.start', { booking_id: 'b-soon' }).state;
    const soon = bookingsModel(state, ANA, T0 + HOUR + 1, USERS).find((b) => b.id === 'b-soon');
    expect(soon?.status).toBe(BookingStatus.ongoing);
    expect(soon?.isDelayed).toBe(false);
    expect(soon?.actions).toEqual({ start: false, complete: true });
  });

  test('live status: a booking whose start passed shows ongoing and late before the sweep reaches the replica', () => {
    const soon = bookingsModel(booked().state, ANA, T0 + HOUR + 5 * 60_000, USERS).find((b) => b.id === 'b-soon');
    expect(soon?.storedStatus).toBe(BookingStatus.scheduled);
    expect(soon?.status).toBe(BookingStatus.ongoing);
    expect(soon?.isDelayed).toBe(true);
    expect(soon?.actions.start).toBe(true);
  });

  test('completed bookings go after open ones, most recent first, with no actions', () => {
    const state = booked()
      .as(LUIS, T0 + HOUR)
      .act('booking.start', { booking_id: 'b-soon' })
      .act('booking.complete', { booking_id: 'b-soon' }).state;
    const model = bookingsModel(state, ANA, T0 + HOUR + 1, USERS);
    expect(model.map((b) => [b.id, b.status])).toEqual([
      ['b-later', BookingStatus.scheduled],
      ['b-soon', BookingStatus.completed],
    ]);
    expect(model[1]?.actions).toEqual({ start: false, complete: false });
  });

  test('a cancelled booking offers nothing', () => {
    const state = booked().as(SUP, T0).act('booking.cancel', { booking_id: 'b-later' }).state;
    const later = bookingsModel(state, ANA, T0, USERS).find((b) => b.id === 'b-later');
    expect(later?.status).toBe(BookingStatus.cancelled);
    expect(later?.actions).toEqual({ start: false, complete: false });
  });
});
