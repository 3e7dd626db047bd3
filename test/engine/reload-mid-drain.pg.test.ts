/**
 * A reload in the middle of a drain (DESIGN §4, I9): the page goes away
 * while a batch is in flight — the server commits it, the answer never
 * reaches the journal. The next engine on the same IndexedDB resends those
 * intents; the server answers their stored outcomes and applies nothing
 * twice, and nothing recorded is lost.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECOND } from '@stint/shared';
import { openJournal, readAllRows } from '../../client/src/engine/index.ts';
import type { Engine, JournalRow } from '../../client/src/engine/index.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { openDevice, serveApp } from './harness.ts';
import type { Device, HttpServer } from './harness.ts';

let db: TestDatabase;
let t: TestApp;
let http: HttpServer;
let supervisor: Device;
let phone: Device;

beforeAll(async () => {
  db = await createTestDatabase();
  t = createTestApp(db);
  http = await serveApp(t.app);
  const sup = await t.signIn('supervisor');
  const worker = await t.signIn('worker');
  const common = { sql: db.sql, baseUrl: () => http.url, clock: t.clock };
  supervisor = await openDevice({ ...common, user: sup.user, token: sup.token, name: 'desk' });
  phone = await openDevice({ ...common, user: worker.user, token: worker.token, name: 'phone' });
});

afterAll(async () => {
  for (const device of [supervisor, phone]) await device?.engine.close();
  await http?.stop();
  await db?.drop();
});

async function must(engine: Engine, ...[kind, args]: Parameters<Engine['act']>): Promise<void> {
  const result = await engine.act(kind, args);
  if (!result.accepted) throw new Error(`${kind} refused: ${result.error.message}`);
}

async function journal(dbName: string): Promise<JournalRow[]> {
  const jdb = openJournal(dbName);
  try {
    return await readAllRows(jdb);
  } finally {
    jdb.close();
  }
}

describe('reload during a drain', () => {
  test('closing the engine while a batch is in flight and opening a new one on the same IndexedDB loses nothing and applies nothing twice', async () => {
    for (const id of ['r1', 'r2', 'r3']) await must(supervisor.engine, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
    await supervisor.engine.sync();
    await phone.replica.refresh();

    // 150 intents offline: claim, then start/pause cycles over three tasks (heartbeats would coalesce into one row).
    phone.transport.offline = true;
    for (const id of ['r1', 'r2', 'r3']) await must(phone.engine, 'task.claim', { task_id: id });
    for (let i = 0; phone.engine.status.getSnapshot().pending < 150; i++) {
      t.clock.advance(15 * SECOND);
      const task = ['r1', 'r2', 'r3'][i % 3] ?? 'r1';
      await must(phone.engine, Math.floor(i / 3) % 2 === 0 ? 'work.start' : 'work.pause', { task_id: task });
    }
    const recorded = await journal(phone.dbName);
    expect(recorded).toHaveLength(150);

    // Reconnect; the first batch reaches the server and commits, but its answer is held…
    const release = phone.transport.hold();
    phone.transport.offline = false;
    void phone.engine.sync();
    await waitFor(() => phone.transport.sent.length === 1);
    const [inFlight] = phone.transport.sent;
    expect(inFlight?.intents).toHaveLength(100);
    const committed = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM applied_intents WHERE id = ANY(${recorded.map((row) => row.id)})`;
    expect(committed[0]?.n).toBe(100);

    // …and the page reloads before it arrives.
    await phone.engine.close();
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await journal(phone.dbName)).every((row) => row.status === 'pending')).toBe(true);

    const reloaded = await phone.reopen();
    expect(reloaded.status.getSnapshot().pending).toBe(150);
    await reloaded.sync();

    const rows = await journal(phone.dbName);
    expect(rows.map((row) => row.id)).toEqual(recorded.map((row) => row.id));
    expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
    expect(phone.transport.sent.map((batch) => batch.intents.length)).toEqual([100, 100, 50]);
    // The resent batch is the lost one, answered from the stored outcomes.
    expect(phone.transport.sent[1]?.intents.map((intent) => intent.id)).toEqual(inFlight?.intents.map((intent) => intent.id));

    const stored = await db.sql<{ id: string; status: string; effective_at: Date | null }[]>`
      SELECT id, status, effective_at FROM applied_intents WHERE id = ANY(${rows.map((row) => row.id)})`;
    expect(stored).toHaveLength(150);
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of rows) {
      expect(byId.get(row.id)?.status).toBe(row.status);
      if (row.status !== 'rejected') expect(byId.get(row.id)?.effective_at?.getTime()).toBe(row.effective_at);
    }
    // Each start opened at most one session, named after its intent.
    const sessions = await db.sql<{ intent_id: string; n: number }[]>`
      SELECT split_part(id, ':', 1) AS intent_id, count(*)::int AS n FROM work_sessions GROUP BY 1`;
    const starts = new Set(rows.filter((row) => row.kind === 'work.start' && row.status !== 'rejected').map((row) => row.id));
    expect(sessions.every((session) => session.n === 1 && starts.has(session.intent_id))).toBe(true);
    expect(sessions.length).toBeGreaterThan(0);
    expect(await checkConsistency(db.sql)).toEqual([]);
  }, 60_000);
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
