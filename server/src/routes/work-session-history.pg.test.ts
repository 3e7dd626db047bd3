/**
 * The work-session history and the owner's claim of lost time, through HTTP
 * on Postgres. Every session here is made the real way: started (and paused)
 * through the API at the test clock; a stale close is the clock passing
 * STALE_CUTOFF_S and the stale sweep running. Each scenario ends with the
 * SQL consistency check (I1–I5).
 */
import { toIso } from '@stint/shared';
import type { WorkSessionRow } from '@stint/shared';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { sweepStaleSessions } from '../scheduler/stale-sessions.ts';
import { encodeCursor } from '../tasks/work-session-cursor.ts';
import type { WorkSessionJson } from '../tasks/work-session-json.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';
import type { Person } from '../tasks/testing.ts';
import { createTask, errorOf, expectRefused, expectStatus, signInCast, taskAction } from '../tasks/testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const t = createTestApp(db);
const { supervisor, admin } = await signInCast(t);

const S = 1_000;
const MIN = 60 * S;
const CUTOFF = t.config.STALE_CUTOFF_S * S;

/** Where this test's time begins: tests run one after another on one clock, so a window from here holds only this test's sessions. */
let since = t.clock();
beforeEach(() => {
  t.clock.advance(60 * MIN);
  since = t.clock();
});

interface Page {
  readonly data: WorkSessionJson[];
  readonly next_cursor: string | null;
}

async function list(person: Person, query: Record<string, string> = {}): Promise<Page> {
  const res = await t.request('GET', `/api/v1/work-sessions?${new URLSearchParams(query).toString()}`, { token: person.token });
  return expectStatus<Page>(res, 200);
}

/** This test's sessions only (see `since`). */
function listSince(person: Person, query: Record<string, string> = {}): Promise<Page> {
  return list(person, { from: toIso(since), ...query });
}

async function claimedBy(person: Person): Promise<string> {
  const task = await createTask(t, supervisor.token, { status: 'todo' });
  await taskAction(t, person.token, task.id, 'claim');
  return task.id;
}

async function workSession(person: Person, action: 'start' | 'pause' | 'heartbeat', taskId: string): Promise<void> {
  expectStatus(await t.request('POST', `/api/v1/me/work-sessions/${action}`, { token: person.token, body: { task_id: taskId } }), 200);
}

/** The one session of a task that has exactly one. */
async function onlySession(taskId: string): Promise<WorkSessionRow> {
  const [session, ...more] = await selectRows(db.sql, 'work_sessions', { task_id: taskId });
  if (session === undefined || more.length > 0) throw new Error(`expected one session on ${taskId}`);
  return session;
}

/**
 * A session the stale sweep closed: started now, one heartbeat a minute
 * later, then silence past the cutoff and the sweep. It ends at the beat.
 */
async function staleClosed(person: Person): Promise<{ readonly taskId: string; readonly session: WorkSessionRow }> {
  const taskId = await claimedBy(person);
  await workSession(person, 'start', taskId);
  t.clock.advance(MIN);
  await workSession(person, 'heartbeat', taskId);
  t.clock.advance(CUTOFF + S);
  await sweepStaleSessions(db.sql, t.clock(), CUTOFF);
  const session = await onlySession(taskId);
  expect(session).toMatchObject({ ended_reason: 'stale_timeout', ended_at: session.started_at + MIN });
  return { taskId, session };
}

function extend(person: Person | undefined, sessionId: string, body: unknown) {
  return t.request('POST', `/api/v1/work-sessions/${encodeURIComponent(sessionId)}/extend`, { ...(person === undefined ? {} : { token: person.token }), body });
}

const workers = (): Promise<[Person, Person]> => Promise.all([t.signIn('worker'), t.signIn('worker')]);

describe('GET /api/v1/work-sessions', () => {
  test("a worker lists their own sessions, newest first, in the API's shape", async () => {
    const [me, other] = await workers();
    const first = await claimedBy(me);
    const second = await claimedBy(me);
    const theirs = await claimedBy(other);
    const t0 = t.clock();
    await workSession(me, 'start', first);
    await workSession(other, 'start', theirs);
    t.clock.advance(10 * S);
    await workSession(me, 'pause', first);
    t.clock.advance(10 * S);
    await workSession(me, 'start', second);
    const [closed, open] = [await onlySession(first), await onlySession(second)];

    expect(await list(me)).toEqual({
      data: [
        { id: open.id, task_id: second, user_id: me.user.id, started_at: toIso(t0 + 20 * S), ended_at: null, end_reason: null, zone: 'UTC', offline: false, extended_by_owner: false },
        { id: closed.id, task_id: first, user_id: me.user.id, started_at: toIso(t0), ended_at: toIso(t0 + 10 * S), end_reason: 'pause', zone: 'UTC', offline: false, extended_by_owner: false },
      ],
      next_cursor: null,
    });
  });

  test.each([
    ['supervisor', () => supervisor],
    ['admin', () => admin],
  ] as const)("a %s sees everyone's sessions, or one person's with user_id", async (_role, staff) => {
    const [me, other] = await workers();
    const mine = await claimedBy(me);
    const theirs = await claimedBy(other);
    await workSession(me, 'start', mine);
    t.clock.advance(S);
    await workSession(other, 'start', theirs);

    expect((await listSince(staff())).data.map((s) => s.task_id)).toEqual([theirs, mine]);
    expect((await listSince(staff(), { user_id: me.user.id })).data.map((s) => s.task_id)).toEqual([mine]);
  });

  test("a worker naming someone else in user_id → 403 FORBIDDEN (not an empty page); naming themself is their own list", async () => {
    const [me, other] = await workers();
    await workSession(other, 'start', await claimedBy(other));
    const res = await t.request('GET', `/api/v1/work-sessions?user_id=${other.user.id}`, { token: me.token });
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    const mine = await claimedBy(me);
    await workSession(me, 'start', mine);
    expect((await list(me, { user_id: me.user.id })).data.map((s) => s.task_id)).toEqual([mine]);
  });

  test('task_id narrows the list to one task', async () => {
    const [me] = await workers();
    const [a, b] = [await claimedBy(me), await claimedBy(me)];
    await workSession(me, 'start', a);
    await workSession(me, 'start', b);
    expect((await list(me, { task_id: a })).data.map((s) => s.task_id)).toEqual([a]);
    expect((await list(supervisor, { task_id: b })).data.map((s) => s.user_id)).toEqual([me.user.id]);
  });

  test('from is inclusive and to exclusive, both on started_at, with Z or an offset', async () => {
    const [me] = await workers();
    const starts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const task = await claimedBy(me);
      starts.push(t.clock());
      await workSession(me, 'start', task);
      t.clock.advance(MIN);
    }
    const [t0, t1, t2] = starts as [number, number, number];
    const startedAt = async (query: Record<string, string>) => (await list(me, query)).data.map((s) => s.started_at);
    expect(await startedAt({ from: toIso(t1), to: toIso(t2) })).toEqual([toIso(t1)]);
    expect(await startedAt({ from: toIso(t1) })).toEqual([toIso(t2), toIso(t1)]);
    expect(await startedAt({ to: toIso(t1) })).toContain(toIso(t0));
    expect(await startedAt({ to: toIso(t1) })).not.toContain(toIso(t1));
    // The same instant written with an offset (+02:00) bounds the same way.
    const withOffset = new Date(t1 + 2 * 60 * MIN).toISOString().replace('Z', '+02:00');
    expect(await startedAt({ from: withOffset, to: toIso(t2) })).toEqual([toIso(t1)]);
    expect(await startedAt({ from: toIso(t1), to: toIso(t1) })).toEqual([]);
  });

  test('limit splits the list into pages; next_cursor continues with no repeat and no gap, and is null on the last page', async () => {
    const [me] = await workers();
    const tasks = [await claimedBy(me), await claimedBy(me), await claimedBy(me), await claimedBy(me), await claimedBy(me)];
    // The 3rd and 4th start in the same millisecond, so the first page ends between them: the id orders them.
    for (const [i, task] of tasks.entries()) {
      if (i !== 3) t.clock.advance(S);
      await workSession(me, 'start', task);
    }
    const all = (await list(me)).data;
    expect(all).toHaveLength(5);

    const pages: Page[] = [await list(me, { limit: '2' })];
    for (let page = pages[0]; page?.next_cursor != null; ) {
      page = await list(me, { limit: '2', cursor: page.next_cursor });
      pages.push(page);
    }
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.data)).toEqual(all);
    expect(pages.map((p) => p.next_cursor === null)).toEqual([false, false, true]);
  });

  test('a session started after the first page was read does not shift the next page', async () => {
    const [me] = await workers();
    for (let i = 0; i < 3; i += 1) {
      await workSession(me, 'start', await claimedBy(me));
      t.clock.advance(S);
    }
    const before = (await list(me)).data;
    const first = await list(me, { limit: '2' });
    await workSession(me, 'start', await claimedBy(me));
    const second = await list(me, { limit: '2', cursor: first.next_cursor ?? '' });
    expect([...first.data, ...second.data]).toEqual(before);
    expect(second.next_cursor).toBeNull();
  });

  test('limit defaults to 50 and may be 100', async () => {
    const [me] = await workers();
    const task = await claimedBy(me);
    for (let i = 0; i < 51; i += 1) {
      await workSession(me, 'start', task);
      t.clock.advance(S);
      await workSession(me, 'pause', task);
      t.clock.advance(S);
    }
    const page = await list(me);
    expect(page.data).toHaveLength(50);
    expect(page.next_cursor).not.toBeNull();
    expect((await list(me, { limit: '100' })).data).toHaveLength(51);
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  test.each([
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['limit 1e2', { limit: '1e2' }],
    ['limit " 5"', { limit: ' 5' }],
    ['limit -1', { limit: '-1' }],
    ['limit empty', { limit: '' }],
    ['from not a time', { from: 'yesterday' }],
    ['from a date without a time', { from: '2026-01-16' }],
    ['to a local time without zone', { to: '2026-01-16T12:00:00' }],
    ['from after to', { from: '2026-01-16T12:00:01Z', to: '2026-01-16T12:00:00Z' }],
    ['a cursor with characters base64url has not', { cursor: 'not a cursor!' }],
    ['a cursor that is not ours', { cursor: 'abc' }],
    ['a cursor of the wrong shape', { cursor: cursorOf([1]) }],
    ['a cursor with a time that is not a number', { cursor: cursorOf(['2026-01-16T12:00:00Z', 'x']) }],
    ['a cursor with a time out of range', { cursor: cursorOf([1e300, 'x']) }],
    ['a cursor with NUL in its id', { cursor: cursorOf([0, 'a\u0000b']) }],
    ['a task_id with spaces', { task_id: 'a b' }],
  ])('%s → 400 INVALID_INPUT', async (_what, query) => {
    const [me] = await workers();
    const res = await t.request('GET', `/api/v1/work-sessions?${new URLSearchParams(query).toString()}`, { token: me.token });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_INPUT');
  });

  test('a cursor this server wrote for a row that is gone still pages from its place', async () => {
    const [me] = await workers();
    await workSession(me, 'start', await claimedBy(me));
    const page = await list(me, { cursor: encodeCursor({ started_at: t.clock() + S, id: 'no-such-session' }) });
    expect(page.data).toHaveLength(1);
  });

  test('no token → 401', async () => {
    const res = await t.request('GET', '/api/v1/work-sessions');
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });
});

describe('POST /api/v1/work-sessions/:id/extend', () => {
  test('the owner claims back time after a stale close: ends at until, marked, totals exact, audited', async () => {
    const [me] = await workers();
    const { taskId, session } = await staleClosed(me);
    const until = (session.ended_at ?? 0) + 2 * MIN;
    const res = await extend(me, session.id, { until: toIso(until) });
    expect(expectStatus<{ data: WorkSessionJson }>(res, 200).data).toEqual({
      id: session.id,
      task_id: taskId,
      user_id: me.user.id,
      started_at: toIso(session.started_at),
      ended_at: toIso(until),
      end_reason: 'stale_timeout',
      zone: 'UTC',
      offline: false,
      extended_by_owner: true,
    });
    const worked = until - session.started_at;
    expect(await selectRow(db.sql, 'tasks', { id: taskId })).toMatchObject({ status: 'on-hold', time_spent_ms: worked });
    expect(await selectRows(db.sql, 'user_task_totals', { task_id: taskId })).toMatchObject([{ user_id: me.user.id, accumulated_ms: worked }]);
    expect(await selectRows(db.sql, 'audit_log', { entity_id: session.id, action: 'work.extend' })).toMatchObject([
      { actor_id: me.user.id, new_value: { ended_at: until, extended_by_owner: true } },
    ]);
    // The history shows the mark too.
    expect((await list(me, { task_id: taskId })).data).toEqual([expect.objectContaining({ id: session.id, ended_at: toIso(until), extended_by_owner: true })]);
  });

  test('until may be now, and may be written with an offset', async () => {
    const [me] = await workers();
    const { session } = await staleClosed(me);
    const now = new Date(t.clock() + 60 * MIN).toISOString().replace('Z', '+01:00');
    const res = await extend(me, session.id, { until: now });
    expect(expectStatus<{ data: WorkSessionJson }>(res, 200).data.ended_at).toBe(toIso(t.clock()));
  });

  test('a later session of the task bounds the claim: it ends where that one starts, and the outcome says it was adjusted', async () => {
    const [me] = await workers();
    const { taskId, session } = await staleClosed(me);
    const restarted = t.clock();
    await workSession(me, 'start', taskId);
    t.clock.advance(MIN);
    await workSession(me, 'pause', taskId);
    const res = await extend(me, session.id, { until: toIso(t.clock()) });
    expect(expectStatus<{ data: WorkSessionJson }>(res, 200).data).toMatchObject({ ended_at: toIso(restarted), extended_by_owner: true });
    const [outcome] = await db.sql<{ status: string; message: string }[]>`
      SELECT status, message FROM applied_intents WHERE kind = 'work.extend' AND args->>'session_id' = ${session.id}`;
    expect(outcome?.status).toBe('accepted_with_adjustment');
    expect(await selectRow(db.sql, 'tasks', { id: taskId })).toMatchObject({ time_spent_ms: restarted - session.started_at + MIN });
  });

  test('until exactly at the stale end is accepted and changes nothing', async () => {
    const [me] = await workers();
    const { session } = await staleClosed(me);
    const res = await extend(me, session.id, { until: toIso(session.ended_at ?? 0) });
    expect(expectStatus<{ data: WorkSessionJson }>(res, 200).data).toMatchObject({ ended_at: toIso(session.ended_at ?? 0), extended_by_owner: false });
    expect(await onlySession(session.task_id)).toEqual(session);
  });

  describe('refusals change nothing', () => {
    /** A refused extend: status and code, every task table unchanged, and the session row exactly as it was. */
    async function refused(person: Person | undefined, sessionId: string, body: unknown, status: number, code: string) {
      const before = await selectRow(db.sql, 'work_sessions', { id: sessionId });
      const path = `/api/v1/work-sessions/${encodeURIComponent(sessionId)}/extend`;
      await expectRefused(t, db.sql, { method: 'POST', path, ...(person === undefined ? {} : { token: person.token }), body }, status, code);
      expect(await selectRow(db.sql, 'work_sessions', { id: sessionId })).toEqual(before);
    }

    test('an unknown session → 404 NOT_FOUND', async () => {
      const [me] = await workers();
      await refused(me, 'no-such-session', { until: toIso(t.clock()) }, 404, 'NOT_FOUND');
    });

    test('an open session → 409 CONFLICT_INVALID_STATE', async () => {
      const [me] = await workers();
      const task = await claimedBy(me);
      await workSession(me, 'start', task);
      t.clock.advance(MIN);
      await refused(me, (await onlySession(task)).id, { until: toIso(t.clock()) }, 409, 'CONFLICT_INVALID_STATE');
    });

    test('a paused session → 409 CONFLICT_INVALID_STATE', async () => {
      const [me] = await workers();
      const task = await claimedBy(me);
      await workSession(me, 'start', task);
      t.clock.advance(MIN);
      await workSession(me, 'pause', task);
      t.clock.advance(MIN);
      await refused(me, (await onlySession(task)).id, { until: toIso(t.clock()) }, 409, 'CONFLICT_INVALID_STATE');
    });

    test.each([
      ['another worker', async () => (await workers())[1]],
      ['a supervisor', async () => supervisor],
      ['an admin', async () => admin],
    ] as const)("someone else's session, as %s → 403 FORBIDDEN", async (_who, caller) => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(await caller(), session.id, { until: toIso(t.clock()) }, 403, 'FORBIDDEN');
    });

    test('until before the session ended → 400 INVALID_INPUT', async () => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(me, session.id, { until: toIso((session.ended_at ?? 0) - 1) }, 400, 'INVALID_INPUT');
    });

    test('until in the future → 400 INVALID_INPUT', async () => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(me, session.id, { until: toIso(t.clock() + 1) }, 400, 'INVALID_INPUT');
    });

    test.each([
      ['no until', {}],
      ['until not a time', { until: 'noon' }],
      ['until a number', { until: 1_768_564_800_000 }],
      ['until a local time without zone', { until: '2026-01-16T12:00:00' }],
      ['until null', { until: null }],
      ['an unknown field', { until: '2026-01-16T12:00:00Z', reason: 'x' }],
      ['an array body', [{ until: '2026-01-16T12:00:00Z' }]],
      ['malformed JSON', '{"until": '],
    ])('%s → 400 INVALID_INPUT', async (_what, body) => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(me, session.id, body, 400, 'INVALID_INPUT');
    });

    test('no body → 400 INVALID_INPUT', async () => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(me, session.id, undefined, 400, 'INVALID_INPUT');
    });

    test('a session id the API cannot hold → 400 INVALID_INPUT', async () => {
      const [me] = await workers();
      await refused(me, 'a b', { until: toIso(t.clock()) }, 400, 'INVALID_INPUT');
    });

    test('no token → 401', async () => {
      const [me] = await workers();
      const { session } = await staleClosed(me);
      await refused(undefined, session.id, { until: toIso(t.clock()) }, 401, 'UNAUTHENTICATED');
    });
  });
});
