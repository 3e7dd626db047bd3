/**
 * Shared set-up for engine unit tests: a memory server with a supervisor's
 * tasks, a worker, and an engine on a fresh fake IndexedDB database.
 */
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import type { Actor, Millis } from '@stint/shared';
import { createEngine } from '../engine.ts';
import type { Engine, EngineOptions } from '../engine.ts';
import { openJournal, readAllRows } from '../journal.ts';
import type { JournalRow } from '../journal.ts';
import { inProcessLocks } from '../locks.ts';
import type { LockManagerLike } from '../locks.ts';
import { MemoryReplica } from './memory-replica.ts';
import { MemoryServer } from './memory-server.ts';
import type { MemoryTransport } from './memory-server.ts';
import { manualTimers } from './manual-timers.ts';
import type { ManualTimers } from './manual-timers.ts';

export const T0: Millis = Date.UTC(2026, 10, 2, 8, 0);
export const WORKER: Actor = { user_id: 'w1', role: 'worker' };
export const OTHER_WORKER: Actor = { user_id: 'w2', role: 'worker' };
export const SUPERVISOR: Actor = { user_id: 's1', role: 'supervisor' };

let dbCounter = 0;
/** A database name no other test uses. */
export function freshDbName(prefix = 'engine-test'): string {
  dbCounter += 1;
  return `${prefix}-${process.pid}-${dbCounter}-${Math.random().toString(36).slice(2)}`;
}

export interface ManualClock {
  (): Millis;
  advance(ms: Millis): void;
  set(ms: Millis): void;
}

export function manualClock(start: Millis = T0): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

/** A memory server with tasks t1, t2, t3 (todo) created by the supervisor; t1 has checklist items c1, c2. */
export function seededServer(clock: () => Millis): MemoryServer {
  const server = new MemoryServer({ clock });
  for (const id of ['t1', 't2', 't3']) server.run(SUPERVISOR, `seed-${id}`, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
  server.run(SUPERVISOR, 'seed-c1', 'checklist.add', { checklist_item_id: 'c1', task_id: 't1', title: 'Drain the line', status: 1 });
  server.run(SUPERVISOR, 'seed-c2', 'checklist.add', { checklist_item_id: 'c2', task_id: 't1', title: 'Vent the line', status: 1 });
  return server;
}

export interface Rig {
  readonly server: MemoryServer;
  readonly transport: MemoryTransport;
  readonly replica: MemoryReplica;
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
  readonly locks: LockManagerLike;
  readonly dbName: string;
  engine: Engine;
  /** Opens another engine on the same journal (a second tab, or the page after a reload). */
  open(overrides?: Partial<EngineOptions>): Promise<Engine>;
}

export async function rig(options: { readonly online?: boolean; readonly engine?: Partial<EngineOptions>; readonly server?: (clock: () => Millis) => MemoryServer } = {}): Promise<Rig> {
  const clock = manualClock();
  const server = options.server?.(clock) ?? seededServer(clock);
  const transport = server.transport(WORKER);
  transport.online = options.online ?? true;
  const replica = new MemoryReplica(server);
  replica.pull();
  const timers = manualTimers();
  const locks = inProcessLocks();
  const dbName = freshDbName();
  let ids = 0;
  const open = (overrides: Partial<EngineOptions> = {}): Promise<Engine> =>
    createEngine({
      dbName,
      user: { id: WORKER.user_id, role: WORKER.role },
      deviceId: 'device-a',
      zone: 'Europe/Madrid',
      transport,
      replica,
      clock,
      random: () => 0.5,
      newId: () => `i-${(ids += 1).toString().padStart(5, '0')}`,
      locks,
      timers,
      ...options.engine,
      ...overrides,
    });
  const engine = await open();
  return { server, transport, replica, clock, timers, locks, dbName, engine, open };
}

/** Waits until `check` holds, polling briefly (for cross-tab liveQuery propagation). */
export async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `rig`, with every engine it opens closed after each test of the calling file. */
export function rigsClosedAfterEach(): (...args: Parameters<typeof rig>) => Promise<Rig> {
  const rigs: Rig[] = [];
  afterEach(async () => {
    for (const r of rigs.splice(0)) await r.engine.close();
  });
  return async (...args) => {
    const r = await rig(...args);
    rigs.push(r);
    return r;
  };
}

/** Every row of a journal, read through a connection of its own (as another tab would). */
export async function journalRows(dbName: string): Promise<JournalRow[]> {
  const db = openJournal(dbName);
  try {
    return await readAllRows(db);
  } finally {
    db.close();
  }
}
