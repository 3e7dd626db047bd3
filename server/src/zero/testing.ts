/**
 * Real zero-cache in tests: the app served on loopback (zero-cache calls its
 * query and mutate endpoints over HTTP) and one zero-cache per test database
 * with its own app id, replica file and ports.
 *
 *   const db = await createTestDatabase();
 *   const t = createTestApp(db);
 *   const served = await serveApp(t.app);
 *   const zero = await startTestZeroCache(db, served.url);
 *   afterAll(async () => { await zero.stop(); await served.close(); await db.drop(); });
 *
 * Invariants:
 *  1. `stop()` leaves nothing behind: zero-cache's processes are gone, its
 *     replication slots are dropped (a database with a slot cannot be
 *     dropped) and its temporary directory is removed.
 *  2. App ids are unique per call, so files running in parallel, or two
 *     zero-caches of one file, never share replication state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { ZERO_TABLES } from '@stint/shared/zero';
import type { Sql } from '../db/sql.ts';
import type { TestDatabase } from '../testing/create-test-database.ts';
import { ZERO_PUBLICATION, ensureZeroPublication } from './publication.ts';
import { ZeroCacheError, startZeroCache } from './zero-cache.ts';
import type { ZeroCache, ZeroCacheOptions } from './zero-cache.ts';

export interface ServedApp {
  /** e.g. http://127.0.0.1:43125 */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a fetch handler (the app) on 127.0.0.1, on a free port. */
export async function serveApp(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<ServedApp> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestZeroCache extends ZeroCache {
  readonly appId: string;
}

/** A zero-cache on the test database, calling back into the app at `appUrl` (invariants 1, 2). */
export async function startTestZeroCache(
  db: TestDatabase,
  appUrl: string,
  options: Partial<Pick<ZeroCacheOptions, 'readyTimeoutMs' | 'env' | 'logger'>> = {},
): Promise<TestZeroCache> {
  await ensureZeroPublication(db.sql, ZERO_TABLES);
  const dir = await mkdtemp(join(tmpdir(), 'stint-zero-'));
  const appId = `t_${randomBytes(5).toString('hex')}`;
  let zero: ZeroCache | undefined;
  for (let attempt = 1; zero === undefined; attempt += 1) {
    const port = await freePortPair();
    try {
      zero = await startZeroCache({
        upstreamDb: db.url,
        replicaFile: join(dir, 'replica.db'),
        port,
        appId,
        queryUrl: `${appUrl}/api/zero/query`,
        mutateUrl: `${appUrl}/api/zero/mutate`,
        publication: ZERO_PUBLICATION,
        readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
    } catch (error) {
      // Another file may have taken the ports between the probe and the start.
      const raced = error instanceof ZeroCacheError && error.message.includes('is in use');
      if (!raced || attempt >= 5) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const started = zero;
  let stopping: Promise<void> | undefined;
  return {
    ...started,
    appId,
    stop: () =>
      (stopping ??= (async () => {
        await started.stop();
        await dropReplicationSlots(db.sql);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

/** Drops this database's replication slots, waiting for their walsenders to let go. */
export async function dropReplicationSlots(sql: Sql, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const slots = await sql<{ slot_name: string; active_pid: number | null }[]>`
      SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = current_database()`;
    if (slots.length === 0) return;
    if (Date.now() > deadline + 5_000) throw new Error(`replication slots still held: ${slots.map((s) => s.slot_name).join(', ')}`);
    for (const slot of slots) {
      if (slot.active_pid !== null) {
        if (Date.now() > deadline) await sql`SELECT pg_terminate_backend(${slot.active_pid})`;
        continue;
      }
      await sql`SELECT pg_drop_replication_slot(${slot.slot_name})`.catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port p with p + 1 also free (zero-cache listens on both). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (port < 65_535 && (await listenOnce(port + 1).then(() => true, () => false))) return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, exclusive: true }, () => {
      const chosen = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(chosen));
    });
  });
}
