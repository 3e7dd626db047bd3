/**
 * `npm run bench` (issue 3, "Measure and report"): one run, side by side, on
 * its own embedded Postgres and the real app over loopback:
 *
 *  (a) derived-status recompute on a checklist change: p50/p95 latency of
 *      `checklist.set_status` through the intent executor (dedupe, lock +
 *      load the task with its 5 items, shared rule, effects, outcome; one
 *      transaction each) against a raw single-row UPDATE of checklist_items,
 *      interleaved so both see the same machine;
 *  (b) changes per second through POST /api/v1/sync/push in batches of 100,
 *      against one PUT /tasks/:id per change (seed 000's route) and raw
 *      single-row Postgres commits — each a sequential single client;
 *  (c) the client engine (issue 5): act → local view updated next to one
 *      raw IndexedDB put, interleaved; 2,000 intents queued offline, from
 *      reconnect to all confirmed and to the Zero replica showing them all
 *      (test/engine/bench-engine.ts);
 *  (e) an 8-hour offline day (offline-day.ts): journal rows, pushes,
 *      reconnect → confirmed, seconds lost to the stale sweep;
 *  (d) propagation device A → device B through a real zero-cache: the
 *      engine's act until B's engine view shows it, next to the same change
 *      as a bare Zero custom mutation until B's replica shows it, interleaved
 *      (zero-propagation.ts).
 *
 * (c) and (d) run first, on a fresh database, and zero-cache is stopped
 * before (a) and (b), so replication never competes with the server's rows.
 * The stale-session sweep over a large table runs last (stale-sweep.ts).
 * Prints a table and writes the same figures to bench-results/bench.json.
 * Bounded: every throughput phase runs for PHASE_MS; the whole run takes
 * about two minutes. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { toIso } from '@stint/shared';
import type { IntentArgs, IntentKind, PushResponse } from '@stint/shared';
import { executeIntent, intentTiming } from '../../server/src/intents/execute.ts';
import { drainAgainstServer, viewLatency } from '../engine/bench-engine.ts';
import type { QueuedDrain, ViewLatency } from '../engine/bench-engine.ts';
import { startHarness } from './harness.ts';
import type { BenchUser, Harness } from './harness.ts';
import { elapsedMs, now, round, summarise, timed } from './stats.ts';
import type { LatencySummary } from './stats.ts';
import { offlineDay, offlineDayLines } from './offline-day.ts';
import { benchStaleSweep, staleSweepLines } from './stale-sweep.ts';
import { startBenchZeroCache, zeroPropagation } from './zero-propagation.ts';
import type { Propagation } from './zero-propagation.ts';

const PHASE_MS = Number(process.env['BENCH_PHASE_MS'] ?? 5_000);
const LATENCY_SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 1_000);
const WARMUP = 100;
const BATCH = 100;
const ITEMS_PER_TASK = 5;
const RESULTS = new URL('../../bench-results/bench.json', import.meta.url);

interface Throughput {
  readonly changes: number;
  readonly seconds: number;
  readonly per_s: number;
}

async function main(): Promise<void> {
  const started = now();
  const h = await startHarness();
  try {
    const day = await offlineDay(h);
    const actToView = await viewLatency();
    // The same drain with no zero-cache running: what replication costs the drain on this machine.
    const drainAlone = await drainAgainstServer(h);
    const cache = await startBenchZeroCache(h);
    let queuedDrain: QueuedDrain;
    let propagation: Propagation;
    try {
      queuedDrain = await drainAgainstServer(h, cache.url);
      propagation = await zeroPropagation(h, cache.url);
    } finally {
      await cache.stop();
    }
    const checklist = await checklistRecompute(h);
    const pushTask = await pushThroughput(h, 'task.set_status');
    const pushMixed = await pushThroughput(h, 'mixed');
    const put = await putThroughput(h);
    const raw = await rawCommitThroughput(h);
    const staleSweep = await benchStaleSweep(h);
    const results = {
      generated_at: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      loadavg_1m: round(loadavg()[0] ?? 0, 2),
      postgres_settings: h.postgresSettings,
      phase_ms: PHASE_MS,
      checklist_recompute: {
        what: `checklist.set_status on tasks of ${ITEMS_PER_TASK} items through executeIntent (one transaction each) vs a raw single-row UPDATE of checklist_items (autocommit), interleaved`,
        executor: checklist.executor,
        raw_update: checklist.raw,
        ratio_p50: round(checklist.executor.p50_ms / checklist.raw.p50_ms, 2),
        ratio_p95: round(checklist.executor.p95_ms / checklist.raw.p95_ms, 2),
        task_status_changed_pct: checklist.statusChangedPct,
      },
      throughput: {
        what: 'sequential single client on loopback; push = batches of 100 intents, one transaction per batch',
        push_task_set_status: pushTask,
        push_mixed_checklist_and_task: pushMixed,
        put_tasks_one_per_change: put,
        raw_single_row_commits: raw,
        ratio_push_vs_put: round(pushTask.per_s / put.per_s, 2),
        ratio_push_mixed_vs_put: round(pushMixed.per_s / put.per_s, 2),
        ratio_raw_vs_push: round(raw.per_s / pushTask.per_s, 2),
        ratio_raw_vs_put: round(raw.per_s / put.per_s, 2),
      },
      engine: { act_to_view: actToView, queued_drain: queuedDrain, queued_drain_without_zero_cache: drainAlone },
      zero_propagation: propagation,
      offline_day: day,
      stale_sweep: staleSweep,
      wall_s: round(elapsedMs(started) / 1000, 1),
    };
    printTable(results);
    process.stdout.write(`\n${offlineDayLines(day).join('\n')}\n`);
    process.stdout.write(`\n${staleSweepLines(staleSweep).join('\n')}\n`);
    await mkdir(new URL('.', RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nwritten to ${RESULTS.pathname}\n`);
  } finally {
    await h.stop();
  }
}

/** (a) Interleaved: one executor change, one raw UPDATE, repeated. */
async function checklistRecompute(h: Harness): Promise<{ executor: LatencySummary; raw: LatencySummary; statusChangedPct: number }> {
  const tasks = await checklistTasks(h, 50, ITEMS_PER_TASK);
  const rawItems = (await checklistTasks(h, 10, ITEMS_PER_TASK)).flatMap((t) => t.items);
  const cycle = [2, 3, 1] as const;
  const executorMs: number[] = [];
  const rawMs: number[] = [];
  let statusChanges = 0;
  for (let i = 0; i < WARMUP + LATENCY_SAMPLES; i += 1) {
    const task = tasks[i % tasks.length] as { items: string[] };
    const pass = Math.floor(i / tasks.length);
    const item = task.items[pass % ITEMS_PER_TASK] as string;
    const status = cycle[Math.floor(pass / ITEMS_PER_TASK) % cycle.length] as 1 | 2 | 3;
    let changed = false;
    const exec = await timed(async () => {
      const at = Date.now();
      const executed = await h.sql.begin((tx) =>
        executeIntent(tx, {
          raw: { id: randomUUID(), kind: 'checklist.set_status', args: { checklist_item_id: item, status }, occurred_at: toIso(at) },
          actor: { user_id: h.worker.id, role: h.worker.role },
          deviceId: 'bench',
          zone: 'UTC',
          timing: intentTiming(h.config, at, at),
        }),
      );
      if (executed.outcome.status === 'rejected') throw new Error(`checklist.set_status rejected: ${executed.outcome.code} ${executed.outcome.message}`);
      changed = executed.effects.some((e) => e.table === 'tasks');
    });
    const rawItem = rawItems[i % rawItems.length] as string;
    const raw = await timed(() => h.sql`UPDATE checklist_items SET status = ${status}, updated_at = ${new Date()} WHERE id = ${rawItem}`);
    if (i < WARMUP) continue;
    executorMs.push(exec);
    rawMs.push(raw);
    if (changed) statusChanges += 1;
  }
  return { executor: summarise(executorMs), raw: summarise(rawMs), statusChangedPct: round((100 * statusChanges) / LATENCY_SAMPLES, 1) };
}

/** (b) Batches of 100 through the push endpoint until PHASE_MS is spent. */
async function pushThroughput(h: Harness, workload: 'task.set_status' | 'mixed'): Promise<Throughput> {
  const atomic = await atomicTasks(h, workload === 'mixed' ? BATCH / 2 : BATCH);
  const items = workload === 'mixed' ? (await checklistTasks(h, BATCH / 2, 1)).flatMap((t) => t.items) : [];
  let batchNo = 0;
  const nextBatch = (): unknown[] => {
    const inProgress = batchNo % 2 === 0;
    batchNo += 1;
    const at = toIso(Date.now());
    const taskIntents = atomic.map((task) => intent('task.set_status', { task_id: task, status: inProgress ? 'in-progress' : 'on-hold' }, at));
    const itemIntents = items.map((item) => intent('checklist.set_status', { checklist_item_id: item, status: inProgress ? 2 : 1 }, at));
    return interleave(taskIntents, itemIntents);
  };
  for (let i = 0; i < 4; i += 1) await pushAll(h, h.worker, nextBatch()); // warm-up
  return measure(async () => {
    await pushAll(h, h.worker, nextBatch());
    return BATCH;
  });
}

/** (b) One PUT /tasks/:id {task_status} per change. */
async function putThroughput(h: Harness): Promise<Throughput> {
  const tasks = await atomicTasks(h, BATCH);
  let n = 0;
  const change = async (): Promise<number> => {
    const task = tasks[n % tasks.length] as string;
    const status = Math.floor(n / tasks.length) % 2 === 0 ? 'in-progress' : 'on-hold';
    n += 1;
    await h.request('PUT', `/tasks/${task}`, h.worker.token, { task_status: status });
    return 1;
  };
  for (let i = 0; i < WARMUP; i += 1) await change();
  return measure(change);
}

/** (b) The floor: one autocommitted single-row UPDATE per change, no rules, no HTTP. */
async function rawCommitThroughput(h: Harness): Promise<Throughput> {
  const tasks = await atomicTasks(h, BATCH);
  let n = 0;
  const change = async (): Promise<number> => {
    const task = tasks[n % tasks.length] as string;
    const status = Math.floor(n / tasks.length) % 2 === 0 ? 'in-progress' : 'on-hold';
    n += 1;
    await h.sql`UPDATE tasks SET status = ${status}, updated_at = ${new Date()} WHERE id = ${task}`;
    return 1;
  };
  for (let i = 0; i < WARMUP; i += 1) await change();
  return measure(change);
}

async function measure(step: () => Promise<number>): Promise<Throughput> {
  const start = now();
  let changes = 0;
  while (elapsedMs(start) < PHASE_MS) changes += await step();
  const seconds = elapsedMs(start) / 1000;
  return { changes, seconds: round(seconds, 2), per_s: round(changes / seconds, 1) };
}

/** Atomic tasks created by the supervisor and claimed by the worker, via push. */
async function atomicTasks(h: Harness, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `bench-${randomUUID()}`);
  const at = toIso(Date.now());
  await pushAll(h, h.supervisor, ids.map((id) => intent('task.create', { task_id: id, title: 'Bench task' }, at)));
  await pushAll(h, h.worker, ids.map((id) => intent('task.claim', { task_id: id }, at)));
  return ids;
}

/** Tasks with `items` planned checklist items each, claimed by the worker. */
async function checklistTasks(h: Harness, count: number, items: number): Promise<{ id: string; items: string[] }[]> {
  const tasks = (await atomicTasks(h, count)).map((id) => ({ id, items: Array.from({ length: items }, (_, j) => `${id}-item-${j}`) }));
  const at = toIso(Date.now());
  await pushAll(h, h.worker, tasks.flatMap((t) => t.items.map((item) => intent('checklist.add', { checklist_item_id: item, task_id: t.id, title: 'Step', status: 1 }, at))));
  return tasks;
}

/** Pushes intents in batches of at most 500, failing on any rejection. */
async function pushAll(h: Harness, user: BenchUser, intents: readonly unknown[]): Promise<void> {
  for (let i = 0; i < intents.length; i += 500) {
    const body = { device_id: 'bench', sent_at: toIso(Date.now()), intents: intents.slice(i, i + 500) };
    const res = (await h.request('POST', '/api/v1/sync/push', user.token, body)) as { data: PushResponse };
    const rejected = res.data.outcomes.find((o) => o.status === 'rejected');
    if (rejected !== undefined && rejected.status === 'rejected') throw new Error(`push rejected an intent: ${rejected.code} ${rejected.message}`);
  }
}

function intent<K extends IntentKind>(kind: K, args: IntentArgs<K>, occurred_at: string): unknown {
  return { id: randomUUID(), kind, args, occurred_at };
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i] as T);
    if (i < b.length) out.push(b[i] as T);
  }
  return out;
}

interface Results {
  readonly checklist_recompute: { executor: LatencySummary; raw_update: LatencySummary; ratio_p50: number; ratio_p95: number; task_status_changed_pct: number };
  readonly throughput: {
    push_task_set_status: Throughput;
    push_mixed_checklist_and_task: Throughput;
    put_tasks_one_per_change: Throughput;
    raw_single_row_commits: Throughput;
    ratio_push_vs_put: number;
    ratio_push_mixed_vs_put: number;
    ratio_raw_vs_push: number;
    ratio_raw_vs_put: number;
  };
  readonly engine: { readonly act_to_view: ViewLatency; readonly queued_drain: QueuedDrain; readonly queued_drain_without_zero_cache: QueuedDrain };
  readonly zero_propagation: Propagation;
  readonly cpus: number;
  readonly loadavg_1m: number;
  readonly wall_s: number;
}

function printTable(r: Results): void {
  const c = r.checklist_recompute;
  const t = r.throughput;
  const e = r.engine;
  const d = e.queued_drain;
  const z = r.zero_propagation;
  const line = (cells: readonly (string | number)[]): string => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 52 : 12)).join('');
  const out = [
    `Stint benchmark — ${r.cpus} CPUs, load ${r.loadavg_1m}, wall ${r.wall_s} s`,
    '',
    '(a) checklist change → derived task status (latency, ms)',
    line(['', 'p50', 'p95', 'p99', 'samples']),
    line([`checklist.set_status via executor (${ITEMS_PER_TASK} items/task)`, c.executor.p50_ms, c.executor.p95_ms, c.executor.p99_ms, c.executor.samples]),
    line(['raw single-row UPDATE checklist_items', c.raw_update.p50_ms, c.raw_update.p95_ms, c.raw_update.p99_ms, c.raw_update.samples]),
    line(['ratio executor / raw', c.ratio_p50, c.ratio_p95]),
    `task status changed by ${c.task_status_changed_pct}% of the measured changes`,
    '',
    '(b) changes per second (sequential, one client)',
    line(['', 'changes/s', 'changes', 'seconds']),
    line(['POST /api/v1/sync/push, 100 task.set_status/batch', t.push_task_set_status.per_s, t.push_task_set_status.changes, t.push_task_set_status.seconds]),
    line(['POST /api/v1/sync/push, 100 mixed/batch', t.push_mixed_checklist_and_task.per_s, t.push_mixed_checklist_and_task.changes, t.push_mixed_checklist_and_task.seconds]),
    line(['PUT /tasks/:id, one per change', t.put_tasks_one_per_change.per_s, t.put_tasks_one_per_change.changes, t.put_tasks_one_per_change.seconds]),
    line(['raw single-row UPDATE tasks, one commit each', t.raw_single_row_commits.per_s, t.raw_single_row_commits.changes, t.raw_single_row_commits.seconds]),
    line(['ratio push / PUT', t.ratio_push_vs_put]),
    line(['ratio push (mixed) / PUT', t.ratio_push_mixed_vs_put]),
    line(['ratio raw / push', t.ratio_raw_vs_push]),
    line(['ratio raw / PUT', t.ratio_raw_vs_put]),
    '',
    '(c) client engine (latency, ms)',
    line(['', 'p50', 'p95', 'p99', 'samples']),
    line(['act(work.pause|start) → local view updated', e.act_to_view.act.p50_ms, e.act_to_view.act.p95_ms, e.act_to_view.act.p99_ms, e.act_to_view.act.samples]),
    line(['one raw IndexedDB put (fake-indexeddb), same run', e.act_to_view.raw_put.p50_ms, e.act_to_view.raw_put.p95_ms, e.act_to_view.raw_put.p99_ms, e.act_to_view.raw_put.samples]),
    line(['ratio act / raw put', e.act_to_view.ratio_p50, '', e.act_to_view.ratio_p99]),
    line(['', 'ms', 'intents/s']),
    line([`${d.record.act.samples} queued intents: reconnect → all confirmed`, d.reconnect_to_all_confirmed_ms, d.intents_per_s]),
    line([`… → ${d.replica === 'zero' ? 'Zero replica' : 'replica'} shows all (view = replica)`, d.reconnect_to_replica_shows_all_ms]),
    line(['… → sync() resolved (settling, pruning done)', d.reconnect_to_sync_resolved_ms]),
    line(['same drain, no zero-cache running: → all confirmed', e.queued_drain_without_zero_cache.reconnect_to_all_confirmed_ms, e.queued_drain_without_zero_cache.intents_per_s]),
    `outcomes ${JSON.stringify(d.outcomes)}; recording them offline took ${d.record.total_ms} ms (act p50 ${d.record.act.p50_ms} ms)`,
    '',
    '(d) propagation device A → device B through zero-cache (latency, ms)',
    line(['', 'p50', 'p95', 'p99', 'samples']),
    line(["engine act → B's engine view shows it", z.engine_act_to_b_view.p50_ms, z.engine_act_to_b_view.p95_ms, z.engine_act_to_b_view.p99_ms, z.engine_act_to_b_view.samples]),
    line(["  of which act → A's push answered (20 ms debounce)", z.engine_act_to_a_push_answered.p50_ms, z.engine_act_to_a_push_answered.p95_ms, z.engine_act_to_a_push_answered.p99_ms]),
    line(["bare Zero mutation → B's replica shows it", z.zero_mutate_to_b_replica.p50_ms, z.zero_mutate_to_b_replica.p95_ms, z.zero_mutate_to_b_replica.p99_ms, z.zero_mutate_to_b_replica.samples]),
    line(['  of which mutate → Zero server confirmation', z.zero_mutate_to_server_confirmed.p50_ms, z.zero_mutate_to_server_confirmed.p95_ms, z.zero_mutate_to_server_confirmed.p99_ms]),
    line(['ratio engine / bare Zero', z.ratio_p50, '', z.ratio_p99]),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
