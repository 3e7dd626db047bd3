/**
 * The HTTP application, built by a factory (STYLE.md §8) so tests inject a
 * database and a clock and call `app.request()` in-process.
 *
 * To add routes: write `registerXRoutes(app: Router, deps: AppDeps)` in
 * src/routes/ (createRoute with zod schemas, guards from auth/middleware.ts,
 * throw DomainError for refusals) and list it in ROUTES below.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { createAuth } from './auth/auth.ts';
import type { AuthKeys } from './auth/secrets.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Sql } from './db/sql.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { errorHandler, handleNotFound } from './http/errors.ts';
import { accessLog, limitBody, requestContext } from './http/middleware.ts';
import { createRouter } from './http/router.ts';
import { serveClient } from './http/static.ts';
import type { Router } from './http/router.ts';
import { createLogger } from './log.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics/metrics.ts';
import type { Metrics } from './metrics/metrics.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerBookingRoutes } from './routes/bookings.ts';
import { registerBookingLifecycleRoutes } from './routes/compat/booking-lifecycle.ts';
import { registerNumericChecklistStatusRoutes } from './routes/compat/numeric-checklist-status.ts';
import { registerTaskStatusPutRoutes } from './routes/compat/task-status-put.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetricsRoutes } from './routes/metrics.ts';
import { registerOpenApiRoutes } from './routes/openapi.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSopRoutes } from './routes/sops.ts';
import { registerSyncRoutes } from './routes/sync.ts';
import { registerTaskRoutes } from './routes/tasks.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerWorkSessionHistoryRoutes } from './routes/work-session-history.ts';
import { registerWorkSessionRoutes } from './routes/work-sessions.ts';
import { registerZeroRoutes } from './routes/zero.ts';

export interface AppOptions {
  readonly sql: Sql;
  readonly config: Config;
  /** Epoch ms, UTC. */
  readonly clock: Clock;
  /** Default: JSON to stdout at config.LOG_LEVEL. */
  readonly logger?: Logger;
  /** Auth keys loaded at boot (main.ts); default: loaded from the database on first use. */
  readonly authKeys?: AuthKeys;
  /** Default: a fresh registry for this app (main.ts shares one with the scheduler). */
  readonly metrics?: Metrics;
  /** The built web app (vite build); default: the repository's client/dist (http/static.ts). */
  readonly clientDir?: string;
}

export type App = OpenAPIHono<AppEnv>;

/** Route modules, in mount order. */
const ROUTES: readonly ((app: Router, deps: AppDeps) => void)[] = [
  registerHealthRoutes,
  registerUserRoutes,
  registerSyncRoutes,
  registerSopRoutes,
  registerRunRoutes,
  registerAuditRoutes,
  registerTaskRoutes,
  registerWorkSessionRoutes,
  registerWorkSessionHistoryRoutes,
  registerTaskStatusPutRoutes,
  registerNumericChecklistStatusRoutes,
  registerBookingRoutes,
  registerBookingLifecycleRoutes,
  registerMetricsRoutes,
  registerZeroRoutes,
  registerOpenApiRoutes,
];

export function createApp(options: AppOptions): App {
  const { sql, config, clock } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const auth = createAuth({ sql, config, clock, ...(options.authKeys ? { keys: options.authKeys } : {}) });
  const deps: AppDeps = { sql, config, clock, logger, auth, metrics: options.metrics ?? createMetrics() };

  const app = createRouter();
  app.use(requestId());
  app.use(requestContext(deps));
  app.use(accessLog());
  app.use(limitBody());
  // The web app: files of client/dist, and index.html for paths no route answered.
  app.use(serveClient(options.clientDir));
  for (const register of ROUTES) register(app, deps);
  app.onError(errorHandler(logger));
  app.notFound(handleNotFound);
  return app;
}
