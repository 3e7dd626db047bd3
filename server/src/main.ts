/**
 * `npm start`: configuration, database, migrations, HTTP, zero-cache — then
 * serve until SIGINT/SIGTERM, and stop in reverse order (zero-cache, HTTP
 * server, SQL pool, embedded Postgres). Runs as `node src/main.ts` (Node 22 strips types).
 */
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createAuth } from './auth/auth.ts';
import { loadAuthKeys } from './auth/secrets.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';
import type { EmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createSql } from './db/sql.ts';
import { demoLinks, seedDemo } from './demo/demo.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics/metrics.ts';
import { schedulerJobs } from './scheduler/jobs.ts';
import { startScheduler } from './scheduler/scheduler.ts';
import { startZeroForServer } from './zero/start-zero.ts';

const EMBEDDED_DATABASE = 'stint';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const stops: (() => Promise<void>)[] = [];
  const shutdown = once(async (signal: string) => {
    logger.info({ signal }, 'stopping');
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
    logger.info('stopped');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }

  try {
    const url = await databaseUrl(config, logger, stops);
    await migrate(url);
    logger.info('migrations applied');
    const sql = createSql(url);
    stops.push(() => sql.end({ timeout: 5 }));
    const authKeys = await loadAuthKeys(sql, config, systemClock);
    announceAdminToken(config, authKeys.adminToken, authKeys.adminTokenGenerated, logger);
    const metrics = createMetrics({ processMetrics: true });
    const app = createApp({ sql, config, clock: systemClock, logger, authKeys, metrics });
    await listen(app.fetch, config.PORT, stops);
    logger.info({ port: config.PORT, url: `http://localhost:${config.PORT}` }, 'listening');
    if (config.DEMO === 'on') {
      const deps = { sql, config, clock: systemClock, auth: createAuth({ sql, config, clock: systemClock, keys: authKeys }) };
      if (await seedDemo(deps)) logger.info('demo data seeded');
      const links = await demoLinks(deps, `http://localhost:${config.PORT}`);
      // Like the admin token: for the person at the terminal, outside the JSON log.
      process.stdout.write(`\nDEMO sign-in links (open one per browser profile):\n${links.map((l) => `  ${l.name} (${l.role}): ${l.url}`).join('\n')}\n\n`);
    }
    // Stale sessions and bookings, every SCHEDULER_INTERVAL_S; stopped first (stops run in reverse).
    const schedulerLog = logger.child({ component: 'scheduler' });
    const jobs = schedulerJobs({ sql, config, clock: systemClock, logger: schedulerLog, metrics });
    const scheduler = startScheduler({ jobs, intervalMs: config.SCHEDULER_INTERVAL_S * 1000, logger: schedulerLog });
    stops.push(() => scheduler.stop());
    if (config.ZERO === 'on') {
      const zero = await startZeroForServer({ config, databaseUrl: url, sql, logger });
      stops.push(() => zero.stop());
    }
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    await shutdown('start-up failure');
    process.exit(1);
  }
}

async function databaseUrl(config: Config, logger: Logger, stops: (() => Promise<void>)[]): Promise<string> {
  if (config.DATABASE_URL !== undefined) return config.DATABASE_URL;
  const pgLog = logger.child({ component: 'postgres' });
  const pg: EmbeddedPostgres = await startEmbeddedPostgres({
    dataDir: `${config.DATA_DIR}/pg`,
    onLog: (line) => pgLog.debug(line),
  });
  stops.push(() => pg.stop());
  logger.info({ port: pg.port, data_dir: config.DATA_DIR }, 'embedded Postgres started');
  return pg.url(EMBEDDED_DATABASE);
}

function announceAdminToken(config: Config, token: string, generated: boolean, logger: Logger): void {
  if (config.ADMIN_TOKEN !== undefined) return;
  if (generated) {
    // Printed once, to stdout on its own line, outside the JSON log: the
    // operator needs it to create the first users.
    process.stdout.write(`\nADMIN TOKEN (generated, shown only this once): ${token}\n` +
      `Use it as "Authorization: Bearer <token>", or set ADMIN_TOKEN to choose your own.\n\n`);
  } else {
    logger.info('admin token: generated earlier and stored in server_settings (set ADMIN_TOKEN to override)');
  }
}

async function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, stops: (() => Promise<void>)[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = serve({ fetch, port }, () => resolve());
    server.once('error', reject);
    stops.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    );
  });
}

function once<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running: Promise<void> | undefined;
  return (...args) => (running ??= fn(...args));
}

await main();
