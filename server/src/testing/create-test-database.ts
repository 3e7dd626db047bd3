/**
 * Each `*.pg.test.ts` file gets its own database, cloned from the migrated
 * template of the run (global-setup.ts), so files run in parallel without
 * seeing each other's rows.
 *
 *   const db = await createTestDatabase();
 *   afterAll(() => db.drop());
 *   test('…', async () => { await db.sql`select 1`; });
 *
 * `{ empty: true }` gives a database with no schema at all (for migration tests).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createSql } from '../db/sql.ts';
import type { Sql } from '../db/sql.ts';
import { TEST_POSTGRES_KEY, testPostgresUrl } from './postgres-context.ts';
import type { TestPostgres } from './postgres-context.ts';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A postgres.js client on this database (project type conventions). */
  readonly sql: Sql;
  /** Closes the client and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** true: no migrations applied (cloned from template0). Default false. */
  readonly empty?: boolean;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const pg = inject(TEST_POSTGRES_KEY) as TestPostgres | undefined;
  if (pg === undefined) {
    throw new Error('No test Postgres: list server/src/testing/global-setup.ts in this vitest project\'s globalSetup');
  }
  const name = `test_${randomBytes(6).toString('hex')}`;
  const template = options.empty === true ? 'template0' : pg.templateDatabase;
  await withAdmin(pg, (admin) => admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = testPostgresUrl(pg, name);
  const sql = createSql(url, { max: 4 });
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await withAdmin(pg, (admin) => admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(pg: TestPostgres, run: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = createSql(testPostgresUrl(pg, 'postgres'), { max: 1 });
  try {
    return await run(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
