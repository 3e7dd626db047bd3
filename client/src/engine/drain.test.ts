import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { DEFAULT_STALE_CUTOFF_MS, MINUTE } from '@stint/shared';
import type { JournalRow } from './journal.ts';
import type { MemoryServer } from './testing/memory-server.ts';
import { OTHER_WORKER, SUPERVISOR, eventually, journalRows, rigsClosedAfterEach, seededServer } from './testing/fixtures.ts';
import type { Rig } from './testing/fixtures.ts';
import { TransportError } from './transport.ts';

const setup = rigsClosedAfterEach();


/**
 * Claims t2, starts it, then sends `beats` heartbeats, each after a gap
 * longer than the stale cutoff so that none continues the one before
 * (heartbeat-evidence.ts): 2 + beats journal rows, all valid offline.
 */
async function recordWork(r: Rig, beats: number): Promise<void> {
  expect((await r.engine.act('task.claim', { task_id: 't2' })).accepted).toBe(true);
  expect((await r.engine.act('work.start', { task_id: 't2' })).accepted).toBe(true);
  for (let i = 0; i < beats; i++) {
    r.clock.advance(DEFAULT_STALE_CUTOFF_MS + 1_000);
    expect((await r.engine.act('work.heartbeat', { task_id: 't2' })).accepted).toBe(true);
  }
}

const sentBatches = (server: MemoryServer) => server.batches.filter((batch) => batch.intents.length > 0);

describe('drain', () => {
  test('sends pending intents in seq order, in batches of at most 100', async () => {
    const r = await setup({ online: false });
    await recordWork(r, 248);
    r.transport.online = true;
    await r.engine.sync();
    const batches = sentBatches(r.server);
    expect(batches.map((batch) => batch.intents.length)).toEqual([100, 100, 50]);
    const rows = await journalRows(r.dbName);
    expect(batches.flatMap((batch) => batch.intents.map((intent) => intent.id))).toEqual(rows.map((row) => row.id));
    expect(batches.every((batch) => batch.device_id === 'device-a' && batch.zone === 'Europe/Madrid')).toBe(true);
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, online: true, lastError: null });
  });

  test('stores each outcome on its intent row', async () => {
    const r = await setup({ online: false });
    await recordWork(r, 1);
    r.clock.advance(MINUTE);
    r.transport.online = true;
    await r.engine.sync();
    const rows = await journalRows(r.dbName);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const outcome = r.server.outcomes.get(row.id);
      expect(outcome?.status).toBe('accepted');
      expect(row).toMatchObject({ phase: 'decided', status: 'accepted', decided_at: r.clock(), attempts: 1, last_error: null });
      expect(row.effective_at).toBe(Date.parse(outcome?.status === 'accepted' ? outcome.effective_at : ''));
    }
  });

  test('a rejected intent does not block the ones behind it, and lands in the inbox with the reason and a hint', async () => {
    const r = await setup({ online: false });
    await r.engine.act('task.claim', { task_id: 't3' });
    r.server.run(OTHER_WORKER, 'w2-claims-t3', 'task.claim', { task_id: 't3' });
    await recordWork(r, 2);
    r.transport.online = true;
    await r.engine.sync();
    const rows = await journalRows(r.dbName);
    expect(rows.map((row) => row.status)).toEqual(['rejected', 'accepted', 'accepted', 'accepted', 'accepted']);
    expect(rows[0]).toMatchObject({ code: 'CONFLICT_CLAIMED', phase: 'decided' });
    const inbox = r.engine.inbox.getSnapshot();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ id: rows[0]?.id, kind: 'task.claim', code: 'CONFLICT_CLAIMED', follows: null });
    expect(inbox[0]?.message).toBe(rows[0]?.message);
    expect(inbox[0]?.hint).toMatch(/Someone else has this task/);
    // The rejected claim is gone from the view at once; the accepted work stays until the replica shows it.
    expect(r.engine.view.getSnapshot().tasks.get('t3')?.claimed_by).toBeNull();
    expect(r.engine.view.getSnapshot().tasks.get('t2')?.status).toBe('in-progress');
  });

  test('a later rejection on the same task names the one it followed', async () => {
    const r = await setup({ online: false });
    await r.engine.act('task.claim', { task_id: 't3' });
    await r.engine.act('work.start', { task_id: 't3' });
    r.server.run(OTHER_WORKER, 'w2-claims-t3', 'task.claim', { task_id: 't3' });
    r.transport.online = true;
    await r.engine.sync();
    const [claim, start] = r.engine.inbox.getSnapshot();
    expect(start).toMatchObject({ kind: 'work.start', code: 'CONFLICT_CLAIMED', follows: claim?.id });
  });

  test('dismissing a rejection takes it out of the inbox for every tab and keeps the row', async () => {
    const r = await setup({ online: false });
    await r.engine.act('task.claim', { task_id: 't3' });
    r.server.run(OTHER_WORKER, 'w2-claims-t3', 'task.claim', { task_id: 't3' });
    r.transport.online = true;
    await r.engine.sync();
    const tab2 = await r.open();
    try {
      const [item] = tab2.inbox.getSnapshot();
      expect(item).toBeDefined();
      await tab2.inbox.dismiss(item?.id ?? '');
      expect(tab2.inbox.getSnapshot()).toEqual([]);
      await eventually(() => r.engine.inbox.getSnapshot().length === 0);
      const [row] = await journalRows(r.dbName);
      expect(row).toMatchObject({ status: 'rejected', phase: 'settled', dismissed_at: r.clock() });
    } finally {
      await tab2.close();
    }
  });

  test('an accepted intent leaves the overlay only once the replica shows it', async () => {
    const r = await setup({ online: true });
    await r.engine.act('task.claim', { task_id: 't2' });
    await r.engine.sync();
    expect(r.server.outcomes.get('i-00001')?.status).toBe('accepted');
    // Decided, but the replica has not caught up: still shown, from the overlay.
    const decided = r.engine.view.getSnapshot().tasks.get('t2');
    expect(decided?.claimed_by).toBe('w1');
    expect(decided).not.toBe(r.replica.getState().tasks.get('t2'));
    r.replica.pull();
    const replicated = r.engine.view.getSnapshot().tasks.get('t2');
    expect(replicated?.claimed_by).toBe('w1');
    expect(replicated).toBe(r.replica.getState().tasks.get('t2'));
    await eventually(() => r.engine.view.getSnapshot() === r.replica.getState());
    const [row] = await eventuallyRows(r.dbName, (rows) => rows[0]?.phase === 'settled');
    expect(row?.status).toBe('accepted');
  });

  test('an answer stored after the replica already shows the intent settles it at once', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    await r.engine.act('task.claim', { task_id: 't2' });
    const release = r.transport.hold();
    r.timers.fire(20);
    await eventually(() => r.server.outcomes.has('i-00001'));
    r.replica.pull();
    expect(r.engine.view.getSnapshot().tasks.get('t2')).toBe(r.replica.getState().tasks.get('t2'));
    release();
    const [row] = await eventuallyRows(r.dbName, (rows) => rows[0]?.phase === 'settled');
    expect(row).toMatchObject({ status: 'accepted', phase: 'settled' });
  });

  test('a decided intent replays at the time the server gave it', async () => {
    const r = await setup({ online: false });
    await r.engine.act('task.claim', { task_id: 't2' });
    await r.engine.act('work.start', { task_id: 't2' });
    const recordedAt = r.clock();
    r.clock.advance(2 * MINUTE);
    r.transport.online = true;
    await r.engine.sync();
    const [row] = (await journalRows(r.dbName)).filter((x) => x.kind === 'work.start');
    const session = [...r.engine.view.getSnapshot().work_sessions.values()].find((s) => s.task_id === 't2');
    expect(session?.started_at).toBe(row?.effective_at);
    expect(session?.started_at).toBe(recordedAt);
  });

  test('an act is sent after a short debounce, together with the acts right behind it', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    const before = r.transport.attempts;
    await r.engine.act('task.claim', { task_id: 't2' });
    await r.engine.act('work.start', { task_id: 't2' });
    expect(r.transport.attempts).toBe(before);
    expect(r.timers.pending()).toContain(20);
    r.timers.fire(20);
    await eventually(() => r.engine.status.getSnapshot().pending === 0);
    expect(sentBatches(r.server).map((batch) => batch.intents.length)).toEqual([2]);
  });
});

describe('backoff', () => {
  test('network failures retry after full-jitter exponential delays, capped at 60 s', async () => {
    const r = await setup({ online: false, engine: { random: () => 0.999 } });
    const expected = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000].map((ceiling) => Math.floor(0.999 * ceiling));
    for (let i = 0; i < expected.length; i++) {
      await eventually(() => r.timers.pending().length === 1 && r.transport.attempts === i + 1);
      expect(r.timers.pending()).toEqual([expected[i]]);
      r.timers.fire();
    }
    expect(r.engine.status.getSnapshot()).toMatchObject({ online: false, lastError: { kind: 'network' } });
  });

  test('after a failure an act waits for the backoff timer; sync() goes at once and resets it', async () => {
    const r = await setup({ online: false });
    await eventually(() => r.transport.attempts === 1 && r.timers.pending().length === 1);
    await r.engine.act('task.claim', { task_id: 't2' });
    expect(r.timers.pending()).toEqual([250]);
    r.transport.online = true;
    await r.engine.sync();
    expect(r.transport.attempts).toBe(2);
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, online: true, lastError: null });
  });

  test('a 5xx answer is retried with backoff like a network failure', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    r.transport.failWith = new TransportError('server', 'Service Unavailable', 503);
    await r.engine.act('task.claim', { task_id: 't2' });
    r.timers.fire(20);
    await eventually(() => r.engine.status.getSnapshot().lastError !== null && r.timers.pending().length > 0);
    expect(r.engine.status.getSnapshot()).toMatchObject({ online: false, pending: 1, lastError: { kind: 'server', status: 503 } });
    expect(r.timers.pending()).toEqual([250]);
    r.transport.failWith = null;
    r.timers.fire();
    await eventually(() => r.engine.status.getSnapshot().pending === 0);
    const [row] = await journalRows(r.dbName);
    expect(row).toMatchObject({ status: 'accepted', attempts: 2 });
  });

  test('a whole batch refused with 400 halts the drain, keeps the intents and reports it, until sync()', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    r.transport.failWith = new TransportError('refused', 'Malformed batch', 400, 'INVALID_INPUT');
    await r.engine.act('task.claim', { task_id: 't2' });
    r.timers.fire(20);
    await eventually(() => r.engine.status.getSnapshot().lastError !== null);
    const attempts = r.transport.attempts;
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 1, lastError: { kind: 'refused', status: 400, code: 'INVALID_INPUT' } });
    expect(r.timers.pending()).toEqual([]);
    await r.engine.act('work.start', { task_id: 't2' });
    r.timers.fire();
    expect(r.timers.pending()).toEqual([]);
    expect(r.transport.attempts).toBe(attempts);
    const rows = await journalRows(r.dbName);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Malformed batch' });
    r.transport.failWith = null;
    await r.engine.sync();
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, lastError: null });
  });
});

describe('clock offset', () => {
  test('is estimated from each round trip and corrects the times of pending intents in the view', async () => {
    // The server's clock is 20 minutes ahead of the device's.
    const r = await setup({ online: true, server: (clock) => seededServer(() => clock() + 20 * MINUTE) });
    await r.engine.sync();
    expect(r.engine.status.getSnapshot().offsetMs).toBe(20 * MINUTE);
    r.transport.online = false;
    await r.engine.act('task.claim', { task_id: 't2' });
    await r.engine.act('work.start', { task_id: 't2' });
    const session = [...r.engine.view.getSnapshot().work_sessions.values()].find((s) => s.task_id === 't2');
    expect(session?.started_at).toBe(r.clock() + 20 * MINUTE);
  });

  test('is zero against a server with the same clock', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    expect(r.engine.status.getSnapshot()).toMatchObject({ offsetMs: 0, online: true });
  });
});

describe('reload during a drain', () => {
  test('closing the engine while a batch is in flight loses nothing and applies nothing twice', async () => {
    const r = await setup({ online: true });
    await r.engine.sync();
    await recordWork(r, 3);
    const release = r.transport.hold();
    r.timers.fire(20);
    await eventually(() => r.server.batches.some((batch) => batch.intents.length === 5));
    await r.engine.close();
    release();
    const rowsAfterClose = await journalRows(r.dbName);
    expect(rowsAfterClose.every((row) => row.status === 'pending')).toBe(true);
    r.engine = await r.open();
    await r.engine.sync();
    const rows = await journalRows(r.dbName);
    expect(rows.map((row) => row.status)).toEqual(Array(5).fill('accepted'));
    expect(sentBatches(r.server).map((batch) => batch.intents.length)).toEqual([5, 5]);
    for (const row of rows) expect(r.server.applyCount.get(row.id)).toBe(1);
  });
});

describe('supervisor and worker', () => {
  test('a supervisor change and the worker’s offline intents both end up in the view after replication', async () => {
    const r = await setup({ online: false });
    await recordWork(r, 2);
    r.server.run(SUPERVISOR, 'sup-rename', 'task.rename', { task_id: 't2', title: 'Pump seal (urgent)' });
    r.transport.online = true;
    await r.engine.sync();
    r.replica.pull();
    await eventually(() => r.engine.view.getSnapshot() === r.replica.getState());
    expect(r.engine.view.getSnapshot().tasks.get('t2')).toMatchObject({ title: 'Pump seal (urgent)', status: 'in-progress', claimed_by: 'w1' });
  });
});

async function eventuallyRows(dbName: string, check: (rows: JournalRow[]) => boolean): Promise<JournalRow[]> {
  for (let i = 0; i < 200; i++) {
    const rows = await journalRows(dbName);
    if (check(rows)) return rows;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('journal rows never matched');
}
