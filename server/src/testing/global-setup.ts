/**
 * vitest globalSetup for every project with `*.pg.test.ts` files (server,
 * test): starts ONE embedded Postgres for the whole run in a temporary
 * directory, migrates a template database once, and provides how to reach
 * it. Each test file then clones its own database (create-test-database.ts).
 *
 * Invariants:
 *  1. One cluster per run, however many projects list this file: the first
 *     setup starts it, the last teardown stops it (a reference count kept on
 *     globalThis, because each project loads this module separately).
 *  2. Durability is traded for speed (fsync off) but not replication
 *     latency: synchronous_commit stays on and wal_level is logical, as in
 *     production (ENVIRONMENT.md).
 *  3. Nothing outlives the run: the cluster is stopped and its directory
 *     removed at teardown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { TEST_POSTGRES_KEY, testPostgresUrl } from './postgres-context.ts';
import type { TestPostgres } from './postgres-context.ts';

const TEMPLATE_DATABASE = 'stint_template';
const SHARED = Symbol.for('stint.testPostgres');

interface Shared {
  refs: number;
  ready: Promise<{ context: TestPostgres; stop: () => Promise<void> }>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as { [SHARED]?: Shared };
  holder[SHARED] ??= { refs: 0, ready: startCluster() };
  const shared = holder[SHARED];
  shared.refs += 1;
  const { context } = await shared.ready;
  project.provide(TEST_POSTGRES_KEY, context);
  return async () => {
    shared.refs -= 1;
    if (shared.refs > 0) return;
    delete holder[SHARED];
    await (await shared.ready).stop();
  };
}

async function startCluster(): Promise<{ context: TestPostgres; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stint-test-pg-'));
  const pg = await startEmbeddedPostgres({
    dataDir: join(dir, 'pg'),
    persistent: false,
    settings: { fsync: 'off', synchronous_commit: 'on', full_page_writes: 'off', max_connections: '300' },
  });
  const context: TestPostgres = {
    port: pg.port,
    user: pg.user,
    password: pg.password,
    templateDatabase: TEMPLATE_DATABASE,
  };
  try {
    await migrate(testPostgresUrl(context, TEMPLATE_DATABASE));
  } catch (error) {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
