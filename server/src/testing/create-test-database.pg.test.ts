import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from './create-test-database.ts';

const a = await createTestDatabase();
const b = await createTestDatabase();
afterAll(async () => {
  await Promise.all([a.drop(), b.drop()]);
});

describe('test databases', () => {
  test('each is cloned from the migrated template', async () => {
    const rows = await a.sql`SELECT count(*) AS n FROM schema_migrations`;
    expect(rows[0]?.['n']).toBeGreaterThan(0);
  });

  test('each is its own: rows written in one are not in another', async () => {
    await a.sql`INSERT INTO users (id, name, role, created_at) VALUES ('only-in-a', 'A', 'worker', now())`;
    expect(await a.sql`SELECT id FROM users WHERE id = 'only-in-a'`).toHaveLength(1);
    expect(await b.sql`SELECT id FROM users WHERE id = 'only-in-a'`).toHaveLength(0);
  });

  test('drop removes the database', async () => {
    const c = await createTestDatabase({ empty: true });
    await c.drop();
    const rows = await a.sql`SELECT 1 FROM pg_database WHERE datname = ${c.name}`;
    expect(rows).toHaveLength(0);
  });

  test('the cluster runs with logical WAL and synchronous commit, as production does', async () => {
    const rows = await a.sql<{ wal: string; sync: string }[]>`
      SELECT current_setting('wal_level') AS wal, current_setting('synchronous_commit') AS sync`;
    expect(rows[0]).toEqual({ wal: 'logical', sync: 'on' });
  });
});
