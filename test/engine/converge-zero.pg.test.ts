/**
 * Issue 5 end to end on the REAL read path: the server on loopback, its
 * Postgres, a real zero-cache (its own app id), and three engines whose
 * replica is a `ZeroReplica` — device A and device B of one worker (each
 * its own fake-indexeddb and Zero client) and a supervisor's desk.
 *
 * A loses the network (pushes fail, its Zero link is cut) and records 200
 * intents while B and the supervisor keep working; A comes back. Every
 * intent gets exactly one outcome, nothing applies twice, the invariants
 * hold, every view and replica converges to what the server says each may
 * see, and A's view never shows less than it knows on the way there. Then a
 * reload in the middle of a drain, with the replica showing the lost batch
 * before its answer reaches the journal.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECOND } from '@stint/shared';
import type { ChecklistStatus, IntentKind, State } from '@stint/shared';
import type { Engine, JournalRow } from '../../client/src/engine/index.ts';
import { useNodeWebSocket } from '../../client/src/replica/node-websocket.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { startTestZeroCache } from '../../server/src/zero/testing.ts';
import type { TestZeroCache } from '../../server/src/zero/testing.ts';
import { serveApp } from './harness.ts';
import type { HttpServer } from './harness.ts';
import { converged, facts, openZeroDevice, serverState, serverView, tableDiff, waitFor } from './zero-harness.ts';
import type { ZeroDevice } from './zero-harness.ts';

useNodeWebSocket();

const ATOMIC = ['a1', 'a2', 'a3', 'b1'] as const;
const CHECKLISTS = { k1: ['k1-i1', 'k1-i2', 'k1-i3'], k2: ['k2-i1', 'k2-i2'] } as const;
const STEPS = ['st1', 'st2', 'st3'] as const;
/** Device A's clock runs 90 s fast; the server corrects it (DESIGN §3). */
const A_SKEW = 90 * SECOND;
const OFFLINE_INTENTS = 200;

let db: TestDatabase;
let t: TestApp;
let http: HttpServer;
let cache: TestZeroCache;
let supervisor: ZeroDevice;
let deviceA: ZeroDevice;
let deviceB: ZeroDevice;
const devices: ZeroDevice[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  t = createTestApp(db, { env: { LOG_LEVEL: 'warn' } });
  http = await serveApp(t.app);
  cache = await startTestZeroCache(db, http.url);
  const sup = await t.signIn('supervisor');
  const worker = await t.signIn('worker');
  const common = { appUrl: () => http.url, cacheUrl: cache.url };
  supervisor = await openZeroDevice({ ...common, name: 'desk', user: sup.user, token: sup.token, clock: t.clock });
  devices.push(supervisor);
  // Small batches: ten round trips, so the drain has many intermediate states to look at.
  deviceA = await openZeroDevice({ ...common, name: 'phone', user: worker.user, token: worker.token, clock: () => t.clock() + A_SKEW, engine: { batchSize: 20 } });
  devices.push(deviceA);
  deviceB = await openZeroDevice({ ...common, name: 'tablet', user: worker.user, token: worker.token, clock: t.clock });
  devices.push(deviceB);
}, 180_000);

afterAll(async () => {
  for (const device of devices) await device.close().catch(() => undefined);
  await cache?.stop();
  await http?.stop();
  await db?.drop();
}, 60_000);

async function must(engine: Engine, ...[kind, args]: Parameters<Engine['act']>): Promise<void> {
  const result = await engine.act(kind, args);
  if (!result.accepted) throw new Error(`${kind} ${JSON.stringify(args)} refused: ${result.error.message}`);
}

/** Drains the device and waits until its view is its replica and the replica is the server's (for what it may see). */
async function settle(device: ZeroDevice): Promise<void> {
  await device.engine.sync();
  let last: string[] = [];
  await waitFor(async () => (last = await converged(device, db.sql)).length === 0, `${device.name} converged (${last.slice(0, 3).join('; ')})`, 30_000);
  // Settling is the engine's own step after the replica shows an intent: a loaded machine can see the views agree first.
  await waitFor(async () => (await device.journal()).every((row) => row.status === 'rejected' || row.phase === 'settled'), `${device.name}'s accepted intents settled`, 30_000);
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

interface Sample {
  readonly view: State;
  /** The view had an overlay (pending or accepted intents the replica did not show yet). */
  readonly overlay: boolean;
  /** How many of the offline intents the replica showed. */
  readonly shown: number;
}

describe('three devices on the real read path', () => {
  test('200 intents recorded offline on device A while device B and a supervisor act: one outcome each, nothing twice, every view converges through Zero, and A never flickers', async () => {
    // The supervisor sets up the work online, through its own engine.
    for (const id of [...ATOMIC]) await must(supervisor.engine, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
    for (const [taskId, items] of Object.entries(CHECKLISTS)) {
      await must(supervisor.engine, 'task.create', { task_id: taskId, title: `Checklist ${taskId}`, status: 'todo' });
      for (const item of items) await must(supervisor.engine, 'checklist.add', { checklist_item_id: item, task_id: taskId, title: item, status: 1 });
    }
    await must(supervisor.engine, 'sop.create', {
      sop_id: 's1',
      title: 'Lockout',
      tasks: [{ id: 's1-t1', title: 'Isolate', steps: STEPS.map((id) => ({ id, title: `Step ${id}`, requires_check: true })) }],
    });
    await must(supervisor.engine, 'sop.confirm', { sop_id: 's1' });
    for (const device of [supervisor, deviceA, deviceB]) await settle(device);
    expect(deviceA.engine.view.getSnapshot().tasks.size).toBe(6);

    // Device A loses the network for good, and its worker keeps working.
    deviceA.setOnline(false);
    const random = prng(7);
    const tasks = [...ATOMIC, ...Object.keys(CHECKLISTS)];
    const items = Object.values(CHECKLISTS).flat();
    const recordedIds: string[] = [];
    const tried = new Map<string, number>();
    let refused = 0;
    let runs = 0;
    const offlineAct = async (): Promise<void> => {
      const pick = random();
      const task = tasks[Math.floor(random() * tasks.length)] ?? 'a1';
      const view = deviceA.engine.view.getSnapshot();
      const active = [...view.procedure_runs.values()].find((run) => run.worker_id === deviceA.user.user_id && run.status !== 'completed');
      let kind: IntentKind;
      let attempt;
      if (pick < 0.12) attempt = await deviceA.engine.act((kind = 'task.claim'), { task_id: task });
      else if (pick < 0.25) attempt = await deviceA.engine.act((kind = 'work.start'), { task_id: task });
      else if (pick < 0.35) attempt = await deviceA.engine.act((kind = 'work.pause'), { task_id: task });
      else if (pick < 0.38) attempt = await deviceA.engine.act((kind = 'task.release'), { task_id: task });
      else if (pick < 0.52) {
        const item = items[Math.floor(random() * items.length)] ?? 'k1-i1';
        attempt = await deviceA.engine.act((kind = 'checklist.set_status'), { checklist_item_id: item, status: (1 + Math.floor(random() * 3)) as ChecklistStatus });
      } else if (pick < 0.68) {
        if (active === undefined) attempt = await deviceA.engine.act((kind = 'run.start'), { session_id: `run-a-${(runs += 1)}`, sop_id: 's1' });
        else if (active.status === 'paused') attempt = await deviceA.engine.act((kind = 'run.resume'), { session_id: active.id });
        else if (random() < 0.15) attempt = await deviceA.engine.act((kind = 'run.pause'), { session_id: active.id });
        else {
          const result = random() < 0.2 ? 'failed' : 'passed';
          attempt = await deviceA.engine.act((kind = 'run.check'), { session_id: active.id, step_id: active.current_step_id ?? 'st1', result });
        }
      } else attempt = await deviceA.engine.act((kind = 'work.pause'), { task_id: task });
      tried.set(kind, (tried.get(kind) ?? 0) + 1);
      if (attempt.accepted) recordedIds.push(attempt.id);
      else refused += 1;
    };

    const online = { b: 0, supervisor: 0 };
    let completedA2At = Number.POSITIVE_INFINITY;
    while (recordedIds.length < OFFLINE_INTENTS) {
      t.clock.advance(20 * SECOND);
      const before = recordedIds.length;
      await offlineAct();
      if (recordedIds.length === before) continue;
      // Meanwhile, online: device B (the same worker) and the supervisor.
      switch (recordedIds.length) {
        case 40:
          await must(deviceB.engine, 'task.claim', { task_id: 'b1' });
          await must(deviceB.engine, 'work.start', { task_id: 'b1' });
          await settle(deviceB);
          online.b += 2;
          break;
        case 70:
          // B runs the procedure while A, offline, thinks it may start its own (I7: one active run per worker).
          await must(deviceB.engine, 'run.start', { session_id: 'run-b-1', sop_id: 's1' });
          await must(deviceB.engine, 'run.check', { session_id: 'run-b-1', step_id: 'st1', result: 'passed' });
          await settle(deviceB);
          online.b += 2;
          break;
        case 90:
          await must(supervisor.engine, 'task.rename', { task_id: 'k1', title: 'Checklist k1 (revised)' });
          await must(supervisor.engine, 'checklist.add', { checklist_item_id: 'k2-i3', task_id: 'k2', title: 'k2-i3', status: 1 });
          await must(supervisor.engine, 'task.set_status', { task_id: 'a3', status: 'skipped' });
          await settle(supervisor);
          online.supervisor += 3;
          break;
        case 120:
          await must(deviceB.engine, 'run.check', { session_id: 'run-b-1', step_id: 'st2', result: 'passed' });
          await must(deviceB.engine, 'run.check', { session_id: 'run-b-1', step_id: 'st3', result: 'passed' });
          await settle(deviceB);
          online.b += 2;
          break;
        case 150:
          // B finishes a task A keeps working on offline: A's later intents on it must be refused, not lost.
          await must(deviceB.engine, 'work.pause', { task_id: 'b1' });
          await must(deviceB.engine, 'task.claim', { task_id: 'a2' });
          await must(deviceB.engine, 'task.complete', { task_id: 'a2' });
          completedA2At = t.clock();
          await settle(deviceB);
          online.b += 3;
          break;
        case 180:
          await must(supervisor.engine, 'task.create', { task_id: 'n1', title: 'New in the pool', status: 'todo' });
          await must(supervisor.engine, 'checklist.set_status', { checklist_item_id: 'k1-i2', status: 3 });
          await settle(supervisor);
          online.supervisor += 2;
          break;
        default:
          break;
      }
    }
    for (const device of [deviceB, supervisor]) await settle(device);
    expect(refused).toBeGreaterThan(0);
    expect(new Set(tried.keys())).toEqual(new Set(['task.claim', 'work.start', 'work.pause', 'task.release', 'checklist.set_status', 'run.start', 'run.check', 'run.pause', 'run.resume']));
    expect(deviceA.engine.status.getSnapshot()).toMatchObject({ pending: OFFLINE_INTENTS, online: false });
    // The link was really down: A's replica never heard of the supervisor's new task.
    expect(deviceA.replica.getState().tasks.has('n1')).toBe(false);

    // A comes back: its Zero link first, so its replica catches up with what the others did…
    deviceA.link.isOnline = true;
    let behind: string[] = [];
    await waitFor(
      async () => (behind = tableDiff(deviceA.replica.getState(), serverView(await serverState(db.sql), deviceA.user))).length === 0,
      `A's replica caught up (${behind.slice(0, 3).join('; ')})`,
      30_000,
    );

    // …then its pushes. From here on, every view A shows is sampled.
    const samples: Sample[] = [];
    const sample = (): void => {
      const view = deviceA.engine.view.getSnapshot();
      const applied = deviceA.replica.appliedIntentIds();
      samples.push({ view, overlay: view !== deviceA.replica.getState(), shown: recordedIds.filter((id) => applied.has(id)).length });
    };
    sample();
    const unsubscribe = deviceA.engine.view.subscribe(sample);
    deviceA.transport.offline = false;
    try {
      await settle(deviceA);
    } finally {
      unsubscribe();
    }

    // Exactly one outcome per intent: in A's journal, in applied_intents, and through Zero in A's replica — all the same.
    const rows = await deviceA.journal();
    expect(rows.map((row) => row.id)).toEqual(recordedIds);
    expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
    expect(deviceA.transport.sent.map((batch) => batch.intents.length)).toEqual(Array.from({ length: OFFLINE_INTENTS / 20 }, () => 20));
    const stored = await db.sql<{ id: string; status: string; code: string | null; effective_at: Date | null; device_id: string }[]>`
      SELECT id, status, code, effective_at, device_id FROM applied_intents WHERE id = ANY(${recordedIds})`;
    expect(stored).toHaveLength(OFFLINE_INTENTS);
    const byId = new Map(stored.map((row) => [row.id, row]));
    const synced = deviceA.replica.appliedIntents();
    for (const row of rows) {
      const server = byId.get(row.id);
      expect(server, row.id).toMatchObject({ device_id: 'phone-device', status: row.status, code: row.code });
      expect(synced.get(row.id), row.id).toMatchObject({ status: row.status, code: row.code });
      if (row.status !== 'rejected') {
        expect(server?.effective_at?.getTime()).toBe(row.effective_at);
        expect(synced.get(row.id)?.effective_at).toBe(row.effective_at);
      }
      // Accepted ones left the overlay for good once Zero showed them; rejected ones wait in the inbox.
      expect(row.phase, row.id).toBe(row.status === 'rejected' ? 'decided' : 'settled');
    }
    const rejected = rows.filter((row) => row.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rows.length - rejected.length).toBeGreaterThan(OFFLINE_INTENTS / 3);
    // B completed a2 while A was offline: A's later starts on it are refused, not lost.
    const startsOnA2 = rows.filter((row) => row.kind === 'work.start' && (row.args as { task_id: string }).task_id === 'a2' && row.occurred_at - A_SKEW > completedA2At);
    expect(startsOnA2.every((row) => row.status === 'rejected')).toBe(true);
    expect(deviceA.engine.inbox.getSnapshot().map((item) => item.id)).toEqual(rejected.map((row) => row.id));

    // Nothing applied twice: every row an intent created carries its id, once.
    await expectCreatedOnce(['work_sessions', 'safety_checks'], [...rows, ...(await deviceB.journal()), ...(await supervisor.journal())], true);
    const total = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM applied_intents WHERE user_id = ${deviceA.user.user_id}`;
    expect(total[0]?.n).toBe(OFFLINE_INTENTS + online.b);
    expect(await checkConsistency(db.sql)).toEqual([]);

    // All three converged: view = replica = the server's rows for what each may see, table by table, no overlay.
    for (const device of [deviceA, deviceB, supervisor]) {
      expect(await converged(device, db.sql), device.name).toEqual([]);
      const journal = await device.journal();
      expect(journal.filter((row) => row.phase !== 'settled' && row.status !== 'rejected'), device.name).toEqual([]);
    }
    expect(supervisor.replica.getState().tasks.size).toBe(7);

    // No flicker: every view A showed from reconnect to convergence agrees with the final state on every fact —
    // so an accepted intent's effect (a started task in progress, a ticked item, a passed step) never vanished
    // before the next intent that changed it. Samples cover the overlay being drained batch by batch.
    const final = serverView(await serverState(db.sql), deviceA.user);
    const flickers = samples.flatMap((s, i) => tableDiff(s.view, final, facts).map((d) => `sample ${i} (overlay ${s.overlay}, shown ${s.shown}): ${d}`));
    expect(flickers.slice(0, 10)).toEqual([]);
    expect(samples.length).toBeGreaterThan(OFFLINE_INTENTS / 20);
    expect(samples.some((s) => s.overlay && s.shown > 0 && s.shown < OFFLINE_INTENTS)).toBe(true);
    expect(samples.at(-1)?.overlay).toBe(false);
  }, 240_000);

  test('a reload in the middle of a drain, with the replica showing the lost batch before its answer: nothing lost, nothing twice, no flicker', async () => {
    const worker = await t.signIn('worker');
    const phone = await openZeroDevice({ appUrl: () => http.url, cacheUrl: cache.url, name: 'phone2', user: worker.user, token: worker.token, clock: t.clock, engine: { batchSize: 50 } });
    devices.push(phone);
    for (const id of ['r1', 'r2', 'r3']) await must(supervisor.engine, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
    await settle(supervisor);
    await settle(phone);

    phone.setOnline(false);
    for (const id of ['r1', 'r2', 'r3']) await must(phone.engine, 'task.claim', { task_id: id });
    for (let i = 0; phone.engine.status.getSnapshot().pending < 120; i++) {
      t.clock.advance(15 * SECOND);
      const task = ['r1', 'r2', 'r3'][i % 3] ?? 'r1';
      // Start and pause in turn: heartbeats would coalesce into one journal row per session.
      await must(phone.engine, Math.floor(i / 3) % 2 === 0 ? 'work.start' : 'work.pause', { task_id: task });
    }
    const recorded = await phone.journal();
    expect(recorded).toHaveLength(120);
    phone.link.isOnline = true;
    await waitFor(async () => tableDiff(phone.replica.getState(), serverView(await serverState(db.sql), phone.user)).length === 0, 'phone2 replica caught up', 30_000);

    // The first batch reaches the server and commits; its answer is held, and Zero shows the batch first…
    const release = phone.transport.hold();
    phone.transport.offline = false;
    void phone.engine.sync();
    await waitFor(() => phone.transport.sent.length === 1, 'first batch sent');
    const inFlight = phone.transport.sent[0]?.intents.map((intent) => intent.id) ?? [];
    expect(inFlight).toHaveLength(50);
    await waitFor(() => inFlight.every((id) => phone.replica.appliedIntentIds().has(id)), 'the replica shows the in-flight batch');

    // …and the page reloads before the answer arrives.
    await phone.engine.close();
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await phone.journal()).every((row) => row.status === 'pending')).toBe(true);

    const views: State[] = [];
    const reloaded = await phone.reopen();
    views.push(reloaded.view.getSnapshot());
    const unsubscribe = reloaded.view.subscribe(() => views.push(reloaded.view.getSnapshot()));
    expect(reloaded.status.getSnapshot().pending).toBe(120);
    try {
      await settle(phone);
    } finally {
      unsubscribe();
    }

    const rows = await phone.journal();
    expect(rows.map((row) => row.id)).toEqual(recorded.map((row) => row.id));
    expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
    expect(phone.transport.sent.map((batch) => batch.intents.length)).toEqual([50, 50, 50, 20]);
    expect(phone.transport.sent[1]?.intents.map((intent) => intent.id)).toEqual(inFlight);
    const stored = await db.sql<{ id: string; status: string; effective_at: Date | null }[]>`
      SELECT id, status, effective_at FROM applied_intents WHERE id = ANY(${rows.map((row) => row.id)})`;
    expect(stored).toHaveLength(120);
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of rows) {
      expect(byId.get(row.id)?.status).toBe(row.status);
      if (row.status !== 'rejected') expect(byId.get(row.id)?.effective_at?.getTime()).toBe(row.effective_at);
    }
    await expectCreatedOnce(['work_sessions'], rows, false);
    expect(await checkConsistency(db.sql)).toEqual([]);

    // The reloaded view, from its first snapshot on, never showed less than the final state.
    const final = serverView(await serverState(db.sql), phone.user);
    expect(views.flatMap((view, i) => tableDiff(view, final, facts).map((d) => `view ${i}: ${d}`)).slice(0, 10)).toEqual([]);
    expect(views.length).toBeGreaterThan(2);
  }, 120_000);
});

/**
 * Rows an intent creates are named `<intent id>:<tag>` (replay.ts invariant
 * 2): for every intent of `journal`, at most one row per table, and only if
 * the server accepted it. `everything`: every such row in the table must
 * come from an intent of `journal`.
 */
async function expectCreatedOnce(tables: readonly ('work_sessions' | 'safety_checks')[], journal: readonly JournalRow[], everything: boolean): Promise<void> {
  const ids = new Set(journal.map((row) => row.id));
  const accepted = new Set(journal.filter((row) => row.status === 'accepted' || row.status === 'accepted_with_adjustment').map((row) => row.id));
  for (const table of tables) {
    const created = await db.sql<{ intent_id: string; n: number }[]>`
      SELECT split_part(id, ':', 1) AS intent_id, count(*)::int AS n FROM ${db.sql(table)} WHERE id LIKE '%:%' GROUP BY 1`;
    const mine = created.filter((row) => everything || ids.has(row.intent_id));
    expect(mine.length, table).toBeGreaterThan(0);
    expect(mine.filter((row) => row.n !== 1 || !accepted.has(row.intent_id)), table).toEqual([]);
  }
}
