/**
 * A small watchdog between the server and zero-cache, run as its own Node
 * process: `node zero-cache-guard.ts <zero-cache cli.js>` with an IPC channel
 * to the server. zero-cache's runner forks workers into their own process
 * groups; if the runner dies they are re-parented and spin on, and if the
 * server dies (even by SIGKILL) nobody would stop zero-cache at all. The
 * guard notices both and leaves nothing behind.
 *
 * Invariants:
 *  1. The guard ends zero-cache when told to ('stop' message, SIGTERM,
 *     SIGINT) and when its parent goes away (the IPC channel closes).
 *  2. Stopping is SIGTERM to the runner (zero-cache drains and stops its
 *     workers), then after GRACE_MS SIGKILL to every process that was ever
 *     below the guard and still runs.
 *  3. If zero-cache exits on its own, its leftover workers are stopped the
 *     same way, and the guard exits with a non-zero code.
 *  4. The guard exits only once nothing it started is alive.
 */
import { spawn } from 'node:child_process';
import { descendantsOf, isAlive, signal } from './process-tree.ts';
import type { ProcessId } from './process-tree.ts';

const GRACE_MS = 10_000;
const POLL_MS = 100;
const SCAN_MS = 1_000;

const cli = process.argv[2];
if (cli === undefined || process.send === undefined) {
  process.stderr.write('zero-cache-guard: run by the server with an IPC channel and the zero-cache cli path\n');
  process.exit(2);
}

const known = new Map<number, ProcessId>();
// zero-cache's output goes through the guard rather than straight to the
// server's pipes: once the server is gone, writes to those pipes fail, and
// zero-cache must still be able to log its way through a clean shutdown.
const runner = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
let stopping = false;
let parentGone = false;
for (const [from, to] of [[runner.stdout, process.stdout], [runner.stderr, process.stderr]] as const) {
  to.on('error', () => {
    parentGone = true;
  });
  from.on('data', (chunk: Buffer) => {
    if (!parentGone) to.write(chunk);
  });
}

remember();
const scan = setInterval(remember, SCAN_MS);

runner.on('exit', (code, sig) => {
  void cleanUp().then(() => {
    if (!stopping) report(`zero-cache exited by itself (code ${String(code)}, signal ${String(sig)})`);
    process.exit(stopping ? 0 : 1);
  });
});
runner.on('error', (error) => {
  report(`could not start zero-cache: ${error.message}`);
  process.exit(1);
});

process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', () => {
  parentGone = true;
  stop();
});
process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());

function stop(): void {
  if (stopping) return;
  stopping = true;
  remember();
  if (runner.pid !== undefined && runner.exitCode === null && runner.signalCode === null) runner.kill('SIGTERM');
  // Invariant 2: whatever outlives the grace period is killed.
  setTimeout(() => killAll('SIGKILL'), GRACE_MS).unref();
}

/** After the runner is gone: wait for its workers, then make sure (invariants 3, 4). */
async function cleanUp(): Promise<void> {
  clearInterval(scan);
  if (!stopping) killAll('SIGTERM');
  const deadline = Date.now() + (stopping ? GRACE_MS : 3_000);
  while (alive().length > 0 && Date.now() < deadline) await sleep(POLL_MS);
  killAll('SIGKILL');
  while (alive().length > 0) await sleep(POLL_MS);
}

function remember(): void {
  for (const id of descendantsOf(process.pid)) known.set(id.pid, id);
  for (const [pid, id] of known) if (!isAlive(id)) known.delete(pid);
}

function alive(): ProcessId[] {
  return [...known.values()].filter(isAlive);
}

function killAll(sig: NodeJS.Signals): void {
  for (const id of alive()) signal(id, sig);
}

function report(message: string): void {
  process.stderr.write(`${JSON.stringify({ level: 'error', message: `zero-cache-guard: ${message}` })}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
