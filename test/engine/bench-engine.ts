/**
 * Client engine measurements (issue 5, "Measure"): a script, not a test.
 *
 *   node test/engine/bench-engine.ts        (Node 22: .tools/node_modules/.bin first on PATH)
 *
 *  (a) act → local view updated, p50/p99, interleaved with one raw
 *      IndexedDB put (fake-indexeddb, its own readwrite transaction) in the
 *      same run, so the ratio survives a noisy machine;
 *  (b) the cost of a full view recompute (a replica change) with N pending;
 *  (c) 2,000 intents queued offline, from reconnect to all confirmed (every
 *      outcome stored on the device) against the real server on loopback,
 *      and to the replica showing them all — the Zero replica behind a real
 *      zero-cache when `npm run bench` passes one, else the database-reading
 *      stand-in.
 *
 * `npm run bench` (test/bench/run.ts) imports (a) and (c) and prints them
 * with the server's figures; run this file alone for (b) as well.
 */
import 'fake-indexeddb/auto';
import { pathToFileURL } from 'node:url';
import type { Actor } from '@stint/shared';
import { createEngine } from '../../client/src/engine/index.ts';
import type { Engine } from '../../client/src/engine/index.ts';
import { MemoryReplica } from '../../client/src/engine/testing/memory-replica.ts';
import { MemoryServer } from '../../client/src/engine/testing/memory-server.ts';
import { manualTimers } from '../../client/src/engine/testing/manual-timers.ts';
import { startHarness } from '../bench/harness.ts';
import type { Harness } from '../bench/harness.ts';
import { elapsedMs, now, round, summarise } from '../bench/stats.ts';
import type { LatencySummary } from '../bench/stats.ts';
import { openDevice } from './harness.ts';
import type { Device } from './harness.ts';
import { openZeroDevice } from './zero-harness.ts';
import type { ZeroDevice } from './zero-harness.ts';

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 1_000);
const QUEUED = Number(process.env['BENCH_QUEUED'] ?? 2_000);
const WORKER: Actor = { user_id: 'w1', role: 'worker' };

async function main(): Promise<void> {
  const view = await viewLatency();
  const recompute = await recomputeCost();
  const drain = await drainAgainstServer();
  const results = { node: process.version, view, recompute, drain };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

export interface ViewLatency {
  readonly what: string;
  readonly act: LatencySummary;
  readonly raw_put: LatencySummary;
  readonly ratio_p50: number;
  readonly ratio_p99: number;
}

/** (a) act → view notification, interleaved with raw fake-indexeddb puts. */
export async function viewLatency(): Promise<ViewLatency> {
  const server = new MemoryServer();
  for (let i = 0; i < 50; i++) server.run({ user_id: 's1', role: 'supervisor' }, `seed-${i}`, 'task.create', { task_id: `t${i}`, title: `Task ${i}`, status: 'todo' });
  const replica = new MemoryReplica(server);
  replica.pull();
  const transport = server.transport(WORKER);
  transport.online = false;
  const engine = await createEngine({
    dbName: `bench-view-${Date.now()}`,
    user: { id: WORKER.user_id, role: WORKER.role },
    deviceId: 'bench',
    zone: 'UTC',
    transport,
    replica,
    clock: steppingClock(),
    timers: manualTimers(),
  });
  const raw = await openRawStore();
  const notified: bigint[] = [];
  engine.view.subscribe(() => {
    notified.push(process.hrtime.bigint());
  });
  await mustAct(engine, 'task.claim', { task_id: 't0' });
  await mustAct(engine, 'work.start', { task_id: 't0' });
  const actMs: number[] = [];
  const putMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const p = now();
    // Pause and start in turn: each is a row of its own (heartbeats would coalesce into one).
    const kind = i % 2 === 0 ? 'work.pause' : 'work.start';
    await raw.put({ id: `row-${i}`, kind, args: { task_id: 't0' }, occurred_at: Date.now(), status: 'pending' });
    putMs.push(elapsedMs(p));
    const seen = notified.length;
    const a = now();
    await mustAct(engine, kind, { task_id: 't0' });
    const notifiedAt = notified[seen];
    if (notifiedAt === undefined) throw new Error('the view did not change');
    actMs.push(Number(notifiedAt - a) / 1e6);
  }
  await engine.close();
  raw.close();
  const act = summarise(actMs);
  const put = summarise(putMs);
  return {
    what: `act(work.pause | work.start in turn) → view subscriber notified (schema + rule check, one Dexie transaction, view update), ${SAMPLES} samples with 2…${SAMPLES + 2} pending, interleaved with one raw fake-indexeddb put in its own readwrite transaction`,
    act,
    raw_put: put,
    ratio_p50: round(act.p50_ms / put.p50_ms, 2),
    ratio_p99: round(act.p99_ms / put.p99_ms, 2),
  };
}

/** (b) A replica change with N pending intents: the whole overlay replays. */
export async function recomputeCost(): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const pending of [100, 1_000, QUEUED]) {
    const server = new MemoryServer();
    for (let i = 0; i < 50; i++) server.run({ user_id: 's1', role: 'supervisor' }, `seed-${i}`, 'task.create', { task_id: `t${i}`, title: `Task ${i}`, status: 'todo' });
    const replica = new MemoryReplica(server);
    replica.pull();
    const transport = server.transport(WORKER);
    transport.online = false;
    const engine = await createEngine({
      dbName: `bench-recompute-${pending}-${Date.now()}`,
      user: { id: WORKER.user_id, role: WORKER.role },
      deviceId: 'bench',
      zone: 'UTC',
      transport,
      replica,
      clock: steppingClock(),
      timers: manualTimers(),
    });
    await queueWork(engine, pending, 20);
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const state = { ...replica.getState() };
      const start = now();
      replica.set(state, replica.appliedIntentIds());
      engine.view.getSnapshot();
      samples.push(elapsedMs(start));
    }
    await engine.close();
    out[`pending_${pending}`] = summarise(samples);
  }
  return { what: 'replica change → view recomputed (replica state + every pending intent replayed)', ...out };
}

export interface QueuedDrain {
  readonly what: string;
  readonly replica: 'zero' | 'database';
  readonly record: { readonly total_ms: number; readonly act: LatencySummary };
  /** Until the last outcome is stored on the device (status.pending = 0). */
  readonly reconnect_to_all_confirmed_ms: number;
  /** Until `sync()` resolves: the pass also settles shown intents and prunes the journal. */
  readonly reconnect_to_sync_resolved_ms: number;
  readonly intents_per_s: number;
  /** May come before "all confirmed": Zero can show the last batch before its answer is stored. */
  readonly reconnect_to_replica_shows_all_ms: number;
  readonly outcomes: Readonly<Record<string, number>>;
}

/**
 * (c) QUEUED intents offline, then reconnect against the real server. With
 * `cacheUrl` (a zero-cache on the harness's database), the phone's replica is
 * a ZeroReplica and "shows all" is Zero replicating every outcome; the phone's
 * Zero stays connected throughout (only its pushes are offline), so the
 * figure is the drain plus replication, not Zero's reconnect.
 */
export async function drainAgainstServer(given?: Harness, cacheUrl?: string): Promise<QueuedDrain> {
  const h = given ?? (await startHarness());
  const opened: { close(): Promise<void> }[] = [];
  try {
    const common = { sql: h.sql, baseUrl: () => h.baseUrl, clock: Date.now };
    const sup = await openDevice({ ...common, user: { id: h.supervisor.id, role: 'supervisor' }, token: h.supervisor.token, name: 'desk' });
    opened.push(sup.engine);
    const tasks = 40;
    const prefix = `q${Date.now().toString(36)}-`;
    for (let i = 0; i < tasks; i++) await mustAct(sup.engine, 'task.create', { task_id: `${prefix}${i}`, title: `Task ${i}`, status: 'todo' });
    await sup.engine.sync();
    const worker = { user: { id: h.worker.id, role: 'worker' as const }, token: h.worker.token, name: `phone-${prefix}` };
    const phone: Device | ZeroDevice =
      cacheUrl === undefined
        ? await openDevice({ ...common, ...worker, clock: steppingClock() })
        : await openZeroDevice({ ...worker, appUrl: () => h.baseUrl, cacheUrl, clock: steppingClock() });
    opened.push('zero' in phone ? phone : phone.engine);
    if ('zero' in phone) await waitForView(phone.engine, () => phone.engine.view.getSnapshot().tasks.has(`${prefix}${tasks - 1}`));
    else await phone.replica.refresh();
    phone.transport.offline = true;
    const recording = now();
    const actMs = await queueWork(phone.engine, QUEUED, tasks, prefix);
    const recordMs = elapsedMs(recording);
    if (phone.engine.status.getSnapshot().pending !== QUEUED) throw new Error('not everything was queued');

    phone.transport.offline = false;
    const start = now();
    // Watching starts before the drain: the last outcome is stored, and Zero may show everything, before sync() resolves.
    const confirmed = untilPending(phone.engine, 0);
    const replicaShowsAll = showsAll(phone);
    await phone.engine.sync();
    const syncMs = elapsedMs(start);
    const status = phone.engine.status.getSnapshot();
    if (status.pending !== 0) throw new Error(`still pending: ${status.pending}`);
    const confirmedMs = Number((await confirmed) - start) / 1e6;
    const replicatedMs = Number((await replicaShowsAll()) - start) / 1e6;
    const counts = await h.sql<{ status: string; n: number }[]>`
      SELECT status, count(*)::int AS n FROM applied_intents WHERE device_id = ${phone.engine.deviceId} GROUP BY status ORDER BY status`;
    return {
      what: `${QUEUED} intents (claim + start on ${tasks} tasks, then pauses and starts) queued offline; reconnect → sync() until every outcome is stored on the device (pending 0), in batches of 100 over HTTP on loopback`,
      replica: 'zero' in phone ? 'zero' : 'database',
      record: { total_ms: round(recordMs, 1), act: summarise(actMs) },
      reconnect_to_all_confirmed_ms: round(confirmedMs, 1),
      reconnect_to_sync_resolved_ms: round(syncMs, 1),
      intents_per_s: Math.round(QUEUED / (confirmedMs / 1000)),
      reconnect_to_replica_shows_all_ms: round(replicatedMs, 1),
      outcomes: Object.fromEntries(counts.map((row) => [row.status, row.n])),
    };
  } finally {
    for (const item of opened.reverse()) await item.close().catch(() => undefined);
    if (given === undefined) await h.stop();
  }
}

/** The hrtime at which the engine's pending count first reaches `count`. */
function untilPending(engine: Engine, count: number): Promise<bigint> {
  return new Promise((resolve) => {
    const off = engine.status.subscribe(() => {
      if (engine.status.getSnapshot().pending !== count) return;
      off();
      resolve(now());
    });
  });
}

/** When the device's view is its replica with nothing pending (hrtime). The stand-in replica is refreshed once, after the drain. */
function showsAll(phone: Device | ZeroDevice): () => Promise<bigint> {
  const done = (): boolean => phone.engine.status.getSnapshot().pending === 0 && phone.engine.view.getSnapshot() === phone.replica.getState();
  if ('zero' in phone) {
    const shown = waitForView(phone.engine, done);
    return () => shown;
  }
  const replica = phone.replica;
  return async () => {
    await replica.refresh();
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
    return now();
  };
}

/** Resolves with the hrtime at which `ready()` holds, checked now and after every view change (as a UI would render). */
function waitForView(engine: Engine, ready: () => boolean, timeoutMs = 120_000): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the view did not get there within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (): void => {
      if (!ready()) return;
      const at = now();
      clearTimeout(timer);
      off();
      resolve(at);
    };
    const off = engine.view.subscribe(check);
    check();
  });
}

/**
 * The real clock, made strictly increasing: several heartbeats within one
 * millisecond would otherwise be no-ops that change no view.
 */
function steppingClock(): () => number {
  let t = 0;
  return () => {
    t = Math.max(t + 1, Date.now());
    return t;
  };
}

/** Claims and starts `tasks` tasks, then pauses and restarts them round-robin until `count` intents are queued; act latencies in ms. */
async function queueWork(engine: Engine, count: number, tasks: number, prefix = 't'): Promise<number[]> {
  const samples: number[] = [];
  const timed = async (...args: Parameters<Engine['act']>): Promise<void> => {
    const start = now();
    await mustAct(engine, ...args);
    samples.push(elapsedMs(start));
  };
  for (let i = 0; i < tasks && samples.length < count; i++) await timed('task.claim', { task_id: `${prefix}${i}` });
  for (let i = 0; i < tasks && samples.length < count; i++) await timed('work.start', { task_id: `${prefix}${i}` });
  // Pauses and starts, not heartbeats: offline heartbeats coalesce into one journal row per session.
  for (let i = 0; samples.length < count; i++) await timed(Math.floor(i / tasks) % 2 === 0 ? 'work.pause' : 'work.start', { task_id: `${prefix}${i % tasks}` });
  return samples;
}

async function mustAct(engine: Engine, ...[kind, args]: Parameters<Engine['act']>): Promise<void> {
  const result = await engine.act(kind, args);
  if (!result.accepted) throw new Error(`${kind} refused: ${result.error.message}`);
}

/** One object store on fake-indexeddb, written the plainest way: one readwrite transaction per put. */
async function openRawStore(): Promise<{ put(value: object): Promise<void>; close(): void }> {
  const factory = (globalThis as unknown as { indexedDB: RawFactory }).indexedDB;
  const request = factory.open(`bench-raw-${Date.now()}`, 1);
  request.onupgradeneeded = () => request.result.createObjectStore('rows', { keyPath: 'id' });
  const db = await new Promise<RawDb>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error('open failed'));
  });
  return {
    put: (value) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('rows', 'readwrite');
        tx.objectStore('rows').put(value);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error('put failed'));
      }),
    close: () => db.close(),
  };
}

interface RawDb {
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: 'readwrite'): { objectStore(name: string): { put(value: object): unknown }; oncomplete: () => void; onerror: () => void };
  close(): void;
}
interface RawFactory {
  open(name: string, version: number): { result: RawDb; onupgradeneeded: () => void; onsuccess: () => void; onerror: () => void };
}

// Run alone (`node test/engine/bench-engine.ts`), not when `npm run bench` imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
