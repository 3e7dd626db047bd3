/**
 * Runs `zero-cache` (the bin of @rocicorp/zero) beside the server (DESIGN §4
 * read path, §5 one command): it replicates Postgres by logical replication
 * and serves clients over WebSocket, asking our query/mutate endpoints what
 * each user may see and do.
 *
 * Invariants:
 *  1. It runs under the same Node as the server (process.execPath; Zero 1.9
 *     needs Node 22) through zero-cache-guard.ts, so no zero-cache process
 *     outlives the server, even when the server is killed.
 *  2. `startZeroCache` resolves only once zero-cache answers `GET /` with
 *     "OK"; otherwise it rejects with a ZeroCacheError that names the cause
 *     and carries zero-cache's last log lines, and nothing is left running.
 *  3. zero-cache replicates only the tables of the Zero schema (ZERO_TABLES,
 *     through our publication): never server_settings (secrets) or audit_log.
 *  4. `stop()` is idempotent and resolves once every zero-cache process is gone.
 *  5. One app id per database and zero-cache: two zero-caches with one app id
 *     on one database fight over the replication slot (ENVIRONMENT.md).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';

export interface ZeroCacheOptions {
  /** ZERO_UPSTREAM_DB: the app's Postgres (wal_level=logical). */
  readonly upstreamDb: string;
  /** ZERO_REPLICA_FILE: zero-cache's SQLite replica; its directory is created. */
  readonly replicaFile: string;
  /** ZERO_PORT; zero-cache also listens on port + 1. */
  readonly port: number;
  /** ZERO_APP_ID: lower-case letters, digits, underscores (invariant 5). */
  readonly appId: string;
  /** ZERO_QUERY_URL: the server's synced-query endpoint. */
  readonly queryUrl: string;
  /** ZERO_MUTATE_URL: the server's mutate endpoint. */
  readonly mutateUrl: string;
  /** ZERO_APP_PUBLICATIONS (invariant 3); see publication.ts. */
  readonly publication: string;
  /** ZERO_ADMIN_PASSWORD; default: random per start (nothing of ours uses the admin pages). */
  readonly adminPassword?: string;
  /** Where zero-cache's own log lines go (its INFO as debug); default: nowhere, kept for errors only. */
  readonly logger?: Logger;
  /** Default 60 s: a cold start takes about 4 s, much longer on a loaded machine. */
  readonly readyTimeoutMs?: number;
  /** More ZERO_* settings, e.g. ZERO_LOG_LEVEL. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ZeroCache {
  /** e.g. http://127.0.0.1:3001 — what clients use as Zero's cacheURL on this host. */
  readonly url: string;
  readonly port: number;
  /** The guard's pid; zero-cache's processes are its descendants. */
  readonly pid: number;
  /** zero-cache's most recent log lines (newest last). */
  recentLogs(): readonly string[];
  /** Resolves when zero-cache exits for any reason (after stop(), or by itself). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export class ZeroCacheError extends Error {
  override readonly name = 'ZeroCacheError';
}

const RECENT_LINES = 40;
const POLL_MS = 100;
const STOP_TIMEOUT_MS = 20_000;
const GUARD = fileURLToPath(new URL('./zero-cache-guard.ts', import.meta.url));

export async function startZeroCache(options: ZeroCacheOptions): Promise<ZeroCache> {
  checkNode();
  if (!/^[a-z0-9_]+$/.test(options.appId)) {
    throw new ZeroCacheError(`ZERO_APP_ID "${options.appId}" must consist of lower-case letters, digits and underscores`);
  }
  for (const port of [options.port, options.port + 1]) {
    if (!(await portIsFree(port))) {
      throw new ZeroCacheError(`zero-cache needs ports ${options.port} and ${options.port + 1} (ZERO_PORT and ZERO_PORT+1), but ${port} is in use`);
    }
  }
  await mkdir(dirname(options.replicaFile), { recursive: true });

  const recent: string[] = [];
  const guard = fork(GUARD, [zeroCacheCli()], {
    env: { ...process.env, ...zeroEnv(options) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: a Ctrl-C in the terminal reaches the server,
    // which stops zero-cache in order, and not zero-cache behind its back.
    detached: true,
    execArgv: [],
  });
  const exited = new Promise<void>((resolve) => guard.once('exit', () => resolve()));
  for (const stream of [guard.stdout, guard.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
      forward(options.logger, line);
    });
  }
  const killOnExit = (): void => {
    // Synchronous last resort if this process exits without stop(): the
    // guard stops zero-cache (its IPC channel closing would too).
    if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const stop = once(async () => {
    process.removeListener('exit', killOnExit);
    await stopGuard(guard, exited);
  });

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(url, guard, exited, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    const cause = error instanceof Error ? error.message : String(error);
    throw new ZeroCacheError(`zero-cache did not start: ${cause}\nLast zero-cache log lines:\n${recent.join('\n')}`);
  }
  // Nothing about zero-cache may keep the server process alive by itself.
  guard.unref();
  guard.channel?.unref();
  return { url, port: options.port, pid: guard.pid ?? -1, recentLogs: () => [...recent], exited, stop };
}

/** The environment zero-cache is started with (ENVIRONMENT.md "Zero 1.9"). */
export function zeroEnv(options: ZeroCacheOptions): Record<string, string> {
  return {
    ZERO_UPSTREAM_DB: options.upstreamDb,
    ZERO_REPLICA_FILE: options.replicaFile,
    ZERO_PORT: String(options.port),
    ZERO_APP_ID: options.appId,
    ZERO_APP_PUBLICATIONS: options.publication,
    ZERO_QUERY_URL: options.queryUrl,
    ZERO_MUTATE_URL: options.mutateUrl,
    ZERO_ADMIN_PASSWORD: options.adminPassword ?? randomBytes(18).toString('base64url'),
    ZERO_LOG_FORMAT: 'json',
    ZERO_ENABLE_TELEMETRY: 'false',
    DO_NOT_TRACK: '1',
    ...options.env,
  };
}

/** The zero-cache bin: out/zero/src/cli.js beside the package's main module. */
export function zeroCacheCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@rocicorp/zero')), 'cli.js');
}

function checkNode(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new ZeroCacheError(`zero-cache needs Node 22 or newer; this is Node ${process.versions.node} (run through npm start / npm test, which provide it)`);
  }
}

async function waitUntilReady(url: string, guard: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`it exited during start-up (code ${String(guard.exitCode)})`);
    if (await answersOk(url)) return;
    if (performance.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
    return res.ok && (await res.text()).trim() === 'OK';
  } catch {
    return false;
  }
}

async function stopGuard(guard: ChildProcess, exited: Promise<void>): Promise<void> {
  if (guard.exitCode !== null || guard.signalCode !== null) return;
  if (guard.connected) guard.send('stop');
  else guard.kill('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    guard.kill('SIGKILL');
    throw new ZeroCacheError(`zero-cache did not stop within ${STOP_TIMEOUT_MS} ms`);
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    // Same address zero-cache binds to (all interfaces).
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** zero-cache logs one JSON object per line (ZERO_LOG_FORMAT=json). */
function forward(logger: Logger | undefined, line: string): void {
  if (logger === undefined) return;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.debug(line);
    return;
  }
  const { level, message, ...rest } = entry;
  const text = typeof message === 'string' ? message : '';
  const fields = { zero: rest };
  switch (String(level).toUpperCase()) {
    case 'ERROR':
      logger.error(fields, text);
      break;
    case 'WARN':
      logger.warn(fields, text);
      break;
    default:
      logger.debug(fields, text);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
