// The booking status flow (API.md "Seed 002"), statement by statement, through HTTP.
import { HOUR, MINUTE } from '@stint/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { BookingJson } from '../../bookings/booking-json.ts';
import { createTestDatabase } from '../../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../../testing/test-app.ts';
import type { TestResponse } from '../../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const CRON_SECRET = 'booking-flow-cron-secret-0123456789';
const t = createTestApp(db, { env: { CRON_SECRET } });
const START = TEST_EPOCH + HOUR;
const END = START + HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let boss = '';
let mentor = { id: '', token: '' };
let student = { id: '', token: '' };

beforeAll(async () => {
  boss = (await t.signIn('supervisor', 'boss')).token;
  const m = await t.signIn('worker', 'mentor');
  const s = await t.signIn('worker', 'student');
  mentor = { id: m.user.id, token: m.token };
  student = { id: s.user.id, token: s.token };
});

beforeEach(async () => {
  // Each scenario sees only its own bookings (a sweep covers the whole table).
  await db.sql`DELETE FROM bookings`;
  t.clock.set(TEST_EPOCH);
});

async function book(id: string, start = START, end = END): Promise<BookingJson> {
  const res = await t.request('POST', '/api/v1/bookings', {
    token: boss,
    body: { id, mentor_id: mentor.id, student_id: student.id, start_time: iso(start), end_time: iso(end) },
  });
  expect(res.status).toBe(201);
  return (res.body as { data: BookingJson }).data;
}

async function get(id: string): Promise<BookingJson> {
  const res = await t.request('GET', `/api/v1/bookings/${id}`, { token: mentor.token });
  expect(res.status).toBe(200);
  return (res.body as { data: BookingJson }).data;
}

/** The server-side cron trigger (the client trigger is the same sweep; see below). */
async function cron(): Promise<TestResponse> {
  const res = await t.request('POST', '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(res.status).toBe(200);
  return res;
}

async function manual(action: 'start' | 'complete', id: string, token: string): Promise<BookingJson> {
  const res = await t.request('POST', `/api/sessions/${id}/${action}`, { token });
  expect(res.status).toBe(200);
  return (res.body as { data: BookingJson }).data;
}

describe('a booking moves SCHEDULED → ONGOING → COMPLETED', () => {
  test('SCHEDULED: the booking is made and waiting to start', async () => {
    expect(await book('b1')).toEqual({
      id: 'b1',
      mentor_id: mentor.id,
      student_id: student.id,
      start_time: iso(START),
      end_time: iso(END),
      status: 'SCHEDULED',
      isDelayed: false,
      started_at: null,
      completed_at: null,
    });
  });

  test('SCHEDULED → ONGOING (with isDelayed: true) when start time passes without manual start', async () => {
    await book('b1');
    t.clock.set(START - 1);
    expect((await cron()).body).toEqual({ started: 0, completed: 0, updates: [] });
    t.clock.set(START);
    expect((await cron()).body).toEqual({
      started: 1,
      completed: 0,
      updates: [{ id: 'b1', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }],
    });
    expect(await get('b1')).toMatchObject({ status: 'ONGOING', isDelayed: true, started_at: null, completed_at: null });
  });

  test('ONGOING → COMPLETED automatically only for bookings that were started by hand on time (not delayed)', async () => {
    await book('b1');
    t.clock.set(START - 5 * MINUTE);
    expect(await manual('start', 'b1', mentor.token)).toMatchObject({ status: 'ONGOING', isDelayed: false, started_at: iso(START - 5 * MINUTE) });
    t.clock.set(END - 1);
    expect((await cron()).body).toMatchObject({ started: 0, completed: 0 });
    t.clock.set(END);
    expect((await cron()).body).toEqual({
      started: 0,
      completed: 1,
      updates: [{ id: 'b1', from: 'ONGOING', to: 'COMPLETED', is_delayed: false }],
    });
    expect(await get('b1')).toMatchObject({ status: 'COMPLETED', isDelayed: false, completed_at: iso(END) });
  });

  test('if manually started: will auto-complete when time ends, even when the sweep runs late', async () => {
    await book('b1');
    t.clock.set(START);
    await manual('start', 'b1', student.token);
    t.clock.set(END + 3 * HOUR);
    await cron();
    // completed_at is the end time, not the time the late sweep ran.
    expect(await get('b1')).toMatchObject({ status: 'COMPLETED', completed_at: iso(END) });
  });

  test('if automatically delayed: remains ongoing indefinitely until manually completed', async () => {
    await book('b1');
    t.clock.set(START + MINUTE);
    await cron();
    for (const later of [END, END + HOUR, END + 1000 * HOUR]) {
      t.clock.set(later);
      expect((await cron()).body).toEqual({ started: 0, completed: 0, updates: [] });
      expect(await get('b1')).toMatchObject({ status: 'ONGOING', isDelayed: true, completed_at: null });
    }
  });
});

describe('what the sweep changes', () => {
  test('delayed bookings: start time ≤ current time and status SCHEDULED → ONGOING, isDelayed true', async () => {
    await book('due', START, END);
    await book('future', START + HOUR, END + HOUR);
    t.clock.set(START + MINUTE);
    expect((await cron()).body).toMatchObject({ started: 1, updates: [{ id: 'due' }] });
    expect(await get('future')).toMatchObject({ status: 'SCHEDULED', isDelayed: false });
  });

  test('completing bookings: end time ≤ current time, status ONGOING and NOT delayed', async () => {
    await book('on-time');
    await book('late');
    t.clock.set(START - MINUTE);
    await manual('start', 'on-time', mentor.token);
    t.clock.set(START);
    await cron(); // "late" becomes delayed
    t.clock.set(END);
    expect((await cron()).body).toEqual({
      started: 0,
      completed: 1,
      updates: [{ id: 'on-time', from: 'ONGOING', to: 'COMPLETED', is_delayed: false }],
    });
    expect(await get('late')).toMatchObject({ status: 'ONGOING', isDelayed: true });
  });

  test('a delayed booking: no automatic completion when the end time passes; mentor or student completes it', async () => {
    await book('by-mentor');
    await book('by-student');
    t.clock.set(START + MINUTE);
    await cron();
    t.clock.set(END + HOUR);
    await cron();
    expect(await get('by-mentor')).toMatchObject({ status: 'ONGOING', isDelayed: true });
    expect(await manual('complete', 'by-mentor', mentor.token)).toMatchObject({ status: 'COMPLETED', isDelayed: true, completed_at: iso(END + HOUR) });
    expect(await manual('complete', 'by-student', student.token)).toMatchObject({ status: 'COMPLETED', isDelayed: true });
  });
});

describe('starting and completing a booking by hand', () => {
  test('POST /api/sessions/{sessionId}/start prevents the booking from being marked as delayed', async () => {
    await book('b1');
    t.clock.set(START - 2 * MINUTE);
    await manual('start', 'b1', student.token);
    t.clock.set(START + MINUTE);
    expect((await cron()).body).toEqual({ started: 0, completed: 0, updates: [] });
    expect(await get('b1')).toMatchObject({ status: 'ONGOING', isDelayed: false });
  });

  test('a manual start after the start time but before any sweep ran still prevents the delay flag', async () => {
    await book('b1');
    t.clock.set(START + 7 * MINUTE);
    expect(await manual('start', 'b1', mentor.token)).toMatchObject({ status: 'ONGOING', isDelayed: false, started_at: iso(START + 7 * MINUTE) });
    await cron();
    expect(await get('b1')).toMatchObject({ isDelayed: false });
  });

  test('POST /api/sessions/{sessionId}/complete completes any ongoing booking by hand, including delayed ones', async () => {
    await book('started');
    await book('delayed');
    t.clock.set(START - MINUTE);
    await manual('start', 'started', mentor.token);
    t.clock.set(START + MINUTE);
    await cron();
    t.clock.set(START + 30 * MINUTE);
    expect(await manual('complete', 'started', mentor.token)).toMatchObject({ status: 'COMPLETED', isDelayed: false, completed_at: iso(START + 30 * MINUTE) });
    expect(await manual('complete', 'delayed', student.token)).toMatchObject({ status: 'COMPLETED', isDelayed: true, completed_at: iso(START + 30 * MINUTE) });
  });

  test('status indicators: each (status, isDelayed) pair behaves as API.md lists', async () => {
    await book('scheduled', START + 10 * HOUR, END + 10 * HOUR); // SCHEDULED: will auto-delay later
    await book('on-time'); // ONGOING + isDelayed false: will auto-complete
    await book('delayed'); // ONGOING + isDelayed true: requires manual completion
    await book('finished'); // COMPLETED
    t.clock.set(START - MINUTE);
    await manual('start', 'on-time', mentor.token);
    await manual('start', 'finished', mentor.token);
    await manual('complete', 'finished', mentor.token);
    t.clock.set(START);
    await cron();
    expect((await get('scheduled')).status).toBe('SCHEDULED');
    expect(await get('on-time')).toMatchObject({ status: 'ONGOING', isDelayed: false });
    expect(await get('delayed')).toMatchObject({ status: 'ONGOING', isDelayed: true });
    t.clock.set(END);
    expect((await cron()).body).toMatchObject({ completed: 1, updates: [{ id: 'on-time', to: 'COMPLETED' }] });
    expect((await get('delayed')).status).toBe('ONGOING');
    expect((await get('finished')).status).toBe('COMPLETED');
    t.clock.set(START + 10 * HOUR);
    expect((await cron()).body).toMatchObject({ started: 1, updates: [{ id: 'scheduled', to: 'ONGOING', is_delayed: true }] });
  });
});

describe('the sweep runs from either trigger', () => {
  test.each(['GET', 'POST'])('client-side: %s /api/admin/update-session-status runs the same sweep for any signed-in user', async (method) => {
    await book('b1');
    t.clock.set(START);
    const res = await t.request(method, '/api/admin/update-session-status', { token: student.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ started: 1, completed: 0, updates: [{ id: 'b1', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }] });
  });

  test.each(['GET', 'POST'])('server-side cron: %s /api/cron/complete-sessions with the CRON_SECRET runs the sweep', async (method) => {
    await book('b1');
    t.clock.set(START);
    const res = await t.request(method, '/api/cron/complete-sessions', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ started: 1, completed: 0, updates: [{ id: 'b1', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }] });
  });

  test('updates are idempotent: polling again changes and reports nothing', async () => {
    await book('b1');
    t.clock.set(START);
    await cron();
    const again = await t.request('POST', '/api/admin/update-session-status', { token: mentor.token });
    expect(again.body).toEqual({ started: 0, completed: 0, updates: [] });
  });

  test('missed runs self-heal: one sweep after a long outage leaves the state the regular sweeps would have', async () => {
    await book('on-time');
    await book('delayed');
    t.clock.set(START - MINUTE);
    await manual('start', 'on-time', mentor.token);
    // No sweep at START or END (nobody on a dashboard, cron down) …
    t.clock.set(END + 5 * HOUR);
    expect((await cron()).body).toEqual({
      started: 1,
      completed: 1,
      updates: [
        { id: 'delayed', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true },
        { id: 'on-time', from: 'ONGOING', to: 'COMPLETED', is_delayed: false },
      ],
    });
    // … and the recorded times are those of the rules, not of the late run.
    expect(await get('on-time')).toMatchObject({ status: 'COMPLETED', completed_at: iso(END) });
    expect(await get('delayed')).toMatchObject({ status: 'ONGOING', isDelayed: true });
  });

  test('each automatic change is in the audit log with its source', async () => {
    await book('audited');
    t.clock.set(START);
    await cron();
    const entries = await db.sql<{ source: string; action: string }[]>`SELECT source, action FROM audit_log WHERE entity_id = 'audited'`;
    expect(entries).toEqual([{ source: 'cron', action: 'booking.delayed' }]);
  });
});
