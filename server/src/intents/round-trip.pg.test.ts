/**
 * Every intent kind goes through POST /api/v1/sync/push at least once and
 * leaves its mark in the database (API.md "Sync push": kinds, at least the
 * listed ones; here all of INTENT_KINDS). A kind added to shared without a
 * case here fails the coverage test.
 */
import { randomUUID } from 'node:crypto';
import { INTENT_KINDS } from '@stint/shared';
import type { IntentArgs, IntentKind } from '@stint/shared';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkConsistency } from '../db/consistency.ts';
import { selectRow, selectRows } from '../db/rows.ts';
import { sweepStaleSessions } from '../scheduler/stale-sessions.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_EPOCH, createTestApp } from '../testing/test-app.ts';
import { intentAt, pushOk } from './testing.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
afterEach(async () => {
  expect(await checkConsistency(db.sql)).toEqual([]);
});

const MIN = 60_000;
const t = createTestApp(db);
const pushed = new Set<IntentKind>();
let boss: string;
let ana: string;
let anaId: string;
let boId: string;

beforeAll(async () => {
  const [s, w, v] = await Promise.all([t.signIn('supervisor'), t.signIn('worker'), t.signIn('worker')]);
  boss = s.token;
  ana = w.token;
  anaId = w.user.id;
  boId = v.user.id;
});

/** Pushes one intent of `kind` one minute after the last, expecting it accepted. */
async function send<K extends IntentKind>(token: string, kind: K, args: IntentArgs<K>): Promise<void> {
  t.clock.advance(MIN);
  const [outcome] = await pushOk(t, token, [intentAt(kind, args, t.clock())]);
  expect(outcome, kind).toMatchObject({ status: 'accepted' });
  pushed.add(kind);
}

describe('every intent kind round-trips through sync push', () => {
  test('task and work-session kinds', async () => {
    t.clock.set(TEST_EPOCH);
    const task = `task-${randomUUID()}`;
    await send(boss, 'task.create', { task_id: task, title: 'Replace the pump seal', status: 'todo' });
    await send(boss, 'task.rename', { task_id: task, title: 'Replace the pump seal and gasket' });
    await send(ana, 'task.claim', { task_id: task });
    await send(ana, 'task.set_status', { task_id: task, status: 'in-progress' });
    await send(ana, 'work.heartbeat', { task_id: task });
    await send(ana, 'work.pause', { task_id: task });
    await send(ana, 'work.start', { task_id: task });
    await send(ana, 'task.release', { task_id: task });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ title: 'Replace the pump seal and gasket', status: 'on-hold', claimed_by: null, time_spent_ms: 3 * MIN });
    await send(ana, 'task.claim', { task_id: task });
    await send(ana, 'task.complete', { task_id: task });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'done', claimed_by: anaId });
  });

  test('work.extend after the stale sweep', async () => {
    const task = `task-${randomUUID()}`;
    await send(boss, 'task.create', { task_id: task, title: 'Walk the line' });
    await send(ana, 'task.claim', { task_id: task });
    await send(ana, 'work.start', { task_id: task });
    const startedAt = t.clock();
    t.clock.advance(10 * MIN);
    await sweepStaleSessions(db.sql, t.clock(), t.config.STALE_CUTOFF_S * 1000);
    const [session] = await selectRows(db.sql, 'work_sessions', { task_id: task });
    await send(ana, 'work.extend', { session_id: session?.id ?? '', until: new Date(startedAt + 5 * MIN).toISOString() });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ time_spent_ms: 5 * MIN });
  });

  test('checklist kinds', async () => {
    const task = `task-${randomUUID()}`;
    const item = `item-${randomUUID()}`;
    await send(boss, 'task.create', { task_id: task, title: 'Inspect the valve' });
    await send(boss, 'checklist.add', { checklist_item_id: item, task_id: task, title: 'Drain the line', status: 1 });
    await send(boss, 'checklist.set_status', { checklist_item_id: item, status: 3 });
    expect(await selectRow(db.sql, 'tasks', { id: task })).toMatchObject({ status: 'done' });
    await send(boss, 'checklist.rename', { checklist_item_id: item, title: 'Drain and vent the line' });
    await send(boss, 'checklist.delete', { checklist_item_id: item });
    expect(await selectRow(db.sql, 'checklist_items', { id: item })).toMatchObject({ title: 'Drain and vent the line', deleted_at: t.clock() });
  });

  test('SOP and procedure-run kinds', async () => {
    const sop = `sop-${randomUUID()}`;
    const run = `run-${randomUUID()}`;
    const [p1, p2] = [`${sop}-p1`, `${sop}-p2`];
    await send(boss, 'sop.create', { sop_id: sop, title: 'Lockout', tasks: [{ title: 'Isolate', steps: [{ id: p1, title: 'Open the breaker' }, { id: p2, title: 'Test dead' }] }] });
    await send(boss, 'sop.edit', { sop_id: sop, title: 'Lockout / tagout' });
    await send(boss, 'sop.confirm', { sop_id: sop });
    await send(ana, 'run.start', { session_id: run, sop_id: sop });
    await send(ana, 'run.check', { session_id: run, step_id: p1, result: 'passed', notes: 'Breaker open' });
    await send(ana, 'run.pause', { session_id: run });
    await send(ana, 'run.resume', { session_id: run });
    await send(ana, 'run.complete', { session_id: run });
    await send(boss, 'run.approve', { session_id: run, reason: 'Checked on site' });
    expect(await selectRow(db.sql, 'procedure_runs', { id: run })).toMatchObject({ status: 'completed', locked: true });
    await send(boss, 'sop.delete', { sop_id: sop });
    expect((await selectRow(db.sql, 'sops', { id: sop }))?.deleted_at).toBe(t.clock());
  });

  test('booking kinds', async () => {
    const [b1, b2] = [`b-${randomUUID()}`, `b-${randomUUID()}`];
    const start = new Date(t.clock() + 60 * MIN).toISOString();
    const end = new Date(t.clock() + 120 * MIN).toISOString();
    await send(boss, 'booking.create', { booking_id: b1, mentor_id: anaId, student_id: boId, start_time: start, end_time: end });
    await send(ana, 'booking.start', { booking_id: b1 });
    await send(ana, 'booking.complete', { booking_id: b1 });
    expect(await selectRow(db.sql, 'bookings', { id: b1 })).toMatchObject({ status: 'COMPLETED', is_delayed: false });
    await send(boss, 'booking.create', { booking_id: b2, mentor_id: anaId, student_id: boId, start_time: start, end_time: end });
    await send(boss, 'booking.cancel', { booking_id: b2 });
    expect(await selectRow(db.sql, 'bookings', { id: b2 })).toMatchObject({ status: 'CANCELLED' });
  });

  test('the cases above pushed every intent kind', () => {
    expect([...pushed].sort()).toEqual([...INTENT_KINDS].sort());
  });
});
