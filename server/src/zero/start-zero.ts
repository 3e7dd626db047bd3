/**
 * zero-cache as `npm start` runs it: after migrations and once the HTTP server
 * listens (zero-cache calls back into it), against the same Postgres, with its
 * replica under DATA_DIR.
 *
 * Invariants:
 *  1. The publication is brought in line with the Zero schema first, so
 *     zero-cache replicates exactly ZERO_TABLES.
 *  2. zero-cache exiting on its own while the server runs is logged as an
 *     error: reads stop syncing until the server is restarted.
 */
import { ZERO_TABLES } from '@stint/shared/zero';
import type { Config } from '../config.ts';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../log.ts';
import { ZERO_PUBLICATION, ensureZeroPublication } from './publication.ts';
import { startZeroCache } from './zero-cache.ts';
import type { ZeroCache } from './zero-cache.ts';

/** The app id of `npm start`; tests use their own per database. */
export const ZERO_APP_ID = 'stint';

export interface StartZeroOptions {
  readonly config: Config;
  /** The same Postgres the server uses. */
  readonly databaseUrl: string;
  readonly sql: Sql;
  readonly logger: Logger;
}

export async function startZeroForServer({ config, databaseUrl, sql, logger }: StartZeroOptions): Promise<ZeroCache> {
  await ensureZeroPublication(sql, ZERO_TABLES);
  const api = `http://127.0.0.1:${config.PORT}/api/zero`;
  const started = performance.now();
  const zero = await startZeroCache({
    upstreamDb: databaseUrl,
    replicaFile: `${config.DATA_DIR}/zero/replica.db`,
    port: config.ZERO_PORT,
    appId: ZERO_APP_ID,
    queryUrl: `${api}/query`,
    mutateUrl: `${api}/mutate`,
    publication: ZERO_PUBLICATION,
    logger: logger.child({ component: 'zero-cache' }),
  });
  let stopping = false;
  void zero.exited.then(() => {
    if (!stopping) logger.error({ last_lines: zero.recentLogs().slice(-10) }, 'zero-cache exited; clients no longer sync');
  });
  logger.info({ port: zero.port, ms: Math.round(performance.now() - started) }, 'zero-cache ready');
  return {
    ...zero,
    stop: () => {
      stopping = true;
      return zero.stop();
    },
  };
}
