/**
 * The benchmark's own world: an embedded Postgres in a temporary directory,
 * migrated, and the real app served over HTTP on loopback (127.0.0.1 only),
 * with a supervisor and a worker and their tokens. Everything is torn down by
 * `stop()`; nothing outlives the run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Role } from '@stint/shared';
import { createApp } from '../../server/src/app.ts';
import { systemClock } from '../../server/src/clock.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Config } from '../../server/src/config.ts';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.ts';
import { migrate } from '../../server/src/db/migrate.ts';
import { createSql } from '../../server/src/db/sql.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import { createLogger } from '../../server/src/log.ts';
import { insertUser } from '../../server/src/users/users.ts';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface BenchUser {
  readonly id: string;
  readonly role: Role;
  readonly token: string;
}

export interface Harness {
  readonly sql: Sql;
  readonly config: Config;
  readonly baseUrl: string;
  readonly postgresSettings: Readonly<Record<string, string>>;
  readonly supervisor: BenchUser;
  readonly worker: BenchUser;
  /** A JSON request to the app over loopback; throws unless the status is `expect`. */
  request(method: string, path: string, token: string, body: unknown, expect?: number): Promise<unknown>;
  stop(): Promise<void>;
}

/** The test suite's settings (fsync off, synchronous_commit on): commits wait for the WAL write, not the disk flush. */
const POSTGRES_SETTINGS = { fsync: 'off', synchronous_commit: 'on', full_page_writes: 'off' } as const;

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'stint-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, settings: POSTGRES_SETTINGS });
  const stops: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true }), () => pg.stop()];
  try {
    const url = pg.url('stint_bench');
    await migrate(url);
    const sql = createSql(url, { max: 10 });
    stops.push(() => sql.end({ timeout: 5 }));
    const config = loadConfig({ ADMIN_TOKEN, LOG_LEVEL: 'silent' }, dir);
    const app = createApp({ sql, config, clock: systemClock, logger: createLogger('silent') });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    stops.push(() => new Promise<void>((done) => {
      server.close(() => done());
      if ('closeAllConnections' in server) server.closeAllConnections();
    }));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const request = async (method: string, path: string, token: string, body: unknown, expect = 200): Promise<unknown> => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return text === '' ? undefined : JSON.parse(text);
    };
    const user = async (id: string, role: Role): Promise<BenchUser> => {
      await insertUser(sql, { id, name: id, role, created_at: systemClock() });
      const issued = (await request('POST', `/api/v1/users/${id}/tokens`, ADMIN_TOKEN, undefined, 201)) as { data: { token: string } };
      return { id, role, token: issued.data.token };
    };

    return {
      sql,
      config,
      baseUrl,
      postgresSettings: POSTGRES_SETTINGS,
      supervisor: await user('bench-supervisor', 'supervisor'),
      worker: await user('bench-worker', 'worker'),
      request,
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
