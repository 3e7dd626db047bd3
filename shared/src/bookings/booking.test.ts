import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import { rowsOf } from '../effects.ts';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import { BOOKING_STATUSES, BookingStatus } from '../rows.ts';
import type { BookingRow, Role } from '../rows.ts';
import { HOUR, MINUTE } from '../time.ts';
import { cancelBooking, completeBooking, createBooking, startBooking } from './booking.ts';
import { sweepBooking, sweepBookings } from './sweep.ts';
import { ruleContext } from '../context.ts';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const { scheduled: SCHEDULED, ongoing: ONGOING, completed: COMPLETED, cancelled: CANCELLED } = BookingStatus;

function ctx(now: number, user_id = 'mentor', role: Role = 'worker'): RuleContext {
  return { ...ruleContext('', { now, actor: { user_id, role } }), newId: (tag) => tag };
}
const supervisor = (now: number) => ctx(now, 'boss', 'supervisor');

function booking(patch: Partial<BookingRow> = {}): BookingRow {
  return {
    id: 'b1',
    mentor_id: 'mentor',
    student_id: 'student',
    start_time: T0,
    end_time: T0 + HOUR,
    status: SCHEDULED,
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0 - HOUR,
    ...patch,
  };
}

/** The single booking a successful rule wrote. */
function written(result: Result<Effect[]>): BookingRow {
  if (!result.ok) throw result.error;
  const rows = rowsOf(result.value, 'bookings');
  expect(rows).toHaveLength(1);
  return rows[0] as BookingRow;
}
function codeOf(result: Result<Effect[]>): string | undefined {
  return result.ok ? undefined : result.error.code;
}
/** Applies a sweep, keeping the row when nothing changes. */
const swept = (b: BookingRow, now: number) => sweepBooking(b, now) ?? b;

describe('booking status flow', () => {
  test('SCHEDULED: a new booking is booked and waiting to start', () => {
    const b = written(createBooking(null, { id: 'b1', mentor_id: 'mentor', student_id: 'student', start_time: T0, end_time: T0 + HOUR }, supervisor(T0 - HOUR)));
    expect(b).toEqual(booking());
  });

  test('SCHEDULED → ONGOING (manual) → COMPLETED (automatic, not delayed)', () => {
    const started = written(startBooking(booking(), ctx(T0 - MINUTE)));
    expect(started).toMatchObject({ status: ONGOING, is_delayed: false, started_at: T0 - MINUTE });
    expect(sweepBooking(started, T0 + HOUR - 1)).toBeNull();
    expect(sweepBooking(started, T0 + HOUR)).toMatchObject({ status: COMPLETED, is_delayed: false, completed_at: T0 + HOUR });
  });

  test('SCHEDULED → ONGOING with isDelayed: true when start time passes without manual start', () => {
    expect(sweepBooking(booking(), T0 - 1)).toBeNull();
    expect(sweepBooking(booking(), T0)).toMatchObject({ status: ONGOING, is_delayed: true, started_at: null, updated_at: T0 });
  });

  test('delayed bookings remain ONGOING indefinitely', () => {
    const delayed = swept(booking(), T0 + MINUTE);
    for (const later of [T0 + HOUR, T0 + 2 * HOUR, T0 + 1_000 * HOUR]) {
      expect(sweepBooking(delayed, later)).toBeNull();
    }
  });

  test('delayed bookings do not automatically complete when their end time passes', () => {
    const delayed = swept(booking(), T0 + 5 * MINUTE);
    expect(swept(delayed, T0 + HOUR + 1)).toEqual(delayed);
  });

  test('delayed bookings must be manually completed by mentor or student', () => {
    const delayed = swept(booking(), T0 + 5 * MINUTE);
    for (const who of ['mentor', 'student']) {
      expect(written(completeBooking(delayed, ctx(T0 + 3 * HOUR, who)))).toMatchObject({
        status: COMPLETED,
        is_delayed: true,
        completed_at: T0 + 3 * HOUR,
      });
    }
  });

  test('manual complete works for delayed bookings', () => {
    const delayed = swept(booking(), T0);
    expect(written(completeBooking(delayed, ctx(T0 + 10 * MINUTE, 'student'))).status).toBe(COMPLETED);
  });

  test('manual start prevents the delay flag', () => {
    const started = written(startBooking(booking(), ctx(T0 - 2 * MINUTE, 'student')));
    expect(swept(started, T0 + MINUTE)).toEqual(started);
    expect(started.is_delayed).toBe(false);
  });

  test('manual start prevents the delay flag even when the start time passed but no sweep ran', () => {
    const started = written(startBooking(booking(), ctx(T0 + 7 * MINUTE)));
    expect(started).toMatchObject({ status: ONGOING, is_delayed: false, started_at: T0 + 7 * MINUTE });
    expect(sweepBooking(started, T0 + 8 * MINUTE)).toBeNull();
    expect(sweepBooking(started, T0 + HOUR)?.status).toBe(COMPLETED);
  });

  test('completing only when not delayed: ONGOING → COMPLETED only for bookings started on time', () => {
    const onTime = booking({ status: ONGOING, is_delayed: false, started_at: T0 });
    const late = booking({ status: ONGOING, is_delayed: true, started_at: null });
    expect(sweepBooking(onTime, T0 + HOUR)?.status).toBe(COMPLETED);
    expect(sweepBooking(late, T0 + HOUR)).toBeNull();
  });

  test('completing needs the end time ≤ current time', () => {
    const onTime = booking({ status: ONGOING, started_at: T0 });
    expect(sweepBooking(onTime, T0 + HOUR - 1)).toBeNull();
    expect(sweepBooking(onTime, T0 + HOUR)?.status).toBe(COMPLETED);
  });

  test.each(BOOKING_STATUSES.filter((s) => s !== SCHEDULED))('a %s booking is never marked delayed', (status) => {
    expect(sweepBooking(booking({ status, started_at: T0 - HOUR, is_delayed: false }), T0)).toBeNull();
  });

  test.each([SCHEDULED, COMPLETED, CANCELLED])('a %s booking past its end is never auto-completed', (status) => {
    const next = sweepBooking(booking({ status }), T0 + 2 * HOUR);
    expect(next === null || next.status !== COMPLETED).toBe(true);
  });

  test('a SCHEDULED booking whose end also passed becomes ONGOING delayed, and stays so', () => {
    const missed = swept(booking(), T0 + 2 * HOUR);
    expect(missed).toMatchObject({ status: ONGOING, is_delayed: true });
    expect(swept(missed, T0 + 3 * HOUR)).toEqual(missed);
  });

  test('a late sweep records the completion at the end time, not at the time it ran', () => {
    const onTime = booking({ status: ONGOING, started_at: T0 });
    expect(sweepBooking(onTime, T0 + 5 * HOUR)).toMatchObject({ completed_at: T0 + HOUR, updated_at: T0 + 5 * HOUR });
  });

  test('a booking started by hand after its end completes at its start, never before it', () => {
    const lateStart = written(startBooking(booking(), ctx(T0 + 2 * HOUR)));
    expect(sweepBooking(lateStart, T0 + 2 * HOUR)).toMatchObject({ status: COMPLETED, completed_at: T0 + 2 * HOUR });
  });

  test('status indicators: each (status, isDelayed) pair behaves as the booking spec lists', () => {
    const later = T0 + 10 * HOUR;
    expect(sweepBooking(booking(), later)?.is_delayed).toBe(true); // SCHEDULED: will auto-delay
    expect(sweepBooking(booking({ status: ONGOING, started_at: T0 }), later)?.status).toBe(COMPLETED); // will auto-complete
    expect(sweepBooking(booking({ status: ONGOING, is_delayed: true }), later)).toBeNull(); // requires manual completion
    expect(sweepBooking(booking({ status: COMPLETED, completed_at: T0 + HOUR }), later)).toBeNull(); // finished
  });

  test('the update routes report {started, completed, updates} and one row never stops the others', () => {
    const rows = [
      booking({ id: 'due' }),
      booking({ id: 'future', start_time: T0 + 3 * HOUR, end_time: T0 + 4 * HOUR }),
      booking({ id: 'ending', status: ONGOING, started_at: T0 }),
      booking({ id: 'late', status: ONGOING, is_delayed: true }),
      booking({ id: 'done', status: COMPLETED, completed_at: T0 + HOUR }),
      booking({ id: 'off', status: CANCELLED }),
    ];
    expect(sweepBookings(rows, T0 + HOUR)).toEqual({
      started: 1,
      completed: 1,
      updates: [
        { id: 'due', from: SCHEDULED, to: ONGOING, is_delayed: true },
        { id: 'ending', from: ONGOING, to: COMPLETED, is_delayed: false },
      ],
    });
    expect(sweepBookings([], T0)).toEqual({ started: 0, completed: 0, updates: [] });
  });
});

describe('booking rules', () => {
  const args = { id: 'b1', mentor_id: 'mentor', student_id: 'student', start_time: T0, end_time: T0 + HOUR };

  test('only a supervisor or admin makes bookings', () => {
    expect(codeOf(createBooking(null, args, ctx(T0)))).toBe('FORBIDDEN');
    expect(written(createBooking(null, args, ctx(T0, 'root', 'admin'))).status).toBe(SCHEDULED);
  });

  test.each([0, -MINUTE])('a booking whose end is not after its start is invalid input (end − start = %i)', (length) => {
    expect(codeOf(createBooking(null, { ...args, end_time: T0 + length }, supervisor(T0)))).toBe('INVALID_INPUT');
  });

  test('creating again with the same id and content is a no-op; other content conflicts', () => {
    const existing = booking({ status: ONGOING, started_at: T0 });
    expect(createBooking(existing, args, supervisor(T0))).toEqual({ ok: true, value: [] });
    expect(codeOf(createBooking(existing, { ...args, end_time: T0 + 2 * HOUR }, supervisor(T0)))).toBe('CONFLICT_EXISTS');
    expect(codeOf(createBooking(existing, { ...args, student_id: 'other' }, supervisor(T0)))).toBe('CONFLICT_EXISTS');
  });

  test.each([
    ['start', startBooking],
    ['complete', completeBooking],
  ])('%s is refused to someone who is neither mentor, student nor supervisor', (_name, rule) => {
    const running = booking({ status: ONGOING, started_at: T0 });
    expect(codeOf(rule(running, ctx(T0, 'stranger')))).toBe('FORBIDDEN');
    expect(rule(running, supervisor(T0)).ok).toBe(true);
    expect(rule(running, ctx(T0, 'stranger', 'admin')).ok).toBe(true);
  });

  test('starting an ONGOING booking again is a no-op', () => {
    expect(startBooking(booking({ status: ONGOING, started_at: T0 }), ctx(T0 + MINUTE))).toEqual({ ok: true, value: [] });
  });

  test('starting a delayed booking records when it began and keeps the delay flag', () => {
    const delayed = swept(booking(), T0 + MINUTE);
    const started = written(startBooking(delayed, ctx(T0 + 9 * MINUTE, 'student')));
    expect(started).toMatchObject({ status: ONGOING, is_delayed: true, started_at: T0 + 9 * MINUTE });
    expect(startBooking(started, ctx(T0 + 10 * MINUTE))).toEqual({ ok: true, value: [] });
    expect(sweepBooking(started, T0 + 5 * HOUR)).toBeNull();
  });

  test.each([COMPLETED, CANCELLED])('starting a %s booking conflicts with its state', (status) => {
    expect(codeOf(startBooking(booking({ status }), ctx(T0)))).toBe('CONFLICT_INVALID_STATE');
  });

  test('completing a COMPLETED booking again is a no-op', () => {
    expect(completeBooking(booking({ status: COMPLETED, completed_at: T0 }), ctx(T0 + HOUR))).toEqual({ ok: true, value: [] });
  });

  test.each([SCHEDULED, CANCELLED])('completing a %s booking conflicts with its state', (status) => {
    expect(codeOf(completeBooking(booking({ status }), ctx(T0)))).toBe('CONFLICT_INVALID_STATE');
  });

  test.each([SCHEDULED, ONGOING])('a supervisor cancels a %s booking', (status) => {
    expect(written(cancelBooking(booking({ status }), supervisor(T0 + 1)))).toMatchObject({ status: CANCELLED, updated_at: T0 + 1 });
  });

  test('cancelling is for supervisors; a cancelled booking stays cancelled; a completed one cannot be cancelled', () => {
    expect(codeOf(cancelBooking(booking(), ctx(T0, 'mentor')))).toBe('FORBIDDEN');
    expect(cancelBooking(booking({ status: CANCELLED }), supervisor(T0))).toEqual({ ok: true, value: [] });
    expect(codeOf(cancelBooking(booking({ status: COMPLETED }), supervisor(T0)))).toBe('CONFLICT_INVALID_STATE');
    expect(sweepBooking(booking({ status: CANCELLED }), T0 + 9 * HOUR)).toBeNull();
  });
});
