#!/usr/bin/env node
// Entry point of every root npm script. It runs under whatever Node the
// machine has (20 or newer) and makes the rest of the toolchain true:
//   1. Node 22 and pnpm live in .tools/ (installed from the npm registry; the
//      `node` package ships a real binary), because @rocicorp/zero needs Node 22.
//   2. Workspace dependencies are installed whenever the lockfile or a
//      package.json changed since the last install (stamp in node_modules/).
//   3. The requested pnpm command runs with Node 22 first on PATH, so every
//      script below it (vitest, tsc, the server) runs on Node 22.
// Usage: node scripts/bootstrap.mjs <pnpm args…>
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '22.23.3';
const PNPM_VERSION = '10.34.8';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const toolsBin = join(tools, 'node_modules', '.bin');
const node22 = join(toolsBin, 'node');
const pnpmEntry = join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const env = { ...process.env, PATH: `${toolsBin}:${process.env.PATH ?? ''}` };

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function toolVersion(pkg) {
  const file = join(tools, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

function ensureTools() {
  const nodeOk = existsSync(node22) && toolVersion('node') === NODE_VERSION;
  if (nodeOk && toolVersion('pnpm') === PNPM_VERSION) return;
  console.error(`[bootstrap] installing Node ${NODE_VERSION} and pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), '{"private":true}\n');
  const status = run('npm', ['install', '--prefix', tools, '--no-audit', '--no-fund', '--loglevel=error',
    `node@${NODE_VERSION}`, `pnpm@${PNPM_VERSION}`]);
  if (status !== 0 || !existsSync(node22)) {
    console.error('[bootstrap] could not install Node 22 into .tools/');
    process.exit(status || 1);
  }
}

function installStamp() {
  const hash = createHash('sha256');
  for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json',
    'shared/package.json', 'server/package.json', 'client/package.json', 'test/package.json']) {
    const path = join(root, file);
    hash.update(file).update(existsSync(path) ? readFileSync(path) : '');
  }
  return `${NODE_VERSION}:${hash.digest('hex')}`;
}

function pnpm(args) {
  return run(node22, [pnpmEntry, ...args]);
}

function ensureDependencies() {
  const stampFile = join(root, 'node_modules', '.stint-install-stamp');
  const want = installStamp();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return;
  console.error('[bootstrap] installing workspace dependencies');
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
  writeFileSync(stampFile, installStamp());
}

ensureTools();
const args = process.argv.slice(2);
const managesDeps = args.some((a) => ['install', 'i', 'add', 'remove', 'rm', 'update', 'up'].includes(a));
if (!managesDeps) ensureDependencies();
process.exit(args.length === 0 ? 0 : pnpm(args));
