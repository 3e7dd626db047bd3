import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { COLUMNS, STORED_TABLES, columnsOf } from './columns.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

describe('column map', () => {
  test.each(STORED_TABLES)('%s: the map matches the migrated table, column for column and type for type', async (table) => {
    const rows = await db.sql<{ column_name: string; data_type: string }[]>`
      SELECT column_name,
             CASE data_type WHEN 'timestamp with time zone' THEN 'timestamptz' ELSE data_type END AS data_type
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table}
      ORDER BY ordinal_position`;
    expect(rows.map((r) => [r.column_name, r.data_type])).toEqual(
      columnsOf(table).map((column) => [column, (COLUMNS[table] as Record<string, string>)[column]]),
    );
  });
});
