/**
 * One simulated device: a real engine (createEngine) on its own
 * fake-indexeddb factory, so a reload reopens exactly the data the last
 * engine left, with its own skewed clock, a seeded id source, manual timers
 * and a transport that goes through the simulated network.
 *
 * Invariants:
 *  1. The device's IndexedDB outlives its engines: a reload is `close()`
 *     then `open()`, a new engine on the same factory and database name.
 *  2. No drain pass runs unless the simulator started it: timers are
 *     manual and fire only when the simulator fires them, and every pass
 *     is tracked in `drive` (the start pass of a new engine is joined by
 *     the `sync()` the simulator calls right after opening).
 *  3. `clock()` is the server's virtual clock plus this device's skew,
 *     which the simulator sets (up to ±2 h) and makes jump.
 *  4. Intent ids are `<seed prefix><device>-<n>`, counted across reloads,
 *     so no two intents of a seed share an id.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Actor, Millis } from '@stint/shared';
import { createEngine, httpTransport, inProcessLocks, openJournal, readAllRows } from '../../client/src/engine/index.ts';
import type { Engine, JournalRow, LockManagerLike } from '../../client/src/engine/index.ts';
import { manualTimers } from '../../client/src/engine/testing/manual-timers.ts';
import type { ManualTimers } from '../../client/src/engine/testing/manual-timers.ts';
import type { Rng } from './prng.ts';
import type { SimNetwork } from './sim-network.ts';
import { SimReplica } from './sim-replica.ts';
import type { SimUser } from './sim-server.ts';

export interface DeviceOptions {
  readonly name: string;
  readonly prefix: string;
  readonly user: SimUser;
  readonly zone: string;
  readonly skewMs: Millis;
  readonly batchSize: number;
  /** How long settled journal rows are kept (the engine's retainMs); short ones make the engine prune during a seed. */
  readonly retainMs: Millis;
  readonly serverClock: () => Millis;
  readonly network: SimNetwork;
  readonly rng: Rng;
}

export class SimDevice {
  readonly name: string;
  readonly user: SimUser;
  readonly actor: Actor;
  readonly zone: string;
  readonly deviceId: string;
  readonly batchSize: number;
  readonly retainMs: Millis;
  readonly replica: SimReplica;
  readonly timers: ManualTimers = manualTimers();
  skewMs: Millis;
  partitioned = false;
  engine: Engine | null = null;
  /** The drain pass the simulator is following, until it ends. */
  drive: Promise<void> | null = null;
  /** Ids of every intent the engine journaled (act accepted). */
  readonly journaled: string[] = [];
  readonly dismissed = new Set<string>();
  /** Pending heartbeats a later beat of the same run stood in for (DESIGN §3.1): they leave the journal, sent or not. */
  readonly replaced = new Set<string>();
  /** Heartbeats: machine-made, so a rejection of one settles at once instead of waiting in the inbox. */
  readonly beats = new Set<string>();
  /** Journaled intents the engine pruned once settled (found at the end). */
  readonly pruned: string[] = [];

  private readonly options: DeviceOptions;
  private readonly factory = new IDBFactory();
  private readonly dbName: string;
  private readonly locks: LockManagerLike = inProcessLocks();
  private ids = 0;

  constructor(options: DeviceOptions) {
    this.options = options;
    this.name = options.name;
    this.user = options.user;
    this.actor = { user_id: options.user.id, role: options.user.role };
    this.zone = options.zone;
    this.skewMs = options.skewMs;
    this.deviceId = `${options.prefix}${options.name}`;
    this.batchSize = options.batchSize;
    this.retainMs = options.retainMs;
    this.dbName = `stint-${this.deviceId}`;
    this.replica = new SimReplica(this.actor);
  }

  clock = (): Millis => this.options.serverClock() + this.skewMs;

  /** A new engine on this device's IndexedDB, holding the drain lock (invariant 1). */
  async open(): Promise<Engine> {
    const { network, prefix, rng } = this.options;
    const engine = await createEngine({
      dbName: this.dbName,
      indexedDB: this.factory,
      IDBKeyRange,
      user: { id: this.user.id, role: this.user.role },
      deviceId: this.deviceId,
      zone: this.zone,
      transport: httpTransport({ baseUrl: '', token: this.user.token, fetch: network.fetchFor(this.name) }),
      replica: this.replica,
      clock: this.clock,
      random: () => rng.next(),
      newId: () => `${prefix}${this.name}-${(this.ids += 1)}`,
      locks: this.locks,
      timers: this.timers,
      batchSize: this.batchSize,
      retainMs: this.retainMs,
    });
    if (!engine.status.getSnapshot().leader) {
      await new Promise<void>((resolve) => {
        const stop = engine.status.subscribe(() => {
          if (engine.status.getSnapshot().leader) {
            stop();
            resolve();
          }
        });
      });
    }
    this.engine = engine;
    // The new leader's start pass is already running: follow it (invariant 2).
    this.startDrive(false);
    return engine;
  }

  /** Starts following a drain pass (joins the one running, if any). */
  startDrive(fireTimers: boolean): void {
    const engine = this.engine;
    if (engine === null || this.drive !== null) return;
    // Firing the manual timers runs what the engine scheduled (debounce, backoff, interval); sync() then joins that pass.
    if (fireTimers) this.timers.fire();
    const drive: Promise<void> = engine.sync().finally(() => {
      if (this.drive === drive) this.drive = null;
    });
    this.drive = drive;
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    await engine?.close();
  }

  /** Every journal row, read through a second connection (as another tab would). */
  async journal(): Promise<JournalRow[]> {
    const db = openJournal(this.dbName, { indexedDB: this.factory, IDBKeyRange });
    try {
      return await readAllRows(db);
    } finally {
      db.close();
    }
  }
}
