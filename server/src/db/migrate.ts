/**
 * Schema migrations with dbmate (the binary its npm package ships), from
 * server/db/migrations/*.sql (`-- migrate:up` / `-- migrate:down`).
 *
 * Invariants:
 *  1. `migrate(url)` creates the database if it is missing and applies every
 *     pending migration, each in its own transaction; running it again is a
 *     no-op. Applied versions live in dbmate's `schema_migrations` table.
 *  2. No schema dump: there is no pg_dump here, and the migrations are the
 *     schema's single source.
 *  3. Nothing from a `.env` file or DBMATE_* variables of the surrounding
 *     shell changes what runs: every option is passed explicitly.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveBinary } from 'dbmate';

/** server/db/migrations, wherever the process runs from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url));

export interface MigrateOptions {
  /** Default: MIGRATIONS_DIR. Tests point it at a subset to stop at a version. */
  readonly migrationsDir?: string;
}

export async function migrate(url: string, options: MigrateOptions = {}): Promise<string> {
  return dbmate(url, ['up'], options);
}

/** Runs one dbmate command (e.g. `['status']`); resolves with its output. */
export async function dbmate(url: string, command: readonly string[], options: MigrateOptions = {}): Promise<string> {
  const args = [
    '--url', withSslMode(url),
    '--migrations-dir', options.migrationsDir ?? MIGRATIONS_DIR,
    '--no-dump-schema',
    '--env-file', '/dev/null',
    ...command,
  ];
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  return new Promise((resolve, reject) => {
    execFile(resolveBinary(), args, { env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || stdout || error.message).trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`dbmate ${command.join(' ')} failed: ${detail}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/**
 * dbmate's Postgres driver requires TLS unless told otherwise, while
 * postgres.js defaults to plain connections; a URL that says nothing gets the
 * same plain connection in both.
 */
function withSslMode(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}
