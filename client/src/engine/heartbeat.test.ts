import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { DEFAULT_STALE_CUTOFF_MS, HOUR, MINUTE, stateFrom, toIso } from '@stint/shared';
import type { WorkSessionRow } from '@stint/shared';
import { concernsTask, planBeat } from './heartbeat-evidence.ts';
import { pendingRow } from './journal.ts';
import type { JournalRow } from './journal.ts';
import { T0, eventually, journalRows, rigsClosedAfterEach } from './testing/fixtures.ts';
import type { Rig } from './testing/fixtures.ts';

const setup = rigsClosedAfterEach();


const beats = (rows: readonly JournalRow[]) => rows.filter((row) => row.kind === 'work.heartbeat');

async function beat(r: Rig, taskId: string): Promise<void> {
  expect((await r.engine.act('work.heartbeat', { task_id: taskId })).accepted).toBe(true);
}

async function startWork(r: Rig, taskId: string): Promise<void> {
  expect((await r.engine.act('task.claim', { task_id: taskId })).accepted).toBe(true);
  expect((await r.engine.act('work.start', { task_id: taskId })).accepted).toBe(true);
}

function sessionOf(sessions: Iterable<WorkSessionRow>, taskId: string): WorkSessionRow | undefined {
  return [...sessions].filter((s) => s.task_id === taskId).sort((a, b) => b.started_at - a.started_at)[0];
}

describe('heartbeats in the journal', () => {
  test('two hours of beats a minute apart offline leave one pending heartbeat per task, alive since the first beat', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    await startWork(r, 't2');
    const firstBeat = r.clock() + MINUTE;
    for (let i = 0; i < 120; i++) {
      r.clock.advance(MINUTE);
      await beat(r, 't3');
      await beat(r, 't2');
    }
    const rows = await journalRows(r.dbName);
    expect(rows.map((row) => row.kind)).toEqual(['task.claim', 'work.start', 'task.claim', 'work.start', 'work.heartbeat', 'work.heartbeat']);
    expect(beats(rows).map((row) => [row.args, row.occurred_at, row.phase])).toEqual([
      [{ task_id: 't3', alive_since: toIso(firstBeat) }, r.clock(), 'pending'],
      [{ task_id: 't2', alive_since: toIso(firstBeat) }, r.clock(), 'pending'],
    ]);
    // The view shows the latest beat, as if every one had been kept.
    expect(sessionOf(r.engine.view.getSnapshot().work_sessions.values(), 't3')?.last_heartbeat_at).toBe(r.clock());
  });

  test('a beat after a gap longer than the stale cutoff starts a row of its own, with no alive_since', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    const firstRun = r.clock();
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    r.clock.advance(DEFAULT_STALE_CUTOFF_MS + 1);
    await beat(r, 't3');
    const secondRun = r.clock();
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    expect(beats(await journalRows(r.dbName)).map((row) => [row.args, row.occurred_at])).toEqual([
      [{ task_id: 't3', alive_since: toIso(firstRun) }, firstRun + MINUTE],
      [{ task_id: 't3', alive_since: toIso(secondRun) }, secondRun + MINUTE],
    ]);
  });

  test('a beat exactly at the cutoff still continues the run; a device clock moved back does not', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    await beat(r, 't3');
    const first = r.clock();
    r.clock.advance(DEFAULT_STALE_CUTOFF_MS);
    await beat(r, 't3');
    r.clock.advance(-MINUTE);
    await beat(r, 't3');
    expect(beats(await journalRows(r.dbName)).map((row) => row.args)).toEqual([{ task_id: 't3', alive_since: toIso(first) }, { task_id: 't3' }]);
  });

  test('a pause between beats breaks them into separate rows, and the pause stays between them', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    const runStart = r.clock();
    r.clock.advance(20_000);
    expect((await r.engine.act('work.pause', { task_id: 't3' })).accepted).toBe(true);
    r.clock.advance(10_000);
    expect((await r.engine.act('work.start', { task_id: 't3' })).accepted).toBe(true);
    r.clock.advance(30_000);
    await beat(r, 't3');
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    const rows = await journalRows(r.dbName);
    expect(rows.map((row) => row.kind)).toEqual(['task.claim', 'work.start', 'work.heartbeat', 'work.pause', 'work.start', 'work.heartbeat']);
    // The device never stopped beating, so the row after the pause is still alive since the first beat.
    expect(beats(rows).map((row) => row.args)).toEqual([{ task_id: 't3' }, { task_id: 't3', alive_since: toIso(runStart) }]);
  });

  test('a checklist tick on the task between beats keeps them apart; another task’s act does not', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't2');
    // t1 follows its checklist: an item in progress puts it in progress, with my work session open.
    expect((await r.engine.act('task.claim', { task_id: 't1' })).accepted).toBe(true);
    expect((await r.engine.act('checklist.set_status', { checklist_item_id: 'c1', status: 2 })).accepted).toBe(true);
    await beat(r, 't1');
    r.clock.advance(MINUTE);
    expect((await r.engine.act('checklist.set_status', { checklist_item_id: 'c2', status: 2 })).accepted).toBe(true);
    await beat(r, 't2');
    await beat(r, 't1');
    r.clock.advance(MINUTE);
    await beat(r, 't2');
    const rows = await journalRows(r.dbName);
    expect(rows.slice(4).map((row) => [row.kind, (row.args as { task_id?: string }).task_id ?? null])).toEqual([
      ['work.heartbeat', 't1'],
      ['checklist.set_status', null],
      ['work.heartbeat', 't1'],
      ['work.heartbeat', 't2'],
    ]);
  });

  test('a beat replacing one already in flight: the late answer is dropped and the replacement is sent next', async () => {
    const r = await setup({ online: true });
    await startWork(r, 't3');
    await r.engine.sync();
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    const release = r.transport.hold();
    r.timers.fire(20);
    await eventually(() => r.server.outcomes.has('i-00003'));
    r.clock.advance(MINUTE);
    const replacement = await r.engine.act('work.heartbeat', { task_id: 't3' });
    expect(replacement).toEqual({ id: 'i-00004', accepted: true, replaced: 'i-00003' });
    release();
    await r.engine.sync();
    const rows = await journalRows(r.dbName);
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      ['i-00001', 'accepted'],
      ['i-00002', 'accepted'],
      ['i-00004', 'accepted'],
    ]);
    expect(r.server.applyCount.get('i-00003')).toBe(1);
    expect(r.server.applyCount.get('i-00004')).toBe(1);
    expect(sessionOf(r.server.state.work_sessions.values(), 't3')?.last_heartbeat_at).toBe(r.clock());
  });

  test('two tabs beating the same task still leave one row', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    const tab2 = await r.open();
    try {
      await eventually(() => tab2.view.getSnapshot().tasks.get('t3')?.status === 'in-progress');
      for (let i = 0; i < 5; i++) {
        r.clock.advance(30_000);
        await beat(r, 't3');
        r.clock.advance(30_000);
        expect((await tab2.act('work.heartbeat', { task_id: 't3' })).accepted).toBe(true);
      }
      expect(beats(await journalRows(r.dbName))).toHaveLength(1);
      await eventually(() => r.engine.status.getSnapshot().heartbeatsWaiting.length === 1);
    } finally {
      await tab2.close();
    }
  });
});

describe('changes waiting', () => {
  test('count the person’s own acts, not heartbeats, which wait apart by task and are still sent', async () => {
    const r = await setup({ online: false });
    await startWork(r, 't3');
    const oldest = r.clock();
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 2, oldestPendingAt: oldest, heartbeatsWaiting: ['t3'] });
    r.transport.online = true;
    await r.engine.sync();
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, oldestPendingAt: null, heartbeatsWaiting: [] });
    expect(r.server.outcomes.get('i-00003')?.status).toBe('accepted');
  });

  test('with only heartbeats waiting, nothing is counted', async () => {
    const r = await setup({ online: true });
    await startWork(r, 't3');
    await r.engine.sync();
    r.transport.online = false;
    r.clock.advance(MINUTE);
    await beat(r, 't3');
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, oldestPendingAt: null, heartbeatsWaiting: ['t3'] });
  });
});

describe('late evidence (DESIGN §3.1)', () => {
  test('a refused heartbeat is settled at once and never reaches the inbox', async () => {
    const r = await setup({ online: true });
    await startWork(r, 't3');
    await r.engine.sync();
    r.transport.online = false;
    // The app was killed for two hours: no beats, and the sweep closed the work session at its start.
    r.clock.advance(2 * HOUR);
    expect(r.server.sweep()).toBe(1);
    await beat(r, 't3');
    r.transport.online = true;
    await r.engine.sync();
    const [row] = beats(await journalRows(r.dbName));
    expect(row).toMatchObject({ status: 'rejected', phase: 'settled', code: 'CONFLICT_INVALID_STATE', dismissed_at: null });
    expect(row?.message).toMatch(/work\.extend/);
    expect(r.engine.inbox.getSnapshot()).toEqual([]);
    expect(r.engine.status.getSnapshot()).toMatchObject({ pending: 0, heartbeatsWaiting: [] });
  });

  test('two hours offline in one row extend the work session the sweep closed, and it runs again', async () => {
    const r = await setup({ online: true });
    await startWork(r, 't3');
    await r.engine.sync();
    const started = r.clock();
    r.transport.online = false;
    for (let i = 0; i < 120; i++) {
      r.clock.advance(MINUTE);
      await beat(r, 't3');
    }
    expect(r.server.sweep()).toBe(1);
    expect(sessionOf(r.server.state.work_sessions.values(), 't3')).toMatchObject({ ended_at: started, ended_reason: 'stale_timeout' });
    r.replica.pull();
    // The replica shows the stale close; the pending evidence already reopens it in the view.
    expect(sessionOf(r.engine.view.getSnapshot().work_sessions.values(), 't3')).toMatchObject({ ended_at: null, last_heartbeat_at: r.clock() });
    r.transport.online = true;
    await r.engine.sync();
    expect(r.server.batches.flatMap((batch) => batch.intents.filter((intent) => intent.kind === 'work.heartbeat'))).toHaveLength(1);
    expect(sessionOf(r.server.state.work_sessions.values(), 't3')).toMatchObject({ started_at: started, ended_at: null, ended_reason: null, last_heartbeat_at: r.clock() });
    expect(r.server.state.tasks.get('t3')?.status).toBe('in-progress');
    expect(r.engine.inbox.getSnapshot()).toEqual([]);
  });
});

describe('planning a beat', () => {
  const row = (seq: number, kind: JournalRow['kind'], args: unknown, extra: Partial<JournalRow> = {}): JournalRow => ({
    ...pendingRow(`i-${seq}`, kind, args, T0 + seq * MINUTE),
    seq,
    created_at: T0,
    ...extra,
  });
  const never = (): boolean => false;

  test('continues a decided beat’s run without replacing it', () => {
    const previous = row(1, 'work.heartbeat', { task_id: 't1', alive_since: toIso(T0) }, { phase: 'decided', status: 'accepted' });
    expect(planBeat(previous, [], T0 + 2 * MINUTE, DEFAULT_STALE_CUTOFF_MS, never)).toEqual({ aliveSince: toIso(T0), replaces: null });
  });

  test('a row concerns a task by its task_id, a checklist item or work session of the task, or one the view does not know', () => {
    const view = stateFrom({
      checklist_items: [{ id: 'c1', task_id: 't1', title: 'x', status: 1, position: 0, deleted_at: null, created_at: T0, updated_at: T0 }],
    });
    const concerns = concernsTask(view, 't1');
    expect(concerns(row(1, 'task.set_status', { task_id: 't1', status: 'done' }))).toBe(true);
    expect(concerns(row(2, 'work.pause', { task_id: 't2' }))).toBe(false);
    expect(concerns(row(3, 'checklist.set_status', { checklist_item_id: 'c1', status: 3 }))).toBe(true);
    expect(concerns(row(4, 'checklist.set_status', { checklist_item_id: 'gone', status: 3 }))).toBe(true);
    expect(concerns(row(5, 'work.extend', { session_id: 'unknown', until: toIso(T0) }))).toBe(true);
    expect(concerns(row(6, 'booking.start', { booking_id: 'b1' }))).toBe(false);
  });

  test('is refused locally, and journaled not at all, for a task with no work session of mine', async () => {
    const r = await setup({ online: false });
    const result = await r.engine.act('work.heartbeat', { task_id: 't3' });
    expect(result.accepted ? null : result.error.code).toBe('CONFLICT_INVALID_STATE');
    expect(await journalRows(r.dbName)).toEqual([]);
  });
});
