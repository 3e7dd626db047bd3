import { BookingStatus, HOUR, put } from '@stint/shared';
import type { BookingRow } from '@stint/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { applyEffects } from '../../db/apply-effects.ts';
import { selectRows } from '../../db/rows.ts';
import { createTestDatabase } from '../../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../../testing/test-app.ts';
import { insertUser } from '../../users/users.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const CRON_SECRET = 'the-cron-secret-0123456789abcdef';
const t = createTestApp(db, { env: { CRON_SECRET } });
const unconfigured = createTestApp(db);
const CRON = '/api/cron/complete-sessions';
const CLIENT = '/api/admin/update-session-status';

function due(id: string): BookingRow {
  return {
    id,
    mentor_id: 'm',
    student_id: 's',
    start_time: TEST_EPOCH - HOUR,
    end_time: TEST_EPOCH + HOUR,
    status: BookingStatus.scheduled,
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: TEST_EPOCH - 2 * HOUR,
  };
}

beforeAll(async () => {
  for (const id of ['m', 's']) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: TEST_EPOCH - HOUR });
});

beforeEach(async () => {
  await db.sql`DELETE FROM bookings`;
  await applyEffects(db.sql, [put('bookings', due('due'))]);
});

async function unchanged(): Promise<void> {
  expect((await selectRows(db.sql, 'bookings', { id: 'due' }))[0]).toEqual(due('due'));
}

describe('cron route authentication (Authorization: Bearer $CRON_SECRET)', () => {
  test.each(['GET', 'POST'])('%s with the right secret → 200 and the sweep report, no envelope', async (method) => {
    const res = await t.request(method, CRON, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ started: 1, completed: 0, updates: [{ id: 'due', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }] });
  });

  test('the scheme is case-insensitive, as HTTP says', async () => {
    const res = await t.request('POST', CRON, { headers: { authorization: `bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(200);
  });

  test.each([
    ['no Authorization header', {}],
    ['an empty header', { authorization: '' }],
    ['"Bearer" alone', { authorization: 'Bearer ' }],
    ['a wrong secret', { authorization: 'Bearer the-wrong-secret-0123456789abc' }],
    ['the secret with one character missing', { authorization: `Bearer ${CRON_SECRET.slice(0, -1)}` }],
    ['the secret with a character added', { authorization: `Bearer ${CRON_SECRET}x` }],
    ['the secret without the Bearer scheme', { authorization: CRON_SECRET }],
    ['the secret as Basic credentials', { authorization: `Basic ${CRON_SECRET}` }],
    ['the admin token instead of the secret', { authorization: 'Bearer test-admin-token-0123456789abcdef' }],
    ['the secret in another header', { 'x-cron-secret': CRON_SECRET }],
  ] as const)('%s → 401 UNAUTHENTICATED and nothing changes', async (_what, headers) => {
    for (const method of ['GET', 'POST']) {
      const res = await t.request(method, CRON, { headers });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    await unchanged();
  });

  test.each(['secret', 'token', 'CRON_SECRET', 'key', 'authorization'])(
    'the secret in the query string (?%s=…) is ignored → 401',
    async (name) => {
      const res = await t.request('GET', `${CRON}?${name}=${encodeURIComponent(CRON_SECRET)}`);
      expect(res.status).toBe(401);
      const bearerQuery = await t.request('POST', `${CRON}?${name}=${encodeURIComponent(`Bearer ${CRON_SECRET}`)}`);
      expect(bearerQuery.status).toBe(401);
      await unchanged();
    },
  );

  test('the secret in a JSON body is ignored → 401', async () => {
    const res = await t.request('POST', CRON, { body: { secret: CRON_SECRET, authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(401);
    await unchanged();
  });

  test.each(['GET', 'POST'])('with CRON_SECRET unset, %s answers 503 NOT_CONFIGURED to everyone (fail closed)', async (method) => {
    for (const authorization of [undefined, `Bearer ${CRON_SECRET}`, 'Bearer anything-at-all-0123456789']) {
      const res = await unconfigured.request(method, CRON, authorization === undefined ? {} : { headers: { authorization } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: 'NOT_CONFIGURED' } });
    }
    await unchanged();
  });

  test('the cron route does not take user tokens', async () => {
    const { token } = await t.signIn('admin');
    const res = await t.request('POST', CRON, { token });
    expect(res.status).toBe(401);
    await unchanged();
  });
});

describe('client update route (/api/admin/update-session-status)', () => {
  test.each(['GET', 'POST'])('%s without a token → 401 and nothing changes', async (method) => {
    const res = await t.request(method, CLIENT);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    await unchanged();
  });

  test('a bad token → 401 and nothing changes', async () => {
    const res = await t.request('POST', CLIENT, { token: 'not-a-token' });
    expect(res.status).toBe(401);
    await unchanged();
  });

  test('the cron secret is not a user token → 401', async () => {
    const res = await t.request('POST', CLIENT, { token: CRON_SECRET });
    expect(res.status).toBe(401);
    await unchanged();
  });

  test.each(['worker', 'supervisor', 'admin'] as const)('any signed-in %s may run it → 200', async (role) => {
    const { token, user } = await t.signIn(role);
    const id = `due-for-${role}`;
    await db.sql`DELETE FROM bookings`;
    await applyEffects(db.sql, [put('bookings', due(id))]);
    const res = await t.request('POST', CLIENT, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ started: 1, completed: 0, updates: [{ id, from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }] });
    // Audited as an outside trigger, with the caller who triggered it.
    const entries = await db.sql<{ source: string; actor_id: string }[]>`SELECT source, actor_id FROM audit_log WHERE entity_id = ${id}`;
    expect(entries).toEqual([{ source: 'cron', actor_id: user.id }]);
  });

  test('works without CRON_SECRET too: only the cron route fails closed', async () => {
    const { token } = await unconfigured.signIn('worker');
    const res = await unconfigured.request('GET', CLIENT, { token });
    expect(res.status).toBe(200);
  });
});

describe('a booking that cannot be updated', () => {
  test('never stops the others: the route answers 200 with the rest, and the skipped booking is logged with the request id', async () => {
    await applyEffects(db.sql, [put('bookings', due('poison')), put('bookings', due('zz-due'))]);
    await db.sql`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`;
    await db.sql`CREATE TRIGGER refuse_poison BEFORE UPDATE ON bookings FOR EACH ROW EXECUTE FUNCTION refuse_poison()`;
    try {
      const res = await t.request('POST', CRON, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        started: 2,
        completed: 0,
        updates: [
          { id: 'due', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true },
          { id: 'zz-due', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true },
        ],
      });
      const requestId = res.headers.get('x-request-id');
      expect(t.logs).toContainEqual(expect.objectContaining({ level: 'warn', booking_id: 'poison', request_id: requestId }));
    } finally {
      await db.sql`DROP TRIGGER refuse_poison ON bookings`;
      await db.sql`DROP FUNCTION refuse_poison()`;
    }
  });
});
