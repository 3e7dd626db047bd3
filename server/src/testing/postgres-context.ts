/**
 * What the test run's global setup hands every `*.pg.test.ts` file (through
 * vitest's provide/inject): how to reach the one Postgres cluster of the run
 * and the name of the migrated template database.
 */
export interface TestPostgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A database with every migration applied; test databases are cloned from it. */
  readonly templateDatabase: string;
}

export const TEST_POSTGRES_KEY = 'stintTestPostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    stintTestPostgres: TestPostgres;
  }
}

export function testPostgresUrl(pg: TestPostgres, database: string): string {
  return `postgres://${pg.user}:${encodeURIComponent(pg.password)}@127.0.0.1:${pg.port}/${encodeURIComponent(database)}?sslmode=disable`;
}
