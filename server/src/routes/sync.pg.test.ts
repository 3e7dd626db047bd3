/**
 * POST /api/v1/sync/push on real Postgres (API.md "Sync push", DESIGN §3–§4,
 * I1–I4, I7, I9). After every test the consistency query must find nothing.
 */
import { randomUUID } from 'node:crypto';
import { MAX_BATCH_SIZE, toIso } from '@stint/shared';
import type { Outcome } from '@stint/shared';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { readStoredOutcome } from '../intents/outcomes.ts';
import { apply, intentAt, push, pushOk, pushOne } from '../intents/testing.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const MIN = 60_000;
const H = 60 * MIN;
const T = TEST_EPOCH;
const t = createTestApp(db);
let boss: { token: string };
let ana: { token: string; id: string };

beforeAll(async () => {
  const s = await t.signIn('supervisor');
  boss = { token: s.token };
  const w = await t.signIn('worker');
  ana = { token: w.token, id: w.user.id };
});

/** A task created by the supervisor at `at` (online), optionally claimed by a worker then. */
async function newTask(options: { at?: number; claimedBy?: { token: string } } = {}): Promise<string> {
  const id = `task-${randomUUID()}`;
  t.clock.set(options.at ?? T);
  await apply(t, boss.token, 'task.create', { task_id: id, title: 'Replace the pump seal' });
  if (options.claimedBy !== undefined) await apply(t, options.claimedBy.token, 'task.claim', { task_id: id });
  return id;
}

const statuses = (outcomes: readonly Outcome[]): string[] => outcomes.map((o) => (o.status === 'rejected' ? `rejected ${o.code}` : o.status));

describe('sync push: batches', () => {
  test('applies every intent in order and answers exactly one outcome per intent, with the server time', async () => {
    const task = await newTask();
    const at = T + MIN;
    t.clock.set(at);
    const intents = [
      intentAt('task.claim', { task_id: task }, at),
      intentAt('work.start', { task_id: task }, at),
      intentAt('work.heartbeat', { task_id: task }, at),
      intentAt('work.pause', { task_id: task }, at),
    ];
    const res = await push(t, ana.token, intents);
    expect(res.status).toBe(200);
    const data = (res.body as { data: { server_time: string; outcomes: Outcome[] } }).data;
    expect(data.server_time).toBe(toIso(at));
    expect(data.outcomes.map((o) => o.id)).toEqual(intents.map((i) => i.id));
    expect(statuses(data.outcomes)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(data.outcomes[0]).toEqual({ id: intents[0]?.id, status: 'accepted', effective_at: toIso(at) });
    const row = await selectRow(db.sql, 'tasks', { id: task });
    expect(row).toMatchObject({ status: 'on-hold', claimed_by: ana.id });
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(sessions).toMatchObject([{ user_id: ana.id, ended_reason: 'pause', started_at: at, ended_at: at }]);
  });

  test('an empty batch answers no outcomes', async () => {
    expect(await pushOk(t, ana.token, [])).toEqual([]);
  });

  test('a malformed intent among good ones is rejected INVALID_INTENT and the others apply', async () => {
    const task = await newTask();
    const at = T;
    const good1 = intentAt('task.claim', { task_id: task }, at);
    const wrongArgs = { id: randomUUID(), kind: 'work.start', args: { task_id: 42 }, occurred_at: toIso(at) };
    const unknownKind = { id: randomUUID(), kind: 'task.explode', args: {}, occurred_at: toIso(at) };
    const badTime = { id: randomUUID(), kind: 'work.start', args: { task_id: task }, occurred_at: 'yesterday' };
    const extraKey = { ...intentAt('work.start', { task_id: task }, at), sneaky: true };
    const nul = intentAt('task.rename', { task_id: task, title: 'a\u0000b' }, at);
    const yearZero = { ...intentAt('work.start', { task_id: task }, at), occurred_at: '0000-01-01T00:00:00Z' };
    const good2 = intentAt('work.start', { task_id: task }, at);
    const outcomes = await pushOk(t, ana.token, [good1, wrongArgs, unknownKind, badTime, extraKey, nul, yearZero, good2]);
    expect(statuses(outcomes)).toEqual([
      'accepted',
      'rejected INVALID_INTENT',
      'rejected INVALID_INTENT',
      'rejected INVALID_INTENT',
      'rejected INVALID_INTENT',
      'rejected INVALID_INTENT',
      'rejected INVALID_INTENT',
      'accepted',
    ]);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'in-progress', claimed_by: ana.id, title: 'Replace the pump seal' });
    // Each rejection is recorded, so a resend answers the same.
    const stored = await readStoredOutcome(db.sql, unknownKind.id);
    expect(stored).toMatchObject({ status: 'rejected', code: 'INVALID_INTENT', kind: 'task.explode', args: null, user_id: ana.id });
    expect(await pushOk(t, ana.token, [wrongArgs, nul, yearZero])).toEqual([outcomes[1], outcomes[5], outcomes[6]]);
  });

  test('a rejected intent does not undo the ones before or after it', async () => {
    const task = await newTask();
    const other = await newTask();
    const outcomes = await pushOk(t, ana.token, [
      intentAt('task.claim', { task_id: task }, T),
      intentAt('work.heartbeat', { task_id: task }, T), // nothing open yet: refused
      intentAt('work.start', { task_id: other }, T), // not claimed: refused
      intentAt('work.start', { task_id: task }, T),
    ]);
    expect(statuses(outcomes)).toEqual(['accepted', 'rejected CONFLICT_INVALID_STATE', 'rejected CONFLICT_CLAIMED', 'accepted']);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null })).toHaveLength(1);
    expect(await selectRow(db.sql, 'tasks', { id: other })).toMatchObject({ status: 'todo', claimed_by: null });
  });

  test('an id repeated within one batch is applied once; every copy answers the first one\'s outcome', async () => {
    const task = await newTask({ claimedBy: ana });
    const start = intentAt('work.start', { task_id: task }, T);
    const pause = intentAt('work.pause', { task_id: task }, T);
    const outcomes = await pushOk(t, ana.token, [start, pause, start]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toHaveLength(1);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'on-hold' });
  });

  test(`a full batch of ${MAX_BATCH_SIZE} intents is applied, one outcome each, in order`, async () => {
    const task = await newTask({ claimedBy: ana });
    t.clock.set(T + 10 * H);
    const intents = [
      intentAt('work.start', { task_id: task }, T + H),
      ...Array.from({ length: MAX_BATCH_SIZE - 2 }, (_, i) => intentAt('work.heartbeat', { task_id: task }, T + H + (i + 1) * 1000)),
      intentAt('work.pause', { task_id: task }, T + H + MAX_BATCH_SIZE * 1000),
    ];
    const outcomes = await pushOk(t, ana.token, intents);
    expect(outcomes.map((o) => o.id)).toEqual(intents.map((i) => i.id));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'on-hold', time_spent_ms: MAX_BATCH_SIZE * 1000 });
  }, 30_000);

  test('sessions keep the device time zone; a zone this server does not know is stored as UTC', async () => {
    const a = await newTask({ claimedBy: ana });
    const b = await newTask({ claimedBy: ana });
    await pushOk(t, ana.token, [intentAt('work.start', { task_id: a }, T)], { zone: 'Europe/Madrid' });
    await pushOk(t, ana.token, [intentAt('work.start', { task_id: b }, T)], { zone: 'Mars/Olympus_Mons' });
    expect((await selectRows(db.sql, 'work_sessions', { task_id: a }))[0]?.zone).toBe('Europe/Madrid');
    expect((await selectRows(db.sql, 'work_sessions', { task_id: b }))[0]?.zone).toBe('UTC');
  });
});

describe('sync push: metrics', () => {
  /** stint_intents_total by "status code" from GET /metrics. */
  async function intentCounts(): Promise<Record<string, number>> {
    const res = await t.request('GET', '/metrics');
    const counts: Record<string, number> = {};
    for (const [, status, code, n] of String(res.body).matchAll(/^stint_intents_total\{status="([^"]*)",code="([^"]*)"\} (\d+)$/gm)) {
      counts[`${status} ${code}`.trim()] = Number(n);
    }
    return counts;
  }

  test('each outcome recorded now is counted once in stint_intents_total; a replay is not counted again', async () => {
    const task = await newTask();
    const intents = [intentAt('task.claim', { task_id: task }, T), intentAt('work.heartbeat', { task_id: task }, T)];
    const before = await intentCounts();
    await pushOk(t, ana.token, intents);
    const after = await intentCounts();
    expect((after['accepted'] ?? 0) - (before['accepted'] ?? 0)).toBe(1);
    expect((after['rejected CONFLICT_INVALID_STATE'] ?? 0) - (before['rejected CONFLICT_INVALID_STATE'] ?? 0)).toBe(1);
    await pushOk(t, ana.token, intents);
    expect(await intentCounts()).toEqual(after);
  });
});

describe('sync push: malformed batches', () => {
  const valid = (task: string) => ({ device_id: 'device-1', sent_at: toIso(T), intents: [intentAt('task.claim', { task_id: task }, T)] });
  const cases: [string, (task: string) => unknown][] = [
    ['a body that is not JSON', () => '{"device_id": "d1", '],
    ['an array instead of an object', (task) => [valid(task)]],
    ['no device_id', (task) => ({ ...valid(task), device_id: undefined })],
    ['a device_id that is a number', (task) => ({ ...valid(task), device_id: 7 })],
    ['an empty device_id', (task) => ({ ...valid(task), device_id: '' })],
    ['a device_id with a NUL character', (task) => ({ ...valid(task), device_id: 'd\u00001' })],
    ['a sent_at that is not a time', (task) => ({ ...valid(task), sent_at: 'now' })],
    ['a sent_at in epoch milliseconds', (task) => ({ ...valid(task), sent_at: T })],
    ['a sent_at in the year 0', (task) => ({ ...valid(task), sent_at: '0000-06-01T00:00:00Z' })],
    ['intents that are not an array', (task) => ({ ...valid(task), intents: { 0: valid(task).intents[0] } })],
    ['an intent that is not an object', (task) => ({ ...valid(task), intents: [...valid(task).intents, 'task.claim'] })],
    ['an intent without an id', (task) => ({ ...valid(task), intents: [...valid(task).intents, { kind: 'task.claim', args: { task_id: task } }] })],
    ['an intent id that is a number', (task) => ({ ...valid(task), intents: [...valid(task).intents, { id: 5, kind: 'work.start' }] })],
    ['an intent id with a NUL character', (task) => ({ ...valid(task), intents: [...valid(task).intents, { id: 'i\u00001' }] })],
    ['an unknown key', (task) => ({ ...valid(task), cursor: 3 })],
    ['a zone that is not a zone name', (task) => ({ ...valid(task), zone: 'Europe/Madrid; DROP TABLE tasks' })],
    [`more than ${MAX_BATCH_SIZE} intents`, (task) => ({
      ...valid(task),
      intents: [...valid(task).intents, ...Array.from({ length: MAX_BATCH_SIZE }, () => intentAt('work.heartbeat', { task_id: task }, T))],
    })],
  ];

  test.each(cases)('%s answers 400 INVALID_INPUT and changes nothing', async (_name, body) => {
    const task = await newTask();
    const before = await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM applied_intents`;
    const res = await t.request('POST', '/api/v1/sync/push', { token: ana.token, body: body(task) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM applied_intents`).toEqual(before);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'todo', claimed_by: null });
  });

  test('a body sent as text/plain answers 400, never a 5xx', async () => {
    const task = await newTask();
    const res = await t.request('POST', '/api/v1/sync/push', {
      token: ana.token,
      body: JSON.stringify(valid(task)),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ claimed_by: null });
  });

  test('a push without a valid token answers 401 and applies nothing', async () => {
    const task = await newTask();
    expect((await t.request('POST', '/api/v1/sync/push', { body: valid(task) })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/sync/push', { token: 'nope', body: valid(task) })).status).toBe(401);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ claimed_by: null });
  });
});

describe('sync push: an intent is applied at most once (I9)', () => {
  test('the same intent sent twice is applied once and answers the same outcome', async () => {
    const task = await newTask({ claimedBy: ana });
    const start = intentAt('work.start', { task_id: task }, T);
    const pause = intentAt('work.pause', { task_id: task }, T);
    const first = await pushOk(t, ana.token, [start, pause]);
    t.clock.advance(10 * MIN);
    const again = await pushOk(t, ana.token, [start, pause]);
    expect(again).toEqual(first);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toHaveLength(1);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'on-hold' });
  });

  test('the same intent from another device of the same person replays the stored outcome', async () => {
    const task = await newTask({ claimedBy: ana });
    const start = intentAt('work.start', { task_id: task }, T);
    const first = await pushOne(t, ana.token, start, { device_id: 'phone' });
    await apply(t, ana.token, 'work.pause', { task_id: task });
    t.clock.advance(MIN);
    const again = await pushOne(t, ana.token, start, { device_id: 'laptop' });
    expect(again).toEqual(first);
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task, ended_at: null })).toEqual([]);
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({ device_id: 'phone' });
  });

  test('the same intent sent concurrently from five devices is applied once, every push answering the same', async () => {
    const task = await newTask({ claimedBy: ana });
    const start = intentAt('work.start', { task_id: task }, T);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => pushOne(t, ana.token, start, { device_id: `device-${i}` })),
    );
    for (const outcome of results) expect(outcome).toEqual(results[0]);
    expect(results[0]).toMatchObject({ status: 'accepted' });
    expect(await selectRows(db.sql, 'work_sessions', { task_id: task })).toHaveLength(1);
    expect(await db.sql`SELECT id FROM applied_intents WHERE id = ${start.id}`).toHaveLength(1);
  });

  test('a rejected intent replays its rejection even after the state would allow it', async () => {
    const task = await newTask({ claimedBy: ana });
    const heartbeat = intentAt('work.heartbeat', { task_id: task }, T);
    const first = await pushOne(t, ana.token, heartbeat);
    expect(first).toMatchObject({ status: 'rejected', code: 'CONFLICT_INVALID_STATE' });
    await apply(t, ana.token, 'work.start', { task_id: task });
    expect(await pushOne(t, ana.token, heartbeat)).toEqual(first);
  });

  test('an intent id another person already used is refused, not answered with their outcome', async () => {
    const task = await newTask({ claimedBy: ana });
    const start = intentAt('work.start', { task_id: task }, T);
    await pushOne(t, ana.token, start);
    const bo = await t.signIn('worker');
    const outcome = await pushOne(t, bo.token, { ...start, args: { task_id: task } });
    expect(outcome).toMatchObject({ id: start.id, status: 'rejected', code: 'CONFLICT_EXISTS' });
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({ user_id: ana.id, status: 'accepted' });
  });
});

describe('sync push: concurrency', () => {
  test('8 parallel pushes starting the same task by its claimer from 8 devices open exactly one session', async () => {
    const task = await newTask({ claimedBy: ana });
    t.clock.set(T + MIN);
    const intents = Array.from({ length: 8 }, () => intentAt('work.start', { task_id: task }, T + MIN));
    const outcomes = await Promise.all(intents.map((intent, i) => pushOne(t, ana.token, intent, { device_id: `device-${i}` })));
    // One opened the session; the others found it open and were idempotent no-ops.
    expect(outcomes.every((o) => o.status === 'accepted' || (o.status === 'rejected' && o.code === 'CONFLICT_INVALID_STATE'))).toBe(true);
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ user_id: ana.id, ended_at: null, started_at: T + MIN });
    // Exactly one of the eight intents made that session (its id derives from the intent id).
    expect(intents.filter((i) => sessions[0]?.id === `${i.id}:session`)).toHaveLength(1);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'in-progress', claimed_by: ana.id });
    const stored = await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM applied_intents WHERE id = ANY(${intents.map((i) => i.id)})`;
    expect(stored[0]?.n).toBe(8);
  });

  test('8 parallel in-progress changes on an unclaimed task by 8 workers: one claimer, one session, 7 CONFLICT_CLAIMED', async () => {
    const task = await newTask();
    const workers = await Promise.all(Array.from({ length: 8 }, () => t.signIn('worker')));
    const outcomes = await Promise.all(
      workers.map((w, i) => pushOne(t, w.token, intentAt('task.set_status', { task_id: task, status: 'in-progress' }, T), { device_id: `device-${i}` })),
    );
    const winners = outcomes.flatMap((o, i) => (o.status === 'accepted' ? [workers[i]?.user.id] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.code === 'CONFLICT_CLAIMED')).toHaveLength(7);
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ user_id: winners[0], ended_at: null });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'in-progress', claimed_by: winners[0] });
  });

  test('a batch that loses a deadlock is retried as a whole and answers 200', async () => {
    const a = await newTask({ claimedBy: ana });
    const b = await newTask({ claimedBy: ana });
    const intents = [intentAt('task.rename', { task_id: a, title: 'First' }, T), intentAt('task.rename', { task_id: b, title: 'Second' }, T)];
    const other = db.sql.reserve();
    const holder = await other;
    try {
      // Another transaction holds task b and will want task a: the batch takes a, then waits on b.
      await holder`BEGIN`;
      await holder`SET LOCAL deadlock_timeout = '5s'`;
      await holder`SELECT 1 FROM tasks WHERE id = ${b} FOR UPDATE`;
      const pushed = push(t, boss.token, intents);
      await waitForLockWaiters(1);
      // Now close the cycle; the batch's own 1 s deadlock check fires first and aborts the batch.
      await holder`SELECT 1 FROM tasks WHERE id = ${a} FOR UPDATE`;
      await holder`COMMIT`;
      const res = await pushed;
      expect(res.status).toBe(200);
      expect(statuses((res.body as { data: { outcomes: Outcome[] } }).data.outcomes)).toEqual(['accepted', 'accepted']);
    } finally {
      holder.release();
    }
    expect((await selectRow(db.sql, 'tasks', { id: b }))?.title).toBe('Second');
  });
});

describe('sync push: time (DESIGN §3)', () => {
  test('an intent recorded 3 h earlier on a device 20 min fast takes effect at the real time of recording', async () => {
    const task = await newTask({ at: T - 4 * H, claimedBy: ana });
    t.clock.set(T);
    const fast = 20 * MIN;
    const start = intentAt('work.start', { task_id: task }, T - 3 * H + fast);
    const outcome = await pushOne(t, ana.token, start, { sent_at: T + fast });
    expect(outcome).toMatchObject({ status: 'accepted_with_adjustment', effective_at: toIso(T - 3 * H) });
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({
      occurred_at: T - 3 * H + fast,
      sent_at: T + fast,
      received_at: T,
      effective_at: T - 3 * H,
      time_source: 'device',
    });
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(session).toMatchObject({ started_at: T - 3 * H, offline: true });
  });

  test('an offline queue (start at T-3h, heartbeats, pause at T-1h) makes a session of exactly 2 h in totals and time_spent', async () => {
    const task = await newTask({ at: T - 4 * H, claimedBy: ana });
    t.clock.set(T);
    const queue = [
      intentAt('work.start', { task_id: task }, T - 3 * H),
      intentAt('work.heartbeat', { task_id: task }, T - 3 * H + 1 * MIN),
      intentAt('work.heartbeat', { task_id: task }, T - 2 * H),
      intentAt('work.heartbeat', { task_id: task }, T - 1 * H - MIN),
      intentAt('work.pause', { task_id: task }, T - 1 * H),
    ];
    const outcomes = await pushOk(t, ana.token, queue);
    expect(statuses(outcomes)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    expect(outcomes.map((o) => (o.status === 'rejected' ? null : o.effective_at))).toEqual(queue.map((i) => i.occurred_at));
    const sessions = await selectRows(db.sql, 'work_sessions', { task_id: task });
    expect(sessions).toMatchObject([{ started_at: T - 3 * H, last_heartbeat_at: T - H - MIN, ended_at: T - H, ended_reason: 'pause', offline: true }]);
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'on-hold', time_spent_ms: 2 * H, updated_at: T - H });
    expect(await selectRow(db.sql, 'user_task_totals', { user_id: ana.id, task_id: task })).toMatchObject({ accumulated_ms: 2 * H });
  });

  test('an offline intent older than the last change of its task is clamped to that change', async () => {
    const task = await newTask({ at: T, claimedBy: ana });
    t.clock.set(T + 10 * MIN);
    const start = intentAt('work.start', { task_id: task }, T - 2 * H);
    const outcome = await pushOne(t, ana.token, start);
    expect(outcome).toMatchObject({ status: 'accepted_with_adjustment', effective_at: toIso(T) });
    expect(outcome.status === 'accepted_with_adjustment' ? outcome.message : '').toMatch(/previous change/);
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({ occurred_at: T - 2 * H, effective_at: T, time_source: 'clamped' });
  });

  test('an offline pause older than the last heartbeat is clamped to the heartbeat, so the session is never negative', async () => {
    const task = await newTask({ at: T - 4 * H, claimedBy: ana });
    t.clock.set(T);
    const [, , pause] = await pushOk(t, ana.token, [
      intentAt('work.start', { task_id: task }, T - 3 * H),
      intentAt('work.heartbeat', { task_id: task }, T - 2 * H),
      intentAt('work.pause', { task_id: task }, T - 150 * MIN), // out of order on the device
    ]);
    expect(pause).toMatchObject({ status: 'accepted_with_adjustment', effective_at: toIso(T - 2 * H) });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ time_spent_ms: H });
  });

  test('an offline intent older than the look-back window is clamped to the window start', async () => {
    const short = createTestApp(db, { env: { LOOK_BACK_S: '3600' } });
    const worker = await short.signIn('worker');
    const supervisor = await short.signIn('supervisor');
    const task = `task-${randomUUID()}`;
    short.clock.set(T - 5 * H);
    await apply(short, supervisor.token, 'task.create', { task_id: task, title: 'Old' });
    await apply(short, worker.token, 'task.claim', { task_id: task });
    short.clock.set(T);
    const start = intentAt('work.start', { task_id: task }, T - 3 * H);
    const outcome = await pushOne(short, worker.token, start);
    expect(outcome).toMatchObject({ status: 'accepted_with_adjustment', effective_at: toIso(T - H) });
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({ occurred_at: T - 3 * H, effective_at: T - H, time_source: 'clamped' });
    expect((await selectRows(db.sql, 'work_sessions', { task_id: task }))[0]?.started_at).toBe(T - H);
  });

  test('a device time in the future is clamped to server now', async () => {
    const task = await newTask({ at: T, claimedBy: ana });
    const outcome = await pushOne(t, ana.token, intentAt('work.start', { task_id: task }, T + 2 * H));
    expect(outcome).toMatchObject({ status: 'accepted_with_adjustment', effective_at: toIso(T) });
  });

  test('an online intent from a device whose clock is 20 min slow takes server now and is not adjusted', async () => {
    const task = await newTask({ at: T, claimedBy: ana });
    t.clock.set(T + MIN);
    const slow = -20 * MIN;
    const start = intentAt('work.start', { task_id: task }, T + MIN + slow);
    const outcome = await pushOne(t, ana.token, start, { sent_at: T + MIN + slow });
    expect(outcome).toEqual({ id: start.id, status: 'accepted', effective_at: toIso(T + MIN) });
    expect(await readStoredOutcome(db.sql, start.id)).toMatchObject({ time_source: 'server' });
  });
});

describe('sync push: approved runs are locked (I7)', () => {
  test('a refused change to an approved run is rejected SESSION_LOCKED and written to the audit log', async () => {
    t.clock.set(T);
    const sop = `sop-${randomUUID()}`;
    const run = `run-${randomUUID()}`;
    await apply(t, boss.token, 'sop.create', { sop_id: sop, title: 'Lockout', tasks: [{ title: 'Isolate', steps: [{ id: `${sop}-p1`, title: 'Open breaker' }] }] });
    await apply(t, boss.token, 'sop.confirm', { sop_id: sop });
    const worker = await t.signIn('worker');
    await apply(t, worker.token, 'run.start', { session_id: run, sop_id: sop });
    await apply(t, worker.token, 'run.check', { session_id: run, step_id: `${sop}-p1`, result: 'passed' });
    await apply(t, boss.token, 'run.approve', { session_id: run });
    const pause = intentAt('run.pause', { session_id: run }, T);
    const outcome = await pushOne(t, worker.token, pause, { device_id: 'tablet-7' });
    expect(outcome).toMatchObject({ status: 'rejected', code: 'SESSION_LOCKED' });
    const audit = await selectRows(db.sql, 'audit_log', { entity_id: run });
    expect(audit.filter((a) => a.action === 'run.pause.refused')).toMatchObject([{ actor_id: worker.user.id, device_id: 'tablet-7' }]);
    // The replay answers the same and writes no second entry.
    expect(await pushOne(t, worker.token, pause)).toEqual(outcome);
    expect((await selectRows(db.sql, 'audit_log', { entity_id: run })).filter((a) => a.action === 'run.pause.refused')).toHaveLength(1);
    expect(await selectRow(db.sql, 'procedure_runs', { id: run })).toMatchObject({ status: 'completed', locked: true });
  });
});

/** Waits until `n` backends of this database wait on a lock. */
async function waitForLockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const rows = await db.sql<{ n: number }[]>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no lock waiter appeared');
}
