/**
 * Issue 5 against the real server: a worker's device A records 200 intents
 * offline while the same worker's device B and a supervisor act online; A
 * reconnects and drains. Every intent ends with exactly one outcome, none is
 * applied twice, and the server's invariants hold.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MINUTE, SECOND } from '@stint/shared';
import type { ChecklistStatus, ReceivedOutcome } from '@stint/shared';
import { openJournal, readAllRows } from '../../client/src/engine/index.ts';
import type { Engine, JournalRow } from '../../client/src/engine/index.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { openDevice, serveApp } from './harness.ts';
import type { Device, HttpServer } from './harness.ts';

const ATOMIC = ['a1', 'a2', 'a3'] as const;
const CHECKLISTS = { k1: ['k1-i1', 'k1-i2', 'k1-i3'], k2: ['k2-i1', 'k2-i2'] } as const;
/** Device A's clock runs 90 s fast; the server corrects it (DESIGN §3). */
const A_SKEW = 90 * SECOND;

let db: TestDatabase;
let t: TestApp;
let http: HttpServer;
let supervisor: Device;
let deviceA: Device;
let deviceB: Device;
let workerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  t = createTestApp(db);
  http = await serveApp(t.app);
  const sup = await t.signIn('supervisor');
  const worker = await t.signIn('worker');
  workerId = worker.user.id;
  const common = { sql: db.sql, baseUrl: () => http.url };
  supervisor = await openDevice({ ...common, user: sup.user, token: sup.token, name: 'desk', clock: t.clock });
  deviceA = await openDevice({ ...common, user: worker.user, token: worker.token, name: 'phone', clock: () => t.clock() + A_SKEW });
  deviceB = await openDevice({ ...common, user: worker.user, token: worker.token, name: 'tablet', clock: t.clock });
});

afterAll(async () => {
  for (const device of [supervisor, deviceA, deviceB]) await device?.engine.close();
  await http?.stop();
  await db?.drop();
});

async function must(engine: Engine, ...[kind, args]: Parameters<Engine['act']>): Promise<void> {
  const result = await engine.act(kind, args);
  if (!result.accepted) throw new Error(`${kind} ${JSON.stringify(args)} refused: ${result.error.message}`);
}

/** A small deterministic PRNG, so the 200 intents are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function journal(dbName: string): Promise<JournalRow[]> {
  const jdb = openJournal(dbName);
  try {
    return await readAllRows(jdb);
  } finally {
    jdb.close();
  }
}

describe('a device offline for an hour, then back', () => {
  test('200 offline intents from device A, with device B and a supervisor acting meanwhile, each get exactly one outcome and the invariants hold', async () => {
    // The supervisor sets up the work online, through its own engine.
    for (const id of [...ATOMIC, 'b1']) await must(supervisor.engine, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
    for (const [taskId, items] of Object.entries(CHECKLISTS)) {
      await must(supervisor.engine, 'task.create', { task_id: taskId, title: `Checklist ${taskId}`, status: 'todo' });
      for (const item of items) await must(supervisor.engine, 'checklist.add', { checklist_item_id: item, task_id: taskId, title: item, status: 1 });
    }
    await supervisor.engine.sync();
    expect(supervisor.engine.status.getSnapshot()).toMatchObject({ pending: 0, online: true });
    await deviceA.replica.refresh();
    await deviceB.replica.refresh();
    await deviceA.engine.sync();
    expect(deviceA.engine.view.getSnapshot().tasks.size).toBe(6);

    // Device A loses the network for good, and its worker keeps working.
    deviceA.transport.offline = true;
    const random = prng(5);
    const tasks = [...ATOMIC, ...Object.keys(CHECKLISTS)];
    const items = Object.values(CHECKLISTS).flat();
    let recorded = 0;
    let refused = 0;
    while (recorded < 200) {
      t.clock.advance(20 * SECOND);
      const pick = random();
      const task = tasks[Math.floor(random() * tasks.length)] ?? 'a1';
      const attempt =
        pick < 0.15 ? await deviceA.engine.act('task.claim', { task_id: task })
        : pick < 0.3 ? await deviceA.engine.act('work.start', { task_id: task })
        : pick < 0.4 ? await deviceA.engine.act('work.pause', { task_id: task })
        : pick < 0.55 ? await deviceA.engine.act('checklist.set_status', { checklist_item_id: items[Math.floor(random() * items.length)] ?? 'k1-i1', status: (1 + Math.floor(random() * 3)) as ChecklistStatus })
        // A pause, not a heartbeat: offline beats coalesce into one journal row per session, and this test counts rows.
        : await deviceA.engine.act('work.pause', { task_id: task });
      if (attempt.accepted) recorded += 1;
      else refused += 1;

      // Meanwhile, online: device B (same worker) and the supervisor.
      if (recorded === 40 && attempt.accepted) {
        await must(deviceB.engine, 'task.claim', { task_id: 'b1' });
        await must(deviceB.engine, 'work.start', { task_id: 'b1' });
        await deviceB.engine.sync();
      }
      if (recorded === 90 && attempt.accepted) {
        await must(supervisor.engine, 'task.rename', { task_id: 'k1', title: 'Checklist k1 (revised)' });
        await must(supervisor.engine, 'checklist.add', { checklist_item_id: 'k2-i3', task_id: 'k2', title: 'k2-i3', status: 1 });
        await must(supervisor.engine, 'task.set_status', { task_id: 'a3', status: 'skipped' });
        await supervisor.engine.sync();
      }
      if (recorded === 150 && attempt.accepted) {
        await deviceB.replica.refresh();
        await must(deviceB.engine, 'work.pause', { task_id: 'b1' });
        // B finishes a task A keeps working on offline: A's later intents on it must be refused, not lost.
        await must(deviceB.engine, 'task.claim', { task_id: 'a2' });
        await must(deviceB.engine, 'task.complete', { task_id: 'a2' });
        await deviceB.engine.sync();
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(deviceA.engine.status.getSnapshot()).toMatchObject({ pending: 200, online: false });
    const offlineFor = t.clock() + A_SKEW - (deviceA.engine.status.getSnapshot().oldestPendingAt ?? 0);
    expect(offlineFor).toBeGreaterThan(60 * MINUTE);

    // Back online.
    deviceA.transport.offline = false;
    await deviceA.engine.sync();
    const rows = await journal(deviceA.dbName);
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((row) => row.id)).size).toBe(200);
    expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
    expect(deviceA.transport.sent.map((batch) => batch.intents.length)).toEqual([100, 100]);

    // Exactly one stored outcome per intent, equal to the one on the device.
    const stored = await db.sql<{ id: string; status: string; code: string | null; effective_at: Date | null; device_id: string; time_source: string | null }[]>`
      SELECT id, status, code, effective_at, device_id, time_source FROM applied_intents WHERE id = ANY(${rows.map((row) => row.id)})`;
    expect(stored).toHaveLength(200);
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of rows) {
      const server = byId.get(row.id);
      expect(server?.device_id).toBe('phone-device');
      expect(server?.status).toBe(row.status);
      expect(server?.code ?? null).toBe(row.code);
      if (row.status !== 'rejected') expect(server?.effective_at?.getTime()).toBe(row.effective_at);
    }
    const rejected = rows.filter((row) => row.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.status !== 'rejected').length).toBeGreaterThan(100);
    // Device time was corrected: the 90 s skew is gone from effective times of offline intents.
    const offlineTimed = stored.filter((row) => row.time_source === 'device' || row.time_source === 'clamped');
    expect(offlineTimed.length).toBeGreaterThan(0);
    expect(deviceA.engine.status.getSnapshot().offsetMs).toBeGreaterThan(A_SKEW * -1.1);
    expect(deviceA.engine.status.getSnapshot().offsetMs).toBeLessThan(A_SKEW * -0.9);

    // Every rejection reached the person, with the server's reason and a hint.
    const inbox = deviceA.engine.inbox.getSnapshot();
    expect(inbox.map((item) => item.id)).toEqual(rejected.map((row) => row.id));
    for (const item of inbox) {
      expect(item.message.length).toBeGreaterThan(0);
      expect(item.hint.length).toBeGreaterThan(0);
    }

    // Resending the whole journal (a reload that lost every answer) changes nothing and answers the same outcomes.
    const before = await snapshotTables();
    const replay = await replayJournal(rows, deviceA);
    expect(replay.map((outcome) => [outcome.id, outcome.status])).toEqual(rows.map((row) => [row.id, row.status]));
    expect(await snapshotTables()).toEqual(before);

    // The server's invariants (I1–I5) hold.
    expect(await checkConsistency(db.sql)).toEqual([]);

    // Every device of the worker, once replicated, shows the server's state: the overlay is empty.
    for (const device of [deviceA, deviceB]) {
      await device.replica.refresh();
      await waitFor(() => device.engine.view.getSnapshot() === device.replica.getState());
      expect(device.engine.status.getSnapshot().pending).toBe(0);
    }
    const counts = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM applied_intents WHERE user_id = ${workerId}`;
    expect(counts[0]?.n).toBe(200 + deviceB.transport.sent.reduce((n, batch) => n + batch.intents.length, 0));
  }, 120_000);
});

async function snapshotTables(): Promise<unknown> {
  const [tasks, sessions, items, totals, applied] = await Promise.all([
    db.sql`SELECT * FROM tasks ORDER BY id`,
    db.sql`SELECT * FROM work_sessions ORDER BY id`,
    db.sql`SELECT * FROM checklist_items ORDER BY id`,
    db.sql`SELECT * FROM user_task_totals ORDER BY user_id, task_id`,
    db.sql`SELECT id, status, effective_at FROM applied_intents ORDER BY id`,
  ]);
  return { tasks, sessions, items, totals, applied };
}

async function replayJournal(rows: readonly JournalRow[], device: Device): Promise<ReceivedOutcome[]> {
  const outcomes: ReceivedOutcome[] = [];
  for (let i = 0; i < rows.length; i += 100) {
    const batch = rows.slice(i, i + 100);
    const response = await device.transport.push({
      device_id: 'phone-device',
      sent_at: new Date(t.clock() + A_SKEW).toISOString(),
      zone: 'Europe/Madrid',
      intents: batch.map((row) => ({ id: row.id, kind: row.kind, args: row.args, occurred_at: new Date(row.occurred_at).toISOString() })),
    });
    outcomes.push(...response.outcomes);
  }
  return outcomes;
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
