import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { dbmate, migrate } from './migrate.ts';

const db = await createTestDatabase({ empty: true });
afterAll(() => db.drop());

const TABLES = [
  'applied_intents',
  'audit_log',
  'bookings',
  'checklist_items',
  'procedure_runs',
  'safety_checks',
  'schema_migrations',
  'server_settings',
  'sop_versions',
  'sops',
  'tasks',
  'user_task_totals',
  'users',
  'work_sessions',
];

async function publicTables(): Promise<string[]> {
  const rows = await db.sql<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  test('an empty database has no tables before migrating', async () => {
    expect(await publicTables()).toEqual([]);
  });

  test('migrate on an empty database creates every table', async () => {
    await migrate(db.url);
    expect(await publicTables()).toEqual(TABLES);
  });

  test('migrate again applies nothing and changes nothing', async () => {
    const before = await db.sql`SELECT version FROM schema_migrations ORDER BY version`;
    const output = await migrate(db.url);
    expect(output).not.toContain('Applying');
    expect(await db.sql`SELECT version FROM schema_migrations ORDER BY version`).toEqual(before);
  });

  test('dbmate reports every migration applied', async () => {
    const status = await dbmate(db.url, ['status']);
    expect(status).toMatch(/Pending: 0/);
    expect(status).not.toContain('[ ]');
  });

  test('the legacy data migration on a database without legacy tables leaves no data behind', async () => {
    const counts = await db.sql<{ n: number }[]>`
      SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tasks)
           + (SELECT count(*) FROM work_sessions) + (SELECT count(*) FROM user_task_totals) AS n`;
    expect(counts[0]?.n).toBe(0);
  });

  test('the embedded Postgres has btree_gist, so the no-overlap constraint (I5) exists', async () => {
    const rows = await db.sql`SELECT 1 FROM pg_constraint WHERE conname = 'work_sessions_no_overlap'`;
    expect(rows).toHaveLength(1);
  });
});
