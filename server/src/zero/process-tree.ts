/**
 * The processes below a process, for stopping zero-cache without orphans:
 * its workers run in their own process groups, so a group signal misses them,
 * and once their parent dies they are re-parented and spin on (ENVIRONMENT.md).
 *
 * Invariants:
 *  1. A process is identified by (pid, start time), so a pid the kernel reused
 *     for an unrelated process is never signalled.
 *  2. Reading the table never throws: a process that exits mid-scan is skipped.
 *  3. A zombie (exited, not yet reaped) counts as gone: nothing is left to stop.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessId {
  readonly pid: number;
  /** Start time in clock ticks since boot (Linux), or '' where unknown. */
  readonly start: string;
}

interface ProcessEntry extends ProcessId {
  readonly ppid: number;
  /** Exited, waiting for its parent to reap it: nothing left to stop. */
  readonly zombie: boolean;
}

/** Every live descendant of `root` (children, grandchildren, …), not `root` itself. */
export function descendantsOf(root: number): ProcessId[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of processTable()) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry]);
    else siblings.push(entry);
  }
  const found: ProcessId[] = [];
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push({ pid: child.pid, start: child.start });
      queue.push(child.pid);
    }
  }
  return found;
}

/** The live direct children of `parent`. */
export function childrenOf(parent: number): ProcessId[] {
  return processTable()
    .filter((entry) => entry.ppid === parent && !entry.zombie)
    .map(({ pid, start }) => ({ pid, start }));
}

/** True when the process still runs and is the same one (invariant 1). */
export function isAlive(id: ProcessId): boolean {
  const entry = readProcStat(id.pid);
  if (entry !== undefined) return !entry.zombie && (id.start === '' || entry.start === id.start);
  if (hasProc()) return false;
  try {
    process.kill(id.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal if the process is still the same one; false when it is gone. */
export function signal(id: ProcessId, sig: NodeJS.Signals): boolean {
  if (!isAlive(id)) return false;
  try {
    process.kill(id.pid, sig);
    return true;
  } catch {
    return false;
  }
}

function processTable(): ProcessEntry[] {
  if (hasProc()) {
    const entries: ProcessEntry[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const entry = readProcStat(Number(name));
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }
  // Not Linux: ps knows parents, not start times.
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((cols): cols is [number, number] => cols.length === 2 && cols.every(Number.isInteger))
    .map(([pid, ppid]) => ({ pid, ppid, start: '', zombie: false }));
}

function hasProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

function readProcStat(pid: number): ProcessEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid … starttime …": comm may hold spaces and
  // parentheses, so fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const start = fields[19];
  if (!Number.isInteger(ppid) || start === undefined) return undefined;
  return { pid, ppid, start, zombie: fields[0] === 'Z' };
}
