import { isStale, toIso } from '@stint/shared';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { sweepStaleSessions } from '../scheduler/stale-sessions.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';
import type { ActiveSessionsJson } from '../tasks/active-sessions.ts';
import type { Person, RequestShape } from '../tasks/testing.ts';
import { addItem, createTask, dumpTaskTables, errorOf, expectRefused, expectStatus, newTaskId, signInCast, taskAction } from '../tasks/testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const t = createTestApp(db);
const { supervisor } = await signInCast(t);

const now = (): string => toIso(t.clock());
const ACTIONS = ['start', 'pause', 'heartbeat'] as const;
type Action = (typeof ACTIONS)[number];

async function act(person: Person, action: Action, taskId: string): Promise<ActiveSessionsJson> {
  const res = await t.request('POST', `/api/v1/me/work-sessions/${action}`, { token: person.token, body: { task_id: taskId } });
  return expectStatus<{ data: ActiveSessionsJson }>(res, 200).data;
}

async function active(person: Person): Promise<ActiveSessionsJson> {
  return expectStatus<{ data: ActiveSessionsJson }>(await t.request('GET', '/api/v1/me/work-sessions/active', { token: person.token }), 200).data;
}

/** A task claimed by the person, ready to start. */
async function claimedBy(person: Person): Promise<string> {
  const task = await createTask(t, supervisor.token);
  await taskAction(t, person.token, task.id, 'claim');
  return task.id;
}

/** A POST that must be refused without changing any row. */
function refused(path: string, options: RequestShape, status: number, code: string) {
  return expectRefused(t, db.sql, { method: 'POST', path, ...options }, status, code);
}

/** Each test gets its own workers, so "my sessions" lists only what the test made. */
async function twoWorkers(): Promise<[Person, Person]> {
  return Promise.all([t.signIn('worker'), t.signIn('worker')]);
}

describe('GET /api/v1/me/work-sessions/active', () => {
  test('with nothing open: an empty list and the server time', async () => {
    const [me] = await twoWorkers();
    expect(await active(me)).toEqual({ active_sessions: [], as_of: now() });
  });

  test('lists only the caller\'s sessions', async () => {
    const [me, other] = await twoWorkers();
    const mine = await claimedBy(me);
    const theirs = await claimedBy(other);
    await act(me, 'start', mine);
    await act(other, 'start', theirs);
    expect((await active(me)).active_sessions.map((s) => s.task_id)).toEqual([mine]);
    expect((await active(other)).active_sessions.map((s) => s.task_id)).toEqual([theirs]);
  });

  test('no token → 401', async () => {
    const res = await t.request('GET', '/api/v1/me/work-sessions/active');
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
  });
});

describe('a worker may work on several tasks at once', () => {
  test('start on tasks A and B claimed by the user → 2 active sessions', async () => {
    const [me] = await twoWorkers();
    const a = await claimedBy(me);
    const b = await claimedBy(me);
    const startedA = now();
    await act(me, 'start', a);
    t.clock.advance(5_000);
    const startedB = now();
    const afterB = await act(me, 'start', b);
    expect(afterB).toEqual({
      active_sessions: [
        { task_id: a, started_at: startedA, accumulated_s: 0, as_of: now() },
        { task_id: b, started_at: startedB, accumulated_s: 0, as_of: now() },
      ],
      as_of: now(),
    });
    expect(await selectRows(db.sql, 'work_sessions', { user_id: me.user.id, ended_at: null })).toHaveLength(2);
    expect(await active(me)).toEqual(afterB);
  });

  test('pausing one of two keeps the other running', async () => {
    const [me] = await twoWorkers();
    const a = await claimedBy(me);
    const b = await claimedBy(me);
    await act(me, 'start', a);
    await act(me, 'start', b);
    const afterPause = await act(me, 'pause', a);
    expect(afterPause.active_sessions.map((s) => s.task_id)).toEqual([b]);
  });
});

describe('one open session per task', () => {
  test('start again by the claimer is idempotent: same session, no duplicate', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    const first = await act(me, 'start', task);
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null });
    t.clock.advance(30_000);
    const before = await dumpTaskTables(db.sql);
    const again = await act(me, 'start', task);
    expect(again.active_sessions).toEqual(first.active_sessions.map((s) => ({ ...s, as_of: now() })));
    expect(await dumpTaskTables(db.sql)).toEqual(before);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null })).toEqual([session]);
  });

  test('while a session is active on the task, nobody else can open a second one → 409', async () => {
    const [me, other] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    await refused('/api/v1/me/work-sessions/start', { token: other.token, body: { task_id: task } }, 409, 'CONFLICT_CLAIMED');
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toHaveLength(1);
  });
});

describe('only the claimer can start', () => {
  test('an unclaimed task → 409 CONFLICT_CLAIMED; start never claims', async () => {
    const [me] = await twoWorkers();
    const task = await createTask(t, supervisor.token);
    await refused('/api/v1/me/work-sessions/start', { token: me.token, body: { task_id: task.id } }, 409, 'CONFLICT_CLAIMED');
  });

  test('a task claimed by someone else → 409 CONFLICT_CLAIMED', async () => {
    const [me, other] = await twoWorkers();
    const task = await claimedBy(other);
    const res = await refused('/api/v1/me/work-sessions/start', { token: me.token, body: { task_id: task } }, 409, 'CONFLICT_CLAIMED');
    expect(errorOf(res).details).toMatchObject({ task_id: task, claimed_by: other.user.id });
  });

  test('a supervisor is no claimer either → 409 CONFLICT_CLAIMED', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await refused('/api/v1/me/work-sessions/start', { token: supervisor.token, body: { task_id: task } }, 409, 'CONFLICT_CLAIMED');
  });
});

describe('a completed task has no active session', () => {
  test('complete closes the active session, adds its time, and a later start is rejected with 409 CONFLICT_INVALID_STATE', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(61_000);
    await taskAction(t, me.token, task, 'complete');
    expect((await active(me)).active_sessions).toEqual([]);
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(session).toMatchObject({ ended_reason: 'complete', ended_at: t.clock() });
    expect(await selectRows(db.sql, 'user_task_totals', { task_id: task })).toMatchObject([{ user_id: me.user.id, accumulated_ms: 61_000 }]);
    await refused('/api/v1/me/work-sessions/start', { token: me.token, body: { task_id: task } }, 409, 'CONFLICT_INVALID_STATE');
  });

  test('release closes the active session too', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(3_000);
    await taskAction(t, me.token, task, 'release');
    expect((await active(me)).active_sessions).toEqual([]);
    expect((await selectRows(db.sql, 'work_sessions', { task_id: task }))[0]?.ended_reason).toBe('release');
  });
});

describe('accumulated time', () => {
  test('accumulated_s is the caller\'s closed time on the task; the running session is not in it', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(60_400);
    const paused = await act(me, 'pause', task);
    expect(paused.active_sessions).toEqual([]);
    t.clock.advance(600_000);
    const restarted = now();
    await act(me, 'start', task);
    t.clock.advance(10_000);
    expect(await active(me)).toEqual({
      active_sessions: [{ task_id: task, started_at: restarted, accumulated_s: 60, as_of: now() }],
      as_of: now(),
    });
    const [row] = await selectRows(db.sql, 'tasks', { id: task });
    expect(row).toMatchObject({ status: 'in-progress', time_spent_ms: 60_400 });
  });

  test('pause puts the task on hold (reason pause) and adds the session to the user\'s total', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(7_000);
    await act(me, 'pause', task);
    expect((await selectRows(db.sql, 'tasks', { id: task }))[0]?.status).toBe('on-hold');
    expect((await selectRows(db.sql, 'work_sessions', { task_id: task }))[0]?.ended_reason).toBe('pause');
    expect(await selectRows(db.sql, 'user_task_totals', { task_id: task })).toMatchObject([{ user_id: me.user.id, accumulated_ms: 7_000 }]);
  });
});

describe('pause is idempotent', () => {
  test('pause with nothing active → 200 and nothing changes', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    const before = await dumpTaskTables(db.sql);
    expect(await act(me, 'pause', task)).toEqual({ active_sessions: [], as_of: now() });
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });

  test('pausing someone else\'s running task is a no-op for the caller: their session keeps running', async () => {
    const [me, other] = await twoWorkers();
    const task = await claimedBy(other);
    await act(other, 'start', task);
    const before = await dumpTaskTables(db.sql);
    expect((await act(me, 'pause', task)).active_sessions).toEqual([]);
    expect(await dumpTaskTables(db.sql)).toEqual(before);
  });
});

describe('heartbeat', () => {
  test('a heartbeat moves the session\'s last_heartbeat_at to now and keeps it from going stale', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    const started = now();
    await act(me, 'start', task);
    t.clock.advance(60_000);
    const beat = await act(me, 'heartbeat', task);
    expect(beat).toEqual({ active_sessions: [{ task_id: task, started_at: started, accumulated_s: 0, as_of: now() }], as_of: now() });
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null });
    expect(session?.last_heartbeat_at).toBe(t.clock());

    // With the cutoff the stale sweep uses, the heartbeat is what keeps the session alive.
    const cutoffMs = t.config.STALE_CUTOFF_S * 1000;
    const later = t.clock() + cutoffMs - 1_000;
    if (session === undefined) throw new Error('no open session');
    expect(isStale(session, cutoffMs, later)).toBe(false);
    expect(isStale({ ...session, last_heartbeat_at: session.started_at }, cutoffMs, later)).toBe(true);
  });

  test('a heartbeat without the caller\'s active session → 409 CONFLICT_INVALID_STATE, nothing changed', async () => {
    const [me, other] = await twoWorkers();
    const idle = await claimedBy(me);
    await refused('/api/v1/me/work-sessions/heartbeat', { token: me.token, body: { task_id: idle } }, 409, 'CONFLICT_INVALID_STATE');
    const theirs = await claimedBy(other);
    await act(other, 'start', theirs);
    await refused('/api/v1/me/work-sessions/heartbeat', { token: me.token, body: { task_id: theirs } }, 409, 'CONFLICT_INVALID_STATE');
  });
});

describe('heartbeat alive_since (DESIGN §3.1)', () => {
  const cutoffMs = t.config.STALE_CUTOFF_S * 1000;
  const heartbeat = (person: Person, taskId: string, aliveSince: unknown) =>
    t.request('POST', '/api/v1/me/work-sessions/heartbeat', { token: person.token, body: { task_id: taskId, alive_since: aliveSince } });

  test('a beat whose run reaches back to the stale end reopens the session as if it never went stale; a lone beat cannot', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    const started = now();
    await act(me, 'start', task);
    t.clock.advance(60_000);
    await act(me, 'heartbeat', task);
    const lastBeat = t.clock();
    t.clock.advance(cutoffMs + 1_000);
    await sweepStaleSessions(db.sql, t.clock(), cutoffMs);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toMatchObject([{ ended_at: lastBeat, ended_reason: 'stale_timeout' }]);

    // A beat alone vouches only for its own moment: the gap since the stale end is nobody's word.
    await refused('/api/v1/me/work-sessions/heartbeat', { token: me.token, body: { task_id: task } }, 409, 'CONFLICT_INVALID_STATE');
    // The same beat saying the device beat without a gap since shortly after the last one it sent.
    const res = await heartbeat(me, task, toIso(lastBeat + 30_000));
    expect(expectStatus<{ data: ActiveSessionsJson }>(res, 200).data).toEqual({
      active_sessions: [{ task_id: task, started_at: started, accumulated_s: 0, as_of: now() }],
      as_of: now(),
    });
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toMatchObject([{ ended_at: null, ended_reason: null, last_heartbeat_at: t.clock() }]);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'in-progress', time_spent_ms: 0 });
  });

  test('on a running session a beat with alive_since keeps it alive like any beat, with Z or an offset', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(60_000);
    expectStatus(await heartbeat(me, task, toIso(t.clock() - 30_000)), 200);
    t.clock.advance(60_000);
    const offset = new Date(t.clock() + 3_600_000).toISOString().replace('Z', '+01:00');
    expectStatus(await heartbeat(me, task, offset), 200);
    expect((await selectRows(db.sql, 'work_sessions', { task_id: task }))[0]?.last_heartbeat_at).toBe(t.clock());
  });

  test('alive_since after the beat itself (after server now) → 400 INVALID_INPUT, nothing changed', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    t.clock.advance(60_000);
    const res = await refused('/api/v1/me/work-sessions/heartbeat', { token: me.token, body: { task_id: task, alive_since: toIso(t.clock() + 1) } }, 400, 'INVALID_INPUT');
    expect(errorOf(res).message).toMatch(/alive_since/);
  });

  test.each([
    ['not a time', 'a while ago'],
    ['a date without a time', '2026-01-16'],
    ['a local time without zone', '2026-01-16T12:00:00'],
    ['a number', 1_768_564_800_000],
    ['null', null],
  ])('alive_since %s → 400 INVALID_INPUT, nothing changed', async (_what, aliveSince) => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await act(me, 'start', task);
    await refused('/api/v1/me/work-sessions/heartbeat', { token: me.token, body: { task_id: task, alive_since: aliveSince } }, 400, 'INVALID_INPUT');
  });

  test.each(['start', 'pause'] as const)('%s takes no alive_since → 400 INVALID_INPUT', async (action) => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await refused(`/api/v1/me/work-sessions/${action}`, { token: me.token, body: { task_id: task, alive_since: now() } }, 400, 'INVALID_INPUT');
  });
});

describe('checklist tasks', () => {
  test('a task whose items say "planned" cannot be timed by hand → 400 STATUS_DERIVED', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await addItem(t, me.token, task, 1);
    await refused('/api/v1/me/work-sessions/start', { token: me.token, body: { task_id: task } }, 400, 'STATUS_DERIVED');
  });
});

describe.each(ACTIONS)('POST /api/v1/me/work-sessions/%s errors', (action) => {
  const path = `/api/v1/me/work-sessions/${action}`;

  test('an unknown task → 404 NOT_FOUND, nothing changed', async () => {
    const [me] = await twoWorkers();
    await refused(path, { token: me.token, body: { task_id: newTaskId('missing') } }, 404, 'NOT_FOUND');
  });

  test.each([
    ['no task_id', {}],
    ['a numeric task_id', { task_id: 123 }],
    ['an empty task_id', { task_id: '' }],
    ['a task_id with spaces', { task_id: 'a b' }],
    ['a 129-character task_id', { task_id: 't'.repeat(129) }],
    ['an unknown field', { task_id: 'x', user_id: 'someone' }],
    ['an array body', [{ task_id: 'x' }]],
    ['a null body', null],
    ['malformed JSON', '{"task_id": '],
  ])('%s → 400 INVALID_INPUT, nothing changed', async (_what, body) => {
    const [me] = await twoWorkers();
    await refused(path, { token: me.token, body }, 400, 'INVALID_INPUT');
  });

  test('no body → 400, nothing changed', async () => {
    const [me] = await twoWorkers();
    await refused(path, { token: me.token }, 400, 'INVALID_INPUT');
  });

  test('no token → 401, nothing changed', async () => {
    const [me] = await twoWorkers();
    const task = await claimedBy(me);
    await refused(path, { body: { task_id: task } }, 401, 'UNAUTHENTICATED');
  });
});

describe('who may call the work-session routes', () => {
  test.each([
    ['worker', () => t.signIn('worker')],
    ['supervisor', () => t.signIn('supervisor')],
    ['admin', () => t.signIn('admin')],
  ] as const)('a %s times their own claimed task through start, heartbeat, pause and reads the list', async (_role, signIn) => {
    const me = await signIn();
    const task = await claimedBy(me);
    expect((await act(me, 'start', task)).active_sessions).toHaveLength(1);
    t.clock.advance(1_000);
    expect((await act(me, 'heartbeat', task)).active_sessions).toHaveLength(1);
    expect((await active(me)).active_sessions).toHaveLength(1);
    expect((await act(me, 'pause', task)).active_sessions).toHaveLength(0);
  });

  test('the bootstrap admin token works too', async () => {
    const res = await t.request('GET', '/api/v1/me/work-sessions/active', { token: t.adminToken });
    expect(expectStatus<{ data: ActiveSessionsJson }>(res, 200).data).toEqual({ active_sessions: [], as_of: now() });
  });
});
