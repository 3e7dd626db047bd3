import { BookingStatus, HOUR, MINUTE, put } from '@stint/shared';
import type { BookingRow, BookingStatus as Status } from '@stint/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BookingJson } from '../bookings/booking-json.ts';
import { applyEffects } from '../db/apply-effects.ts';
import { selectRows } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const START = TEST_EPOCH + HOUR;
const END = START + HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const tokens = { boss: '', admin: '', mentor: '', student: '', stranger: '' };
type Who = keyof typeof tokens | 'anonymous';

beforeAll(async () => {
  tokens.boss = (await t.signIn('supervisor', 'boss')).token;
  tokens.admin = (await t.signIn('admin', 'root')).token;
  tokens.mentor = (await t.signIn('worker', 'mentor')).token;
  tokens.student = (await t.signIn('worker', 'student')).token;
  tokens.stranger = (await t.signIn('worker', 'stranger')).token;
});

let serial = 0;
/** A booking written directly (no HTTP), with a fresh id. */
async function seed(status: Status = BookingStatus.scheduled, patch: Partial<BookingRow> = {}): Promise<BookingRow> {
  serial++;
  const row: BookingRow = {
    id: `bk-${serial}`,
    mentor_id: 'mentor',
    student_id: 'student',
    start_time: START,
    end_time: END,
    status,
    is_delayed: false,
    started_at: status === 'SCHEDULED' || status === 'CANCELLED' ? null : START - MINUTE,
    completed_at: status === 'COMPLETED' ? END : null,
    updated_at: TEST_EPOCH - HOUR,
    ...patch,
  };
  await applyEffects(db.sql, [put('bookings', row)]);
  return row;
}

function request(method: string, path: string, who: Who, body?: unknown) {
  return t.request(method, path, { ...(who === 'anonymous' ? {} : { token: tokens[who] }), ...(body === undefined ? {} : { body }) });
}

/** What must not change when a request is refused. */
async function snapshot() {
  const [audit] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log`;
  return { bookings: await selectRows(db.sql, 'bookings'), audit: audit?.n };
}

async function expectRefused(res: { status: number; body: unknown }, status: number, code: string, before: Awaited<ReturnType<typeof snapshot>>) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
  expect(await snapshot()).toEqual(before);
}

const valid = { mentor_id: 'mentor', student_id: 'student', start_time: iso(START), end_time: iso(END) };

describe('POST /api/v1/bookings', () => {
  test('a supervisor books a session with a client id → 201 {data: booking}, SCHEDULED', async () => {
    const res = await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'client-made' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      data: { id: 'client-made', ...valid, status: 'SCHEDULED', isDelayed: false, started_at: null, completed_at: null },
    });
  });

  test('without an id the server names it', async () => {
    const res = await request('POST', '/api/v1/bookings', 'admin', valid);
    expect(res.status).toBe(201);
    expect((res.body as { data: BookingJson }).data.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('times with an offset are accepted and answered in UTC with Z', async () => {
    const res = await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'offset', start_time: '2026-01-16T14:00:00+01:00', end_time: '2026-01-16T15:30:00+01:00' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ data: { start_time: '2026-01-16T13:00:00.000Z', end_time: '2026-01-16T14:30:00.000Z' } });
  });

  test('sending the same booking again (a retry) answers it again and changes nothing', async () => {
    await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'retried' });
    const before = await snapshot();
    const res = await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'retried' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ data: { id: 'retried', status: 'SCHEDULED' } });
    expect(await snapshot()).toEqual(before);
  });

  test('the same id with other content → 409 CONFLICT_EXISTS, nothing changes', async () => {
    await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'taken' });
    const before = await snapshot();
    await expectRefused(await request('POST', '/api/v1/bookings', 'boss', { ...valid, id: 'taken', end_time: iso(END + HOUR) }), 409, 'CONFLICT_EXISTS', before);
  });

  test.each([
    ['mentor_id', { mentor_id: 'nobody' }],
    ['student_id', { student_id: 'nobody' }],
  ])('an unknown %s → 404 NOT_FOUND, nothing changes', async (field, patch) => {
    const before = await snapshot();
    const res = await request('POST', '/api/v1/bookings', 'boss', { ...valid, ...patch });
    await expectRefused(res, 404, 'NOT_FOUND', before);
    expect(res.body).toMatchObject({ error: { details: { [field]: 'nobody' } } });
  });

  test.each([
    ['end equal to start', { end_time: iso(START) }],
    ['end before start', { end_time: iso(START - MINUTE) }],
    ['no mentor_id', { mentor_id: undefined }],
    ['no start_time', { start_time: undefined }],
    ['a start_time that is not ISO-8601', { start_time: 'tomorrow at nine' }],
    ['a date without a time', { start_time: '2026-01-16' }],
    ['a numeric start_time', { start_time: START }],
    ['an id with spaces', { id: 'a b' }],
    ['an empty id', { id: '' }],
    ['a NUL in the student id', { student_id: 'stu\u0000dent' }],
    ['year 0000, which Postgres cannot store', { start_time: '0000-01-01T00:00:00Z', end_time: '0000-01-01T01:00:00Z' }],
  ])('%s → 400, nothing changes', async (_what, patch) => {
    const before = await snapshot();
    const res = await request('POST', '/api/v1/bookings', 'boss', { ...valid, ...patch });
    expect(res.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ['malformed JSON', '{"mentor_id": '],
    ['an array', '[]'],
    ['null', 'null'],
  ])('a body of %s → 400 INVALID_INPUT, nothing changes', async (_what, raw) => {
    const before = await snapshot();
    await expectRefused(await t.request('POST', '/api/v1/bookings', { token: tokens.boss, body: raw }), 400, 'INVALID_INPUT', before);
  });

  test('a worker may not book (403), nobody without a token (401); nothing changes', async () => {
    const before = await snapshot();
    await expectRefused(await request('POST', '/api/v1/bookings', 'mentor', valid), 403, 'FORBIDDEN', before);
    await expectRefused(await request('POST', '/api/v1/bookings', 'anonymous', valid), 401, 'UNAUTHENTICATED', before);
  });
});

describe('GET /api/v1/bookings/:id', () => {
  test('answers exactly the booking shape API.md gives', async () => {
    const b = await seed(BookingStatus.ongoing, { is_delayed: true, started_at: null });
    const res = await request('GET', `/api/v1/bookings/${b.id}`, 'student');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        id: b.id,
        mentor_id: 'mentor',
        student_id: 'student',
        start_time: iso(START),
        end_time: iso(END),
        status: 'ONGOING',
        isDelayed: true,
        started_at: null,
        completed_at: null,
      },
    });
  });

  test('an unknown id → 404; an id that cannot exist → 400', async () => {
    expect((await request('GET', '/api/v1/bookings/no-such-booking', 'boss')).status).toBe(404);
    expect((await request('GET', '/api/v1/bookings/a%20b', 'boss')).status).toBe(400);
  });
});

describe('GET /api/v1/bookings', () => {
  test('a worker sees the bookings they mentor or attend; a supervisor sees all; ordered by start time', async () => {
    await db.sql`DELETE FROM bookings`;
    const late = await seed(BookingStatus.scheduled, { start_time: START + HOUR, end_time: END + HOUR });
    const early = await seed(BookingStatus.scheduled, { mentor_id: 'stranger', student_id: 'student' });
    const others = await seed(BookingStatus.scheduled, { mentor_id: 'stranger', student_id: 'boss', start_time: START - HOUR });
    const ids = async (who: Who, query = '') => ((await request('GET', `/api/v1/bookings${query}`, who)).body as { data: BookingJson[] }).data.map((b) => b.id);
    expect(await ids('mentor')).toEqual([late.id]);
    expect(await ids('student')).toEqual([early.id, late.id]);
    expect(await ids('boss')).toEqual([others.id, early.id, late.id]);
    expect(await ids('admin', '?limit=1&offset=1')).toEqual([early.id]);
  });

  test('filters by status', async () => {
    await db.sql`DELETE FROM bookings`;
    await seed(BookingStatus.scheduled);
    const done = await seed(BookingStatus.completed);
    const res = await request('GET', '/api/v1/bookings?status=COMPLETED', 'mentor');
    expect((res.body as { data: BookingJson[] }).data.map((b) => b.id)).toEqual([done.id]);
  });

  test.each(['?status=DONE', '?limit=0', '?limit=501', '?limit=ten', '?offset=-1', '?limit=1e2', '?limit=0x10', '?offset=1e2', '?limit=101', '?limit=%205'])('%s → 400 INVALID_INPUT (the paging every list takes: digits only, at most 100)', async (query) => {
    const res = await request('GET', `/api/v1/bookings${query}`, 'boss');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});

describe('manual start, complete and cancel', () => {
  test('starting again is a no-op (a second participant pressing start)', async () => {
    const b = await seed();
    t.clock.set(START - 2 * MINUTE);
    const first = await request('POST', `/api/sessions/${b.id}/start`, 'mentor');
    t.clock.set(START - MINUTE);
    const second = await request('POST', `/api/sessions/${b.id}/start`, 'student');
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.body).toMatchObject({ data: { started_at: iso(START - 2 * MINUTE) } });
    t.clock.set(TEST_EPOCH);
  });

  test('completing again is a no-op', async () => {
    const b = await seed(BookingStatus.ongoing);
    const first = await request('POST', `/api/sessions/${b.id}/complete`, 'mentor');
    const second = await request('POST', `/api/sessions/${b.id}/complete`, 'student');
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
  });

  test.each([BookingStatus.scheduled, BookingStatus.ongoing])('a supervisor cancels a %s booking → CANCELLED; cancelling again is a no-op', async (status) => {
    const b = await seed(status);
    const res = await request('POST', `/api/v1/bookings/${b.id}/cancel`, 'boss');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: { id: b.id, status: 'CANCELLED' } });
    expect((await request('POST', `/api/v1/bookings/${b.id}/cancel`, 'admin')).status).toBe(200);
  });

  test('a cancelled booking is never swept', async () => {
    const b = await seed(BookingStatus.cancelled);
    const res = await request('POST', '/api/admin/update-session-status', 'mentor');
    expect((res.body as { updates: { id: string }[] }).updates.map((u) => u.id)).not.toContain(b.id);
  });

  test.each([
    ['start', BookingStatus.completed],
    ['start', BookingStatus.cancelled],
    ['complete', BookingStatus.scheduled],
    ['complete', BookingStatus.cancelled],
  ] as const)('%s on a %s booking → 409 CONFLICT_INVALID_STATE, nothing changes', async (action, status) => {
    const b = await seed(status);
    const before = await snapshot();
    await expectRefused(await request('POST', `/api/sessions/${b.id}/${action}`, 'mentor'), 409, 'CONFLICT_INVALID_STATE', before);
  });

  test('cancelling a completed booking → 409 CONFLICT_INVALID_STATE, nothing changes', async () => {
    const b = await seed(BookingStatus.completed);
    const before = await snapshot();
    await expectRefused(await request('POST', `/api/v1/bookings/${b.id}/cancel`, 'boss'), 409, 'CONFLICT_INVALID_STATE', before);
  });

  test.each([
    ['POST', '/api/sessions/no-such-booking/start'],
    ['POST', '/api/sessions/no-such-booking/complete'],
    ['POST', '/api/v1/bookings/no-such-booking/cancel'],
  ])('%s %s → 404 NOT_FOUND, nothing changes', async (method, path) => {
    const before = await snapshot();
    await expectRefused(await request(method, path, 'boss'), 404, 'NOT_FOUND', before);
  });

  test.each([
    ['POST', '/api/sessions/a%20b/start'],
    ['POST', '/api/sessions/a%20b/complete'],
    ['POST', '/api/v1/bookings/a%20b/cancel'],
  ])('%s %s (an impossible id) → 400 INVALID_INPUT, nothing changes', async (method, path) => {
    const before = await snapshot();
    await expectRefused(await request(method, path, 'boss'), 400, 'INVALID_INPUT', before);
  });
});

describe('auth matrix', () => {
  type Row = readonly [label: string, run: (who: Who) => Promise<{ status: number }>, expected: Readonly<Record<Who, number>>];
  const everyone = (ok: number) => ({ anonymous: 401, stranger: ok, mentor: ok, student: ok, boss: ok, admin: ok });
  const participants = (ok: number) => ({ anonymous: 401, stranger: 403, mentor: ok, student: ok, boss: ok, admin: ok });
  const supervisors = (ok: number) => ({ anonymous: 401, stranger: 403, mentor: 403, student: 403, boss: ok, admin: ok });
  const rows: readonly Row[] = [
    ['POST /api/v1/bookings', (who) => request('POST', '/api/v1/bookings', who, valid), supervisors(201)],
    ['GET /api/v1/bookings/:id', async (who) => request('GET', `/api/v1/bookings/${(await seed()).id}`, who), participants(200)],
    ['GET /api/v1/bookings', (who) => request('GET', '/api/v1/bookings', who), everyone(200)],
    ['POST /api/sessions/:id/start', async (who) => request('POST', `/api/sessions/${(await seed()).id}/start`, who), participants(200)],
    ['POST /api/sessions/:id/complete', async (who) => request('POST', `/api/sessions/${(await seed(BookingStatus.ongoing)).id}/complete`, who), participants(200)],
    ['POST /api/v1/bookings/:id/cancel', async (who) => request('POST', `/api/v1/bookings/${(await seed()).id}/cancel`, who), supervisors(200)],
    ['GET /api/admin/update-session-status', (who) => request('GET', '/api/admin/update-session-status', who), everyone(200)],
    ['POST /api/admin/update-session-status', (who) => request('POST', '/api/admin/update-session-status', who), everyone(200)],
  ];
  const cases = rows.flatMap(([label, run, expected]) =>
    (Object.keys(expected) as Who[]).map((who) => [label, who, expected[who], run] as const),
  );
  test.each(cases)('%s as %s → %i', async (_label, who, status, run) => {
    expect((await run(who)).status).toBe(status);
  });
});
