/**
 * zero-cache's lifecycle with REAL zero-cache on REAL Postgres: nothing is
 * left running whichever way it ends (stop() is covered by the read-path
 * test in test/zero/). Cold starts take seconds, so hooks and tests get
 * generous timeouts.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { childrenOf, descendantsOf, isAlive } from './process-tree.ts';
import type { ProcessId } from './process-tree.ts';
import { ZERO_PUBLICATION, ensureZeroPublication } from './publication.ts';
import { dropReplicationSlots, startTestZeroCache } from './testing.ts';
import { ZeroCacheError, startZeroCache } from './zero-cache.ts';
import type { ZeroCacheOptions } from './zero-cache.ts';
import { ZERO_TABLES } from '@stint/shared/zero';

const db = await createTestDatabase();
const dir = await mkdtemp(join(tmpdir(), 'stint-zero-lifecycle-'));
afterAll(async () => {
  await dropReplicationSlots(db.sql);
  await rm(dir, { recursive: true, force: true });
  await db.drop();
}, 60_000);

// zero-cache only calls these when a client connects; none does here.
const NOWHERE = 'http://127.0.0.1:9/api/zero';

async function waitUntilGone(ids: readonly ProcessId[], timeoutMs: number): Promise<ProcessId[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = ids.filter(isAlive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function options(appId: string, port: number, overrides: Partial<ZeroCacheOptions> = {}): ZeroCacheOptions {
  return {
    upstreamDb: db.url,
    replicaFile: join(dir, appId, 'replica.db'),
    port,
    appId,
    queryUrl: `${NOWHERE}/query`,
    mutateUrl: `${NOWHERE}/mutate`,
    publication: ZERO_PUBLICATION,
    readyTimeoutMs: 90_000,
    ...overrides,
  };
}

describe('zero-cache lifecycle', () => {
  test('when its runner dies, the guard stops the orphaned workers and exits', async () => {
    const zero = await startTestZeroCache(db, 'http://127.0.0.1:9');
    const processes = descendantsOf(zero.pid);
    const runner = childrenOf(zero.pid)[0];
    expect(runner).toBeDefined();
    expect(processes.length).toBeGreaterThanOrEqual(3);
    process.kill(runner?.pid ?? -1, 'SIGKILL');
    await zero.exited;
    expect(await waitUntilGone(processes, 15_000)).toEqual([]);
    expect(isAlive({ pid: zero.pid, start: '' })).toBe(false);
    await zero.stop();
  }, 120_000);

  test('when the server is killed (SIGKILL), the guard stops zero-cache: no orphans', async () => {
    await ensureZeroPublication(db.sql, ZERO_TABLES);
    const script = join(dir, 'server.mjs');
    const zeroCacheModule = fileURLToPath(new URL('./zero-cache.ts', import.meta.url));
    await writeFile(
      script,
      `import { startZeroCache } from ${JSON.stringify(zeroCacheModule)};\n` +
        `const zero = await startZeroCache(JSON.parse(process.env.ZERO_TEST_OPTIONS));\n` +
        `process.stdout.write(JSON.stringify({ guard: zero.pid }) + '\\n');\n` +
        `setInterval(() => {}, 1 << 30);\n`,
    );
    const port = await freePort();
    const server = spawn(process.execPath, [script], {
      env: { ...process.env, ZERO_TEST_OPTIONS: JSON.stringify(options('t_killed_server', port)) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const guard = await new Promise<number>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"guard"'));
        if (line !== undefined) resolve((JSON.parse(line) as { guard: number }).guard);
      });
      server.once('exit', (code) => reject(new Error(`the server script exited (${String(code)}) before zero-cache was ready`)));
    });
    const processes = [{ pid: guard, start: '' }, ...descendantsOf(guard)];
    expect(processes.length).toBeGreaterThanOrEqual(4);
    const killedAt = performance.now();
    server.kill('SIGKILL');
    expect(await waitUntilGone(processes, 20_000)).toEqual([]);
    // zero-cache shuts down cleanly on SIGTERM; the guard's SIGKILL is only a fallback.
    expect(performance.now() - killedAt).toBeLessThan(9_000);
  }, 120_000);

  test('ports in use are refused at once, naming them, and nothing starts', async () => {
    const blocker = await listen(0);
    const port = (blocker.address() as AddressInfo).port;
    try {
      const started = startZeroCache(options('t_port_in_use', port));
      await expect(started).rejects.toThrow(ZeroCacheError);
      await expect(started).rejects.toThrow(`but ${port} is in use`);
    } finally {
      blocker.close();
    }
  });

  test('a zero-cache that cannot reach Postgres fails with its own last log lines, leaving nothing running', async () => {
    const port = await freePort();
    const started = startZeroCache(options('t_bad_upstream', port, { upstreamDb: 'postgres://nobody:x@127.0.0.1:9/none?sslmode=disable' }));
    const error = await started.then(
      () => expect.fail('zero-cache started without a database'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ZeroCacheError);
    expect(String((error as Error).message)).toMatch(/exited during start-up/);
    expect(String((error as Error).message)).toMatch(/Unable to connect to Postgres/);
    expect(descendantsOf(process.pid).filter((p) => commandLine(p.pid).includes('zero'))).toEqual([]);
  }, 120_000);

  test('an app id zero-cache would refuse is refused before anything starts', async () => {
    await expect(startZeroCache(options('Not-Valid', await freePort()))).rejects.toThrow('must consist of lower-case letters');
  });
});

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function freePort(): Promise<number> {
  for (;;) {
    const probe = await listen(0);
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const next = await listen(port + 1).catch(() => undefined);
    if (next === undefined) continue;
    await new Promise((resolve) => next.close(resolve));
    return port;
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, exclusive: true }, () => resolve(server));
  });
}
