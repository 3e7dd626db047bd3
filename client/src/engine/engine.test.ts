import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { stateFrom } from '@stint/shared';
import { eventually, journalRows, rigsClosedAfterEach } from './testing/fixtures.ts';

const setup = rigsClosedAfterEach();


describe('act', () => {
  test('the journal row is committed before the view changes', async () => {
    const { engine, dbName } = await setup({ online: false });
    const before = engine.view.getSnapshot();
    const seen: { claimed: string | null; rows: number }[] = [];
    const pendingReads: Promise<void>[] = [];
    engine.view.subscribe(() => {
      const claimed = engine.view.getSnapshot().tasks.get('t2')?.claimed_by ?? null;
      // Read the journal from a separate connection at the moment the view changes.
      pendingReads.push(journalRows(dbName).then((rows) => void seen.push({ claimed, rows: rows.length })));
    });
    const result = await engine.act('task.claim', { task_id: 't2' });
    await Promise.all(pendingReads);
    expect(result).toEqual({ id: 'i-00001', accepted: true });
    expect(before.tasks.get('t2')?.claimed_by).toBeNull();
    expect(seen[0]).toEqual({ claimed: 'w1', rows: 1 });
  });

  test('the journaled intent carries kind, parsed args, the device time and a pending status', async () => {
    const { engine, dbName, clock } = await setup({ online: false });
    await engine.act('task.claim', { task_id: 't2' });
    const [row] = await journalRows(dbName);
    expect(row).toMatchObject({ id: 'i-00001', seq: 1, kind: 'task.claim', args: { task_id: 't2' }, occurred_at: clock(), status: 'pending', phase: 'pending', attempts: 0 });
  });

  test('a refusal by the shared rule is returned at once and journaled not at all', async () => {
    const { engine, dbName } = await setup({ online: false });
    const before = engine.view.getSnapshot();
    const result = await engine.act('work.start', { task_id: 't2' });
    expect(result.accepted).toBe(false);
    expect(result.accepted ? null : result.error.code).toBe('CONFLICT_CLAIMED');
    expect(await journalRows(dbName)).toEqual([]);
    expect(engine.view.getSnapshot()).toBe(before);
    expect(engine.status.getSnapshot().pending).toBe(0);
  });

  test('args that fail the kind schema are refused with INVALID_INPUT and not journaled', async () => {
    const { engine, dbName } = await setup({ online: false });
    const result = await engine.act('task.set_status', { task_id: 't2', status: 'finished' as never });
    expect(result.accepted ? null : result.error.code).toBe('INVALID_INPUT');
    expect(result.accepted ? null : result.error.message).toMatch(/status/);
    expect(await journalRows(dbName)).toEqual([]);
  });

  test('acts are checked in order: the second sees the first', async () => {
    const { engine } = await setup({ online: false });
    const [claim, start] = await Promise.all([engine.act('task.claim', { task_id: 't2' }), engine.act('work.start', { task_id: 't2' })]);
    expect(claim.accepted).toBe(true);
    expect(start.accepted).toBe(true);
    const view = engine.view.getSnapshot();
    expect(view.tasks.get('t2')?.status).toBe('in-progress');
    expect([...view.work_sessions.values()].filter((s) => s.task_id === 't2' && s.ended_at === null)).toHaveLength(1);
  });
});

describe('local view', () => {
  test('is the replica state plus pending intents replayed through the rules', async () => {
    const { engine, replica, server } = await setup({ online: false });
    await engine.act('task.claim', { task_id: 't2' });
    await engine.act('work.start', { task_id: 't2' });
    const view = engine.view.getSnapshot();
    expect(view.tasks.get('t2')).toMatchObject({ status: 'in-progress', claimed_by: 'w1' });
    // Session ids are the server's: `<intent id>:<tag>`.
    expect([...view.work_sessions.keys()].every((id) => id.startsWith('i-00002:'))).toBe(true);
    // Someone else's change reaches the replica: the view keeps it and replays on top.
    server.run({ user_id: 's1', role: 'supervisor' }, 'sup-rename', 'task.rename', { task_id: 't2', title: 'Renamed by the supervisor' });
    replica.pull();
    expect(engine.view.getSnapshot().tasks.get('t2')).toMatchObject({ title: 'Renamed by the supervisor', status: 'in-progress' });
  });

  test('returns the same snapshot object until something changes', async () => {
    const { engine } = await setup({ online: false });
    const first = engine.view.getSnapshot();
    expect(engine.view.getSnapshot()).toBe(first);
    await engine.act('task.claim', { task_id: 't2' });
    const second = engine.view.getSnapshot();
    expect(second).not.toBe(first);
    expect(engine.view.getSnapshot()).toBe(second);
    expect(engine.status.getSnapshot()).toBe(engine.status.getSnapshot());
    expect(engine.inbox.getSnapshot()).toBe(engine.inbox.getSnapshot());
  });

  test('a pending intent the rules now refuse on the new replica state is skipped, not shown', async () => {
    const { engine, replica, server } = await setup({ online: false });
    await engine.act('task.claim', { task_id: 't3' });
    expect(engine.view.getSnapshot().tasks.get('t3')?.claimed_by).toBe('w1');
    server.run({ user_id: 'w2', role: 'worker' }, 'w2-claim', 'task.claim', { task_id: 't3' });
    replica.pull();
    expect(engine.view.getSnapshot().tasks.get('t3')?.claimed_by).toBe('w2');
  });

  test('a replica replaced wholesale is picked up', async () => {
    const { engine, replica } = await setup({ online: false });
    replica.set(stateFrom({}), new Set());
    expect(engine.view.getSnapshot().tasks.size).toBe(0);
  });
});

describe('status', () => {
  test('counts pending intents and their oldest device time', async () => {
    const { engine, clock } = await setup({ online: false });
    const first = clock();
    await engine.act('task.claim', { task_id: 't2' });
    clock.advance(60_000);
    await engine.act('work.start', { task_id: 't2' });
    expect(engine.status.getSnapshot()).toMatchObject({ pending: 2, oldestPendingAt: first, online: false, leader: true });
  });

  test('notifies subscribers when it changes', async () => {
    const { engine } = await setup({ online: false });
    let calls = 0;
    engine.status.subscribe(() => {
      calls += 1;
    });
    await engine.act('task.claim', { task_id: 't2' });
    expect(calls).toBeGreaterThan(0);
    expect(engine.status.getSnapshot().pending).toBe(1);
  });
});

describe('reload', () => {
  test('pending intents survive closing the engine and show again in a new one', async () => {
    const r = await setup({ online: false });
    await r.engine.act('task.claim', { task_id: 't2' });
    await r.engine.act('work.start', { task_id: 't2' });
    await r.engine.close();
    r.engine = await r.open();
    expect(r.engine.status.getSnapshot().pending).toBe(2);
    expect(r.engine.view.getSnapshot().tasks.get('t2')?.status).toBe('in-progress');
  });

  test('the device id is kept in the journal when none is given', async () => {
    const r = await setup({ online: false, engine: { deviceId: undefined } as never });
    const id = r.engine.deviceId;
    await r.engine.close();
    r.engine = await r.open();
    expect(r.engine.deviceId).toBe(id);
  });
});

describe('two tabs', () => {
  test('share one journal: an act in one tab shows in the other, and only the leader drains', async () => {
    const r = await setup({ online: false });
    const tab2 = await r.open();
    try {
      expect(r.engine.status.getSnapshot().leader).toBe(true);
      expect(tab2.status.getSnapshot().leader).toBe(false);
      await tab2.act('task.claim', { task_id: 't2' });
      await eventually(() => r.engine.view.getSnapshot().tasks.get('t2')?.claimed_by === 'w1');
      expect(r.engine.status.getSnapshot().pending).toBe(1);
      r.transport.online = true;
      await r.engine.sync();
      expect(r.server.outcomes.get('i-00001')?.status).toBe('accepted');
      await eventually(() => tab2.status.getSnapshot().pending === 0 && tab2.status.getSnapshot().online);
    } finally {
      await tab2.close();
    }
  });

  test('when the leader closes, the other tab takes over the drain', async () => {
    const r = await setup({ online: false });
    const tab2 = await r.open();
    try {
      await tab2.act('task.claim', { task_id: 't2' });
      await r.engine.close();
      await eventually(() => tab2.status.getSnapshot().leader);
      r.transport.online = true;
      await tab2.sync();
      expect(r.server.outcomes.get('i-00001')?.status).toBe('accepted');
    } finally {
      await tab2.close();
    }
  });
});
