import { applyEffects, applyIntent, ruleContext, stateFrom } from '@stint/shared';
import type { Intent } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { bookablePeople, bookingsModel, liveBooking, planBooking } from './bookings-model.ts';
import { T0, booking, user } from './testing.ts';

const H = 3_600_000;
const sup = { user_id: 's1', role: 'supervisor' } as const;
const users = new Map([user('m1', 'Marta'), user('st1', 'Luis'), user('s1', 'Sofía', 'supervisor')].map((u) => [u.id, u]));

describe('bookings model', () => {
  const state = stateFrom({
    bookings: [
      booking('b-late', 'm1', 'st1', { start_time: T0 + 2 * H, end_time: T0 + 3 * H }),
      booking('b-soon', 'm1', 'st1', { start_time: T0 - H, end_time: T0 + H }),
      booking('b-run', 'm1', 'ghost', { start_time: T0 - 3 * H, end_time: T0 - H, status: 'ONGOING', started_at: T0 - 3 * H }),
      booking('b-done', 'm1', 'st1', { start_time: T0 - 5 * H, end_time: T0 - 4 * H, status: 'COMPLETED', started_at: T0 - 5 * H, completed_at: T0 - 4 * H }),
      booking('b-x', 'm1', 'st1', { start_time: T0 - 6 * H, end_time: T0 - 5.5 * H, status: 'CANCELLED' }),
    ],
  });
  const lines = bookingsModel(state, users, sup, T0);

  test('lists every booking by start with names (ids for people the replica lacks)', () => {
    expect(lines.map((l) => [l.id, l.mentorName, l.studentName])).toEqual([
      ['b-x', 'Marta', 'Luis'],
      ['b-done', 'Marta', 'Luis'],
      ['b-run', 'Marta', 'ghost'],
      ['b-soon', 'Marta', 'Luis'],
      ['b-late', 'Marta', 'Luis'],
    ]);
  });

  test('the live status moves on with the shared sweep before the server catches up', () => {
    const byId = new Map(lines.map((l) => [l.id, l]));
    expect(byId.get('b-soon')).toMatchObject({ storedStatus: 'SCHEDULED', status: 'ONGOING', delayed: true, due: true });
    expect(byId.get('b-run')).toMatchObject({ storedStatus: 'ONGOING', status: 'COMPLETED', delayed: false, due: true });
    expect(byId.get('b-late')).toMatchObject({ status: 'SCHEDULED', due: false });
  });

  test('a scheduled booking whose end passed becomes ongoing and delayed, and stays so', () => {
    const missed = booking('b', 'm1', 'st1', { start_time: T0 - 3 * H, end_time: T0 - H });
    expect(liveBooking(missed, T0)).toMatchObject({ status: 'ONGOING', is_delayed: true });
  });

  test('cancel is offered only where the shared rule would cancel', () => {
    expect(lines.filter((l) => l.cancellable).map((l) => l.id)).toEqual(['b-run', 'b-soon', 'b-late']);
    const asWorker = bookingsModel(state, users, { user_id: 'm1', role: 'worker' }, T0);
    expect(asWorker.some((l) => l.cancellable)).toBe(false);
  });

  test('people are offered by name', () => {
    expect(bookablePeople(users).map((p) => p.name)).toEqual(['Luis', 'Marta', 'Sofía']);
  });
});

describe('planning a booking', () => {
  const ids = () => 'bk-1';

  test('local wall times in the zone become ISO with the offset, accepted by the shared rule', () => {
    const plan = planBooking({ mentorId: 'm1', studentId: 'st1', start: '2025-07-01T09:00', end: '2025-07-01T10:30' }, 'Europe/Madrid', ids);
    expect(plan).toEqual({
      ok: true,
      args: { booking_id: 'bk-1', mentor_id: 'm1', student_id: 'st1', start_time: '2025-07-01T09:00:00+02:00', end_time: '2025-07-01T10:30:00+02:00' },
    });
    if (!plan.ok) return;
    const intent = { id: 'i1', kind: 'booking.create', args: plan.args, occurred_at: '' } as Intent;
    const result = applyIntent(stateFrom({}), intent, ruleContext(intent.id, { now: T0, actor: sup, zone: 'Europe/Madrid' }));
    expect(result.ok).toBe(true);
    const after = applyEffects(stateFrom({}), result.ok ? result.value : []);
    expect(after.bookings.get('bk-1')).toMatchObject({ start_time: Date.parse('2025-07-01T07:00:00Z'), status: 'SCHEDULED' });
  });

  test('refuses missing people, missing times and an end not after the start', () => {
    expect(planBooking({ mentorId: '', studentId: 'st1', start: '2025-07-01T09:00', end: '2025-07-01T10:00' }, 'UTC', ids)).toEqual({ ok: false, problem: 'people' });
    expect(planBooking({ mentorId: 'm1', studentId: 'st1', start: '', end: '2025-07-01T10:00' }, 'UTC', ids)).toEqual({ ok: false, problem: 'times' });
    expect(planBooking({ mentorId: 'm1', studentId: 'st1', start: '2025-07-01T10:00', end: '2025-07-01T10:00' }, 'UTC', ids)).toEqual({ ok: false, problem: 'times' });
  });
});
