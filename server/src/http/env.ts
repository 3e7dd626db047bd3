/**
 * The Hono environment of every route: what createApp puts on the context.
 * Route modules receive `AppDeps` when they are registered and may also read
 * them from `c.var.deps` (middleware does).
 */
import type { UserRow } from '@stint/shared';
import type { Auth } from '../auth/auth.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';

export interface AppDeps {
  readonly sql: Sql;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly auth: Auth;
  /** This app instance's Prometheus registry and recorders (GET /metrics). */
  readonly metrics: Metrics;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    /** The request's logger (carries request_id). */
    log: Logger;
    /** Set by requireUser / requireRole; read it with `currentUser(c)`. */
    user: UserRow | undefined;
  };
}
