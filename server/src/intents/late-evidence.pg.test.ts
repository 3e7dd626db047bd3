/**
 * DESIGN §3.1 through the real executor and Postgres: a device that started
 * online, lost the network and kept beating into its journal comes back after
 * the stale sweep closed its session. Every case ends with the SQL
 * consistency check (I1–I5) and exact totals (I4).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { sweepStaleSessions } from '../scheduler/stale-sessions.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';
import { apply, intentAt, pushOk, pushOne } from './testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const T = TEST_EPOCH;
const S = 1_000;
const MIN = 60 * S;
const CUTOFF = 180 * S;
const t = createTestApp(db, { env: { STALE_CUTOFF_S: '180' } });
let boss: string;
let ana: { token: string; id: string };
let bo: { token: string; id: string };

beforeAll(async () => {
  const [b, a, o] = await Promise.all([t.signIn('supervisor'), t.signIn('worker'), t.signIn('worker')]);
  boss = b.token;
  ana = { token: a.token, id: a.user.id };
  bo = { token: o.token, id: o.user.id };
});

/** Ana starts a task online at T, beats once at T+1 min, goes quiet; the sweep runs at T+5 min. */
async function sweptTask(): Promise<string> {
  const id = `task-${randomUUID()}`;
  t.clock.set(T);
  await apply(t, boss, 'task.create', { task_id: id, title: 'Pump' });
  await apply(t, ana.token, 'task.claim', { task_id: id });
  await apply(t, ana.token, 'work.start', { task_id: id });
  t.clock.set(T + MIN);
  await apply(t, ana.token, 'work.heartbeat', { task_id: id });
  await sweepStaleSessions(db.sql, T + 5 * MIN, CUTOFF);
  expect(await selectRows(db.sql, 'work_sessions', { task_id: id })).toMatchObject([
    { ended_at: T + MIN, ended_reason: 'stale_timeout', closed_at: T + 5 * MIN },
  ]);
  return id;
}

async function sessionOf(task: string) {
  const rows = await selectRows(db.sql, 'work_sessions', { task_id: task });
  return rows.sort((a, b) => a.started_at - b.started_at);
}

describe('late evidence through the executor', () => {
  test('the issue scenario: beats every few seconds offline, a pause 11 s later — all 11 s kept, no rejection', async () => {
    const id = `task-${randomUUID()}`;
    const short = createTestApp(db, { env: { STALE_CUTOFF_S: '2' } });
    short.clock.set(T);
    const [w] = await Promise.all([short.signIn('worker')]);
    await apply(short, boss, 'task.create', { task_id: id, title: 'Valve' });
    await apply(short, w.token, 'task.claim', { task_id: id });
    await apply(short, w.token, 'work.start', { task_id: id });
    await sweepStaleSessions(db.sql, T + 3 * S, 2 * S);
    // The journal as the device sends it after reconnecting at T+30 s: beats 2 s apart, then the pause.
    short.clock.set(T + 30 * S);
    const beats = [2, 4, 6, 8, 10].map((s) => intentAt('work.heartbeat', { task_id: id }, T + s * S));
    const outcomes = await pushOk(short, w.token, [...beats, intentAt('work.pause', { task_id: id }, T + 11 * S)]);
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('accepted'));
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'on-hold', time_spent_ms: 11 * S });
    expect(await sessionOf(id)).toMatchObject([{ ended_at: T + 11 * S, ended_reason: 'pause' }]);
  });

  test('one coalesced heartbeat with alive_since extends the session to it, audited, totals exact', async () => {
    const id = await sweptTask();
    t.clock.set(T + 90 * MIN);
    const outcome = await pushOne(t, ana.token, intentAt('work.heartbeat', { task_id: id, alive_since: new Date(T + 2 * MIN).toISOString() }, T + 60 * MIN));
    expect(outcome).toMatchObject({ status: 'accepted', effective_at: new Date(T + 60 * MIN).toISOString() });
    expect(await sessionOf(id)).toMatchObject([{ ended_at: T + 60 * MIN, ended_reason: 'stale_timeout', extended_by_owner: false }]);
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'on-hold', time_spent_ms: 60 * MIN });
    expect(await selectRow(db.sql, 'user_task_totals', { user_id: ana.id, task_id: id })).toMatchObject({ accumulated_ms: 60 * MIN });
    expect(await selectRows(db.sql, 'audit_log', { action: 'work.extended_by_evidence' })).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor_id: ana.id, source: 'offline', device_id: 'device-1' })]),
    );
  });

  test('evidence within the cutoff of server now reopens it: the task is in progress again', async () => {
    const id = await sweptTask();
    t.clock.set(T + 20 * MIN);
    const outcome = await pushOne(t, ana.token, intentAt('work.heartbeat', { task_id: id, alive_since: new Date(T + 2 * MIN).toISOString() }, T + 19 * MIN));
    expect(outcome.status).toBe('accepted');
    expect(await sessionOf(id)).toMatchObject([{ ended_at: null, closed_at: null, last_heartbeat_at: T + 19 * MIN }]);
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'in-progress', time_spent_ms: 0 });
    // Back online it goes on as usual.
    t.clock.set(T + 21 * MIN);
    await apply(t, ana.token, 'work.pause', { task_id: id });
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'on-hold', time_spent_ms: 21 * MIN });
  });

  test("a supervisor's change after the sweep bounds the extension, and the outcome says so", async () => {
    const id = await sweptTask();
    t.clock.set(T + 10 * MIN);
    await apply(t, boss, 'task.set_status', { task_id: id, status: 'todo' });
    t.clock.set(T + 60 * MIN);
    const outcome = await pushOne(t, ana.token, intentAt('work.heartbeat', { task_id: id, alive_since: new Date(T + 2 * MIN).toISOString() }, T + 40 * MIN));
    expect(outcome).toMatchObject({ status: 'accepted_with_adjustment', message: expect.stringMatching(/next changed/) });
    expect(await sessionOf(id)).toMatchObject([{ ended_at: T + 10 * MIN }]);
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'todo', time_spent_ms: 10 * MIN });
  });

  test('a late complete ends the work at its own time and completes the task', async () => {
    const id = await sweptTask();
    t.clock.set(T + 60 * MIN);
    const outcomes = await pushOk(t, ana.token, [
      intentAt('work.heartbeat', { task_id: id, alive_since: new Date(T + 2 * MIN).toISOString() }, T + 20 * MIN),
      intentAt('task.complete', { task_id: id }, T + 21 * MIN),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    expect(await sessionOf(id)).toMatchObject([{ ended_at: T + 21 * MIN, ended_reason: 'complete' }]);
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ status: 'done', time_spent_ms: 21 * MIN });
  });

  test('the same evidence sent again, under a new id from a second device, changes nothing', async () => {
    const id = await sweptTask();
    t.clock.set(T + 60 * MIN);
    const args = { task_id: id, alive_since: new Date(T + 2 * MIN).toISOString() };
    await pushOne(t, ana.token, intentAt('work.heartbeat', args, T + 30 * MIN));
    const before = await sessionOf(id);
    const again = await pushOne(t, ana.token, intentAt('work.heartbeat', args, T + 30 * MIN), { device_id: 'device-2' });
    expect(again.status).toBe('accepted');
    expect(await sessionOf(id)).toEqual(before);
  });

  test('a gap nobody vouched for keeps the sweep’s answer; the owner claims it back with work.extend', async () => {
    const id = await sweptTask();
    t.clock.set(T + 125 * MIN);
    const beat = await pushOne(t, ana.token, intentAt('work.heartbeat', { task_id: id }, T + 125 * MIN));
    expect(beat).toMatchObject({ status: 'rejected', code: 'CONFLICT_INVALID_STATE' });
    const [session] = await sessionOf(id);
    expect(session).toMatchObject({ ended_at: T + MIN });
    const claim = await pushOne(t, ana.token, intentAt('work.extend', { session_id: session!.id, until: new Date(T + 120 * MIN).toISOString() }, T + 125 * MIN));
    expect(claim.status).toBe('accepted');
    expect(await sessionOf(id)).toMatchObject([{ ended_at: T + 120 * MIN, extended_by_owner: true, ended_reason: 'stale_timeout' }]);
    expect(await selectRow(db.sql, 'tasks', { id })).toMatchObject({ time_spent_ms: 120 * MIN });
    expect(await selectRows(db.sql, 'audit_log', { entity_id: session!.id, action: 'work.extend' })).toHaveLength(1);
  });

  test("work.extend of someone else's session is FORBIDDEN and of a paused one CONFLICT_INVALID_STATE; nothing changes", async () => {
    const id = await sweptTask();
    const [session] = await sessionOf(id);
    t.clock.set(T + 60 * MIN);
    const until = new Date(T + 30 * MIN).toISOString();
    expect(await pushOne(t, bo.token, intentAt('work.extend', { session_id: session!.id, until }, T + 60 * MIN))).toMatchObject({ code: 'FORBIDDEN' });
    await apply(t, ana.token, 'work.start', { task_id: id });
    t.clock.set(T + 61 * MIN);
    await apply(t, ana.token, 'work.pause', { task_id: id });
    const paused = (await sessionOf(id))[1]!;
    expect(await pushOne(t, ana.token, intentAt('work.extend', { session_id: paused.id, until: new Date(T + 61 * MIN).toISOString() }, T + 61 * MIN))).toMatchObject({
      code: 'CONFLICT_INVALID_STATE',
    });
    expect((await sessionOf(id))[0]).toEqual(session);
  });
});
