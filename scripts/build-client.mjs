#!/usr/bin/env node
// Builds the web app (client/dist, `vite build`) unless the last successful
// build is newer than every client source. Run by `npm start` before the
// server, and by the e2e harness (test/e2e/harness.ts) before a browser opens.
//   1. Sources: client/src (tests excluded), client/public, index.html,
//      vite.config.ts, client/package.json, shared/src (the client bundles
//      it) and the lockfile. Any of them newer than the build's start → build.
//   2. The stamp (node_modules/.stint-client-build) holds the start time of
//      the last build that succeeded; it is removed before a build and written
//      only after it, so a failed or interrupted build is never taken as done.
//   3. One build at a time: parallel callers (two e2e files) wait on a lock
//      directory and then re-check, so dist/ is never rebuilt under a reader.
// Usage: node scripts/build-client.mjs [--force] [--quiet]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const client = join(root, 'client');
const stampFile = join(root, 'node_modules', '.stint-client-build');
const lockDir = join(root, 'node_modules', '.stint-client-build.lock');
const SOURCES = ['client/src', 'client/public', 'client/index.html', 'client/vite.config.ts', 'client/package.json', 'shared/src', 'pnpm-lock.yaml'];
const LOCK_STALE_MS = 5 * 60_000;

const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

if (!force && upToDate()) process.exit(0);
await withLock(() => {
  if (!force && upToDate()) return;
  build();
});

function upToDate() {
  if (!existsSync(join(client, 'dist', 'index.html')) || !existsSync(stampFile)) return false;
  const builtAt = Number(readFileSync(stampFile, 'utf8'));
  return Number.isFinite(builtAt) && SOURCES.every((source) => newestMtime(join(root, source)) <= builtAt);
}

function newestMtime(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function build() {
  const startedAt = Date.now();
  rmSync(stampFile, { force: true });
  const vite = join(client, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!quiet) console.error('[build-client] vite build (client/dist)');
  const result = spawnSync(process.execPath, [vite, 'build', ...(quiet ? ['--logLevel', 'error'] : [])], { cwd: client, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[build-client] vite build failed (exit ${result.status ?? result.signal}): fix the errors above, then run this again`);
    process.exit(result.status || 1);
  }
  writeFileSync(stampFile, String(startedAt));
}

async function withLock(run) {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS || Date.now() > deadline) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    run();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
