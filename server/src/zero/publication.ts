/**
 * The Postgres publication zero-cache replicates (ZERO_APP_PUBLICATIONS).
 * Without one, zero-cache publishes every table in `public`, which would copy
 * server_settings (the JWT secret, the admin token) and the audit log into its
 * replica file. With it, exactly the Zero schema's tables leave Postgres.
 *
 * Invariants:
 *  1. After `ensureZeroPublication`, the publication lists exactly `tables`.
 *  2. An unchanged publication is not touched (altering it makes zero-cache
 *     resynchronise), so calling this at every start is cheap and safe.
 */
import type { Sql } from '../db/sql.ts';

export const ZERO_PUBLICATION = 'stint_zero';

export async function ensureZeroPublication(sql: Sql, tables: readonly string[], name: string = ZERO_PUBLICATION): Promise<void> {
  const wanted = [...new Set(tables)].sort();
  const existing = await sql<{ tablename: string }[]>`
    SELECT tablename FROM pg_publication_tables WHERE pubname = ${name} AND schemaname = 'public' ORDER BY tablename`;
  const exists = (await sql`SELECT 1 FROM pg_publication WHERE pubname = ${name}`).length > 0;
  // Identifiers cannot be parameters; these come from the Zero schema, quoted.
  const list = wanted.map((table) => `public.${quoteIdent(table)}`).join(', ');
  if (!exists) {
    await sql.unsafe(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${list}`);
  } else if (existing.map((row) => row.tablename).join() !== wanted.join()) {
    await sql.unsafe(`ALTER PUBLICATION ${quoteIdent(name)} SET TABLE ${list}`);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
