/**
 * An older client against a newer server (push.ts invariant 4): the server
 * rejects an intent with a code this version has never heard of. The answer
 * must still be read through the real HTTP transport, the rejection stored
 * with its code and message and shown in the inbox with a generic hint, and
 * the drain must go on — never a push that fails and is retried forever.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { stateFrom } from '@stint/shared';
import type { PushRequest, TaskRow } from '@stint/shared';
import { UNKNOWN_REJECTION_HINT, createEngine, httpTransport, openJournal, readAllRows } from '../../client/src/engine/index.ts';
import { MemoryReplica } from '../../client/src/engine/testing/memory-replica.ts';
import { manualTimers } from '../../client/src/engine/testing/manual-timers.ts';

const NOW = Date.parse('2026-11-02T09:00:00.000Z');
const NEW_CODE = 'QUOTA_EXCEEDED';

function task(id: string): TaskRow {
  return { id, title: `Task ${id}`, status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0, created_at: NOW - 60_000, updated_at: NOW - 60_000 };
}

/** A newer server: a claim of t1 is refused with a code of its own, everything else accepted. */
function newerServer(pushes: PushRequest[]) {
  return async (_url: string, init: { body: string }) => {
    const request = JSON.parse(init.body) as PushRequest;
    pushes.push(request);
    const outcomes = request.intents.map((intent) =>
      (intent as { args?: { task_id?: string } }).args?.task_id === 't1'
        ? { id: intent.id, status: 'rejected', code: NEW_CODE, message: 'You have claimed as many tasks as your plan allows', details: { limit: 3 }, hint_url: '/help/quota' }
        : { id: intent.id, status: 'accepted', effective_at: new Date(NOW).toISOString() },
    );
    const body = JSON.stringify({ data: { server_time: new Date(NOW).toISOString(), outcomes, server_version: 99 } });
    return { ok: true, status: 200, text: async () => body };
  };
}

describe('a rejection code from a newer server', () => {
  test('is stored with its message, reaches the inbox with a generic hint, and the drain goes on', async () => {
    const factory = new IDBFactory();
    const deps = { indexedDB: factory, IDBKeyRange };
    const pushes: PushRequest[] = [];
    const replica = new MemoryReplica(null, stateFrom({ tasks: [task('t1'), task('t2')] }));
    const engine = await createEngine({
      ...deps,
      dbName: 'newer-server',
      user: { id: 'w1', role: 'worker' },
      deviceId: 'old-phone',
      zone: 'UTC',
      transport: httpTransport({ baseUrl: 'http://newer.test', token: 't', fetch: newerServer(pushes) }),
      replica,
      clock: () => NOW,
      timers: manualTimers(),
    });
    try {
      const claim = await engine.act('task.claim', { task_id: 't1' });
      const other = await engine.act('task.claim', { task_id: 't2' });
      expect([claim.accepted, other.accepted]).toEqual([true, true]);
      await engine.sync();

      expect(engine.status.getSnapshot()).toMatchObject({ pending: 0, online: true, lastError: null });
      const rows = await withJournal(deps, (db) => readAllRows(db));
      expect(rows.map((row) => [row.kind, row.status, row.code])).toEqual([
        ['task.claim', 'rejected', NEW_CODE],
        ['task.claim', 'accepted', null],
      ]);
      const [item] = engine.inbox.getSnapshot();
      expect(engine.inbox.getSnapshot()).toHaveLength(1);
      expect(item).toMatchObject({
        id: claim.id,
        code: NEW_CODE,
        message: 'You have claimed as many tasks as your plan allows',
        hint: UNKNOWN_REJECTION_HINT,
        details: { limit: 3 },
      });
      // The refused claim left the view; the accepted one stays until the replica shows it.
      expect(engine.view.getSnapshot().tasks.get('t1')?.claimed_by).toBeNull();
      expect(engine.view.getSnapshot().tasks.get('t2')?.claimed_by).toBe('w1');

      // Later intents still drain: the unknown code did not poison the journal.
      expect((await engine.act('work.start', { task_id: 't2' })).accepted).toBe(true);
      await engine.sync();
      expect(engine.status.getSnapshot()).toMatchObject({ pending: 0, lastError: null });
      expect(pushes.filter((push) => push.intents.length > 0).map((push) => push.intents.length)).toEqual([2, 1]);
    } finally {
      await engine.close();
    }
  });
});

async function withJournal<T>(deps: Parameters<typeof openJournal>[1], read: (db: ReturnType<typeof openJournal>) => Promise<T>): Promise<T> {
  const db = openJournal('newer-server', deps);
  try {
    return await read(db);
  } finally {
    db.close();
  }
}
