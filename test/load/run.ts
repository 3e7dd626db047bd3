/**
 * `npm run load` (issue 7 item 3): 1,000 simulated devices (250 workers × 4)
 * against one real Stint server on loopback for 60 s. Every device sends a
 * heartbeat every 60 s (first one at a random moment of the first period, so
 * they spread) and a push batch of a few intents (start/pause, checklist
 * changes) every LOAD_INTENT_INTERVAL_S, also from a random phase. Prints
 * requests sent, p50/p95/p99 latency, errors by status and throughput, and
 * writes the same figures to bench-results/load.json.
 *
 * Invariants:
 *  1. Loopback only, nothing outlives the run: the server (server.ts) is a
 *     child process with its own embedded Postgres, stopped at the end, on
 *     failure, on SIGINT/SIGTERM, or by itself when this process dies.
 *  2. Bounded: the schedule ends after the duration (at most 900 s); requests
 *     still waiting GRACE_MS later are abandoned and counted as errors, and
 *     each request times out after LOAD_TIMEOUT_MS.
 *  3. Open loop: requests are due on the devices' schedule whatever the
 *     server's speed; a device sends one request at a time (like a journal
 *     drain), so a slow answer delays that device's next request and the
 *     delay counts in its latency (http-client.ts invariant 2).
 *  4. Every intent is one the rules accept (fleet.ts invariant 1); rejected
 *     outcomes are reported by code beside HTTP errors.
 *
 * Options (environment variable, or the same name as `--kebab-case=value`):
 * LOAD_DURATION_S (60), LOAD_WORKERS (250), LOAD_DEVICES_PER_WORKER (4),
 * LOAD_HEARTBEAT_S (60), LOAD_HEARTBEAT_VIA (rest | push; rest = POST
 * /api/v1/me/work-sessions/heartbeat), LOAD_INTENT_INTERVAL_S (30, per
 * device), LOAD_BATCH (3 intents per push), LOAD_CONCURRENCY (100 requests
 * on the wire at most), LOAD_TIMEOUT_MS (30000), LOAD_SEED (1).
 *
 * The default rate, a batch of 3 every 30 s per device (6 changes a minute
 * per device, 100 intents/s in all, 50 requests/s), is a busy shift, not a
 * quiet one; `--intent-interval-s=10` (300 intents/s) saturates the 2-CPU
 * machines here (server, Postgres and generator share them) and shows how
 * latency grows past the knee.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { toIso } from '@stint/shared';
import { round } from '../bench/stats.ts';
import { createLoadClient } from './http-client.ts';
import type { LoadClient } from './http-client.ts';
import { intent, nextBatch, planFleet, setUpFleet } from './fleet.ts';
import type { Device, PushData } from './fleet.ts';
import { loadOptions } from './options.ts';
import type { LoadOptions } from './options.ts';
import { summariseRun } from './report.ts';
import type { Outcomes } from './report.ts';
import type { FromServer, ServerReport, ToServer } from './server.ts';

const GRACE_MS = 30_000;
const RESULTS = new URL('../../bench-results/load.json', import.meta.url);

interface Due {
  readonly at: number;
  readonly device: Device;
  readonly kind: 'heartbeat' | 'push';
}

async function main(): Promise<void> {
  const options = loadOptions(process.env, process.argv.slice(2));
  const loadBefore = loadavg();
  const server = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stopServer = (): void => {
    if (server.connected) server.send({ type: 'stop' } satisfies ToServer);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopServer();
      process.exit(130);
    });
  }
  try {
    const ready = await message(server, 'ready');
    const tag = Date.now().toString(36);
    const fleet = planFleet(options.workers, options.devicesPerWorker, tag);
    const devices = fleet.flatMap((w) => w.devices);
    process.stdout.write(`server on ${ready.baseUrl}; setting up ${fleet.length} workers, ${devices.length} devices, ${devices.length * 3} tasks…\n`);
    const setupStarted = performance.now();
    await setUpFleet(createLoadClient({ baseUrl: ready.baseUrl, concurrency: 16, timeoutMs: 60_000, origin: setupStarted }), ready.adminToken, fleet, tag);
    const setupS = (performance.now() - setupStarted) / 1000;

    const schedule = scheduleOf(devices, options);
    process.stdout.write(`set up in ${round(setupS, 1)} s; running ${schedule.length} requests over ${options.durationS} s…\n`);
    const loadAtStart = loadavg();
    const cpuAtStart = cpuTimes();
    const eluAtStart = performance.eventLoopUtilization();
    server.send({ type: 'measure' } satisfies ToServer);

    const origin = performance.now();
    const client = createLoadClient({ baseUrl: ready.baseUrl, concurrency: options.concurrency, timeoutMs: options.timeoutMs, origin });
    const outcomes: Outcomes = { accepted: 0, accepted_with_adjustment: 0, rejected: {} };
    const abandonAt = origin + options.durationS * 1000 + GRACE_MS;
    let abandoned = 0;
    const queues = new Map<Device, Promise<void>>();
    for (const due of schedule) {
      const wait = origin + due.at - performance.now();
      if (wait > 1) await sleep(wait);
      const previous = queues.get(due.device) ?? Promise.resolve();
      queues.set(due.device, previous.then(async () => {
        if (performance.now() > abandonAt) {
          abandoned += 1;
          return;
        }
        await send(client, due, origin + due.at, options, outcomes);
      }));
    }
    await Promise.all(queues.values());
    const wallS = (performance.now() - origin) / 1000;
    const clientElu = performance.eventLoopUtilization(eluAtStart).utilization;
    const machineBusy = busyShare(cpuAtStart, cpuTimes());
    const loadAtEnd = loadavg();
    server.send({ type: 'report' } satisfies ToServer);
    const serverReport: ServerReport = (await message(server, 'report')).report;

    const summary = summariseRun(client.samples, options.durationS, outcomes, abandoned);
    const results = {
      generated_at: new Date().toISOString(),
      what: `${devices.length} devices (${options.workers} workers × ${options.devicesPerWorker}) against one server on loopback: a heartbeat every ${options.heartbeatS} s via ${options.heartbeatVia === 'rest' ? 'POST /api/v1/me/work-sessions/heartbeat' : 'a push of work.heartbeat'}, and a push of ${options.batch} intents (work.start|pause, checklist.set_status) every ${options.intentIntervalS} s per device; latency from when each request was due`,
      options,
      node: process.version,
      cpus: availableParallelism(),
      loadavg_1m: { before_setup: round(loadBefore[0] ?? 0, 2), at_start: round(loadAtStart[0] ?? 0, 2), at_end: round(loadAtEnd[0] ?? 0, 2) },
      server_pool_max: ready.poolMax,
      scheduler_interval_s: ready.schedulerIntervalS,
      setup_s: round(setupS, 1),
      wall_s: round(wallS, 1),
      ...summary,
      machine_cpu_busy: round(machineBusy, 3),
      client_event_loop_utilisation: round(clientElu, 3),
      server: serverReport,
    };
    printTable(results);
    await mkdir(new URL('.', RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nwritten to ${RESULTS.pathname}\n`);
  } finally {
    stopServer();
    await new Promise((resolve) => {
      if (server.exitCode !== null) resolve(undefined);
      else server.once('exit', resolve);
    });
  }
}

/** Every request of the run in time order; each device's phases are random but seeded. */
function scheduleOf(devices: readonly Device[], options: LoadOptions): Due[] {
  const random = mulberry32(options.seed);
  const horizon = options.durationS * 1000;
  const due: Due[] = [];
  for (const device of devices) {
    for (let at = random() * options.heartbeatS * 1000; at < horizon; at += options.heartbeatS * 1000) due.push({ at, device, kind: 'heartbeat' });
    for (let at = random() * options.intentIntervalS * 1000; at < horizon; at += options.intentIntervalS * 1000) due.push({ at, device, kind: 'push' });
  }
  return due.sort((a, b) => a.at - b.at);
}

async function send(client: LoadClient, due: Due, dueAt: number, options: LoadOptions, outcomes: Outcomes): Promise<void> {
  const { device } = due;
  const token = device.worker.token;
  if (due.kind === 'heartbeat' && options.heartbeatVia === 'rest') {
    await client.request('heartbeat', 'POST', '/api/v1/me/work-sessions/heartbeat', token, { task_id: device.heartbeatTask }, dueAt);
    return;
  }
  const intents = due.kind === 'heartbeat' ? [intent('work.heartbeat', { task_id: device.heartbeatTask })] : nextBatch(device, options.batch);
  const answer = await client.request(due.kind, 'POST', '/api/v1/sync/push', token, { device_id: device.id, sent_at: toIso(Date.now()), intents }, dueAt);
  if (!answer.ok) return;
  const data = (answer.body as { data?: Partial<PushData> } | undefined)?.data;
  if (!Array.isArray(data?.outcomes)) {
    outcomes.rejected['UNREADABLE_ANSWER'] = (outcomes.rejected['UNREADABLE_ANSWER'] ?? 0) + intents.length;
    return;
  }
  for (const outcome of data.outcomes) {
    if (outcome.status === 'accepted') outcomes.accepted += 1;
    else if (outcome.status === 'accepted_with_adjustment') outcomes.accepted_with_adjustment += 1;
    else {
      const code = outcome.code ?? 'unknown';
      outcomes.rejected[code] = (outcomes.rejected[code] ?? 0) + 1;
    }
  }
}

type Results = ReturnType<typeof summariseRun> & {
  readonly what: string;
  readonly cpus: number;
  readonly loadavg_1m: { before_setup: number; at_start: number; at_end: number };
  readonly wall_s: number;
  readonly machine_cpu_busy: number;
  readonly client_event_loop_utilisation: number;
  readonly server: ServerReport;
};

function printTable(r: Results): void {
  const line = (cells: readonly (string | number)[]): string => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 22 : 10)).join('');
  const row = (name: string, k: Results['by_kind'][string] | undefined): string =>
    k === undefined ? line([name, 0]) : line([name, k.requests, k.errors, k.latency.p50_ms, k.latency.p95_ms, k.latency.p99_ms, k.latency.max_ms, k.service.p99_ms, k.per_s]);
  const out = [
    `Stint load — ${r.what}`,
    `${r.cpus} CPUs; load average (1 min) ${r.loadavg_1m.before_setup} before set-up, ${r.loadavg_1m.at_start} at start, ${r.loadavg_1m.at_end} at end; wall ${r.wall_s} s`,
    '',
    line(['', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'wire p99', 'req/s']),
    ...Object.keys(r.by_kind).sort().map((kind) => row(kind, r.by_kind[kind])),
    row('all', r.all),
    '',
    `errors by status: ${Object.keys(r.errors_by_status).length === 0 ? 'none' : JSON.stringify(r.errors_by_status)}${r.abandoned > 0 ? `; ${r.abandoned} abandoned unsent` : ''}`,
    `intents: ${r.intents.accepted} accepted, ${r.intents.accepted_with_adjustment} accepted with adjustment, rejected ${JSON.stringify(r.intents.rejected)} — ${r.intents.per_s} intents/s`,
    `machine CPU busy ${round(r.machine_cpu_busy * 100, 1)}%; server event loop busy ${round(r.server.event_loop_utilisation * 100, 1)}% (${r.server.cpu_s} CPU s); load generator event loop busy ${round(r.client_event_loop_utilisation * 100, 1)}%`,
    `server after the run: ${r.server.open_sessions} open sessions, ${r.server.applied_intents} intents recorded, ${r.server.stale_closed} closed stale, ${r.server.consistency_violations} consistency violations, ${r.server.error_log_lines} error log lines`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  for (const error of r.server.first_errors) process.stdout.write(`  server error: ${error}\n`);
}

/** The next message of `type` from the server child; rejects if it fails or exits first. */
function message<T extends FromServer['type']>(child: ChildProcess, type: T): Promise<Extract<FromServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromServer): void => {
      if (m.type === 'failed') {
        cleanup();
        reject(new Error(`load server: ${m.message}`));
      } else if (m.type === type) {
        cleanup();
        resolve(m as Extract<FromServer, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`load server exited (${code}) before '${type}'`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

function busyShare(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return b.total === a.total ? 0 : (b.busy - a.busy) / (b.total - a.total);
}

/** A small seeded PRNG, so two runs with the same seed spread their requests the same way. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

await main().catch((error: unknown) => {
  process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
