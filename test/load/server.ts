/**
 * The server side of `npm run load`, run as a child process of run.ts so the
 * load generator never shares an event loop with the server it measures:
 * an embedded Postgres in a temporary directory, migrated, and the real app
 * as `npm start` builds it (createApp with a metrics registry, the SQL pool
 * at its production size, the scheduler running its sweeps every
 * SCHEDULER_INTERVAL_S), served by @hono/node-server on 127.0.0.1 only.
 *
 * Invariants:
 *  1. Loopback only: Postgres and HTTP listen on 127.0.0.1.
 *  2. Nothing outlives the run: on 'stop', on the parent going away
 *     ('disconnect'), or on SIGTERM/SIGINT, the scheduler, HTTP server, pool
 *     and Postgres stop in reverse order and the directory is removed.
 *  3. Error-level log lines (a 500's cause) are counted and the first few
 *     kept for the report; nothing else is logged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/src/app.ts';
import { systemClock } from '../../server/src/clock.ts';
import { loadConfig } from '../../server/src/config.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.ts';
import { migrate } from '../../server/src/db/migrate.ts';
import { createSql } from '../../server/src/db/sql.ts';
import { createLogger } from '../../server/src/log.ts';
import { createMetrics } from '../../server/src/metrics/metrics.ts';
import { schedulerJobs } from '../../server/src/scheduler/jobs.ts';
import { startScheduler } from '../../server/src/scheduler/scheduler.ts';

export const LOAD_ADMIN_TOKEN = 'load-admin-token-0123456789abcdef';

/** Same settings as the bench (fsync off, synchronous_commit on). */
export const LOAD_POSTGRES_SETTINGS = { fsync: 'off', synchronous_commit: 'on', full_page_writes: 'off' } as const;

export type ToServer = { readonly type: 'measure' } | { readonly type: 'report' } | { readonly type: 'stop' };

export type FromServer =
  | { readonly type: 'ready'; readonly baseUrl: string; readonly adminToken: string; readonly poolMax: number; readonly schedulerIntervalS: number }
  | { readonly type: 'report'; readonly report: ServerReport }
  | { readonly type: 'failed'; readonly message: string };

export interface ServerReport {
  /** Share of wall time the server's event loop was busy since 'measure'. */
  readonly event_loop_utilisation: number;
  /** CPU seconds of the server's Node process (user + system) since 'measure'. */
  readonly cpu_s: number;
  readonly error_log_lines: number;
  readonly first_errors: readonly string[];
  readonly consistency_violations: number;
  readonly open_sessions: number;
  readonly applied_intents: number;
  readonly stale_closed: number;
}

const POOL_MAX = 10;

async function main(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = once(async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  });
  const send = (message: FromServer): void => {
    process.send?.(message);
  };
  process.on('disconnect', () => void stop().then(() => process.exit(0)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop().then(() => process.exit(0)));

  try {
    const dir = await mkdtemp(join(tmpdir(), 'stint-load-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, settings: LOAD_POSTGRES_SETTINGS });
    stops.push(() => pg.stop());
    const url = pg.url('stint_load');
    await migrate(url);
    const sql = createSql(url, { max: POOL_MAX });
    stops.push(() => sql.end({ timeout: 5 }));

    const errors: string[] = [];
    let errorLines = 0;
    const logger = createLogger('error', {
      write: (line: string) => {
        errorLines += 1;
        if (errors.length < 5) errors.push(line.slice(0, 500));
      },
    });
    const config = loadConfig({ ADMIN_TOKEN: LOAD_ADMIN_TOKEN, LOG_LEVEL: 'error', ZERO: 'off' }, dir);
    const metrics = createMetrics();
    const app = createApp({ sql, config, clock: systemClock, logger, metrics });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    stops.push(() => new Promise<void>((done) => {
      server.close(() => done());
      if ('closeAllConnections' in server) server.closeAllConnections();
    }));
    const jobs = schedulerJobs({ sql, config, clock: systemClock, logger, metrics });
    const scheduler = startScheduler({ jobs, intervalMs: config.SCHEDULER_INTERVAL_S * 1000, logger });
    stops.push(() => scheduler.stop());

    let elu = performance.eventLoopUtilization();
    let cpu = process.cpuUsage();
    process.on('message', (message: ToServer) => {
      switch (message.type) {
        case 'measure':
          elu = performance.eventLoopUtilization();
          cpu = process.cpuUsage();
          return;
        case 'report': {
          const busy = performance.eventLoopUtilization(elu).utilization;
          const used = process.cpuUsage(cpu);
          void report(sql, busy, (used.user + used.system) / 1e6, errorLines, errors).then(
            (r) => send({ type: 'report', report: r }),
            (error: unknown) => send({ type: 'failed', message: String(error) }),
          );
          return;
        }
        case 'stop':
          void stop().then(() => process.exit(0));
          return;
        default: {
          const never: never = message;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    });
    send({ type: 'ready', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, adminToken: LOAD_ADMIN_TOKEN, poolMax: POOL_MAX, schedulerIntervalS: config.SCHEDULER_INTERVAL_S });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    await stop();
    process.exit(1);
  }
}

async function report(sql: ReturnType<typeof createSql>, elu: number, cpuS: number, errorLines: number, errors: readonly string[]): Promise<ServerReport> {
  const violations = await checkConsistency(sql);
  const [counts] = await sql<{ open: number; intents: number; stale: number }[]>`
    SELECT (SELECT count(*) FROM work_sessions WHERE ended_at IS NULL) AS open,
           (SELECT count(*) FROM applied_intents) AS intents,
           (SELECT count(*) FROM work_sessions WHERE ended_reason = 'stale_timeout') AS stale`;
  return {
    event_loop_utilisation: Math.round(elu * 1000) / 1000,
    cpu_s: Math.round(cpuS * 10) / 10,
    error_log_lines: errorLines,
    first_errors: errors,
    consistency_violations: violations.length,
    open_sessions: counts?.open ?? -1,
    applied_intents: counts?.intents ?? -1,
    stale_closed: counts?.stale ?? -1,
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

await main();
