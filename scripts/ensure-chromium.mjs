#!/usr/bin/env node
// The end-to-end tests drive Debian's Chromium (/usr/bin/chromium) with
// playwright-core; Playwright's own browser download does not work on these
// machines. Run by `npm test` (the verify script) before the tests, never by
// `npm start`.
//   1. Present → nothing to do (one stat; no apt, no network).
//   2. Missing → `apt-get install -y chromium` as root, or through `sudo -n`
//      when that works without a password; `apt-get update` first only if the
//      install fails (a fresh machine has no package lists).
//   3. Otherwise stop with one line saying what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const HINT = `[chromium] ${CHROMIUM} is missing and could not be installed: run "sudo apt-get install -y chromium" (the e2e tests drive it), then npm test again`;

if (existsSync(CHROMIUM)) process.exit(0);

const asRoot = process.getuid?.() === 0;
const sudo = !asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasApt || (!asRoot && !sudo)) {
  console.error(HINT);
  process.exit(1);
}

const apt = (...args) => {
  const [cmd, argv] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
};

console.error('[chromium] installing Debian\'s chromium for the e2e tests (apt-get install -y chromium)');
const installed = apt('install', '-y', '--no-install-recommends', 'chromium') || (apt('update') && apt('install', '-y', '--no-install-recommends', 'chromium'));
if (!installed || !existsSync(CHROMIUM)) {
  console.error(HINT);
  process.exit(1);
}
