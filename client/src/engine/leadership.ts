/**
 * Which tab drains: the one holding the drain lock (locks.ts). On getting
 * it, this tab starts a drainer and a clock-offset estimator; on closing, it
 * stops them and hands the lock to the next tab.
 *
 * Only the leader drains, estimates the clock offset and writes the sync
 * status; the other tabs show what it wrote.
 */
import type { Millis } from '@stint/shared';
import { DEFAULT_BACKOFF } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { createOffsetEstimator } from './clock-offset.ts';
import type { OffsetEstimator } from './clock-offset.ts';
import { createDrainer, realTimers } from './drainer.ts';
import type { Contact, DrainTrigger, Drainer, Timers } from './drainer.ts';
import type { JournalDb, OpenRows, SyncError, SyncMeta } from './journal.ts';
import { defaultLocks, drainLockName } from './locks.ts';
import type { LockManagerLike } from './locks.ts';
import type { Transport } from './transport.ts';

export const MAX_ENGINE_BATCH = 100;

/** The engine options the drain reads. */
export interface DrainOptions {
  /** One IndexedDB database per signed-in user on this device, e.g. `stint-${user.id}`. */
  readonly dbName: string;
  /** The worker's IANA zone (e.g. `Intl.DateTimeFormat().resolvedOptions().timeZone`). */
  readonly zone: string;
  readonly transport: Transport;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Default: navigator.locks, else one in-process lock manager. */
  readonly locks?: LockManagerLike;
  readonly timers?: Timers;
  /** At most 100 (default 100). */
  readonly batchSize?: number;
  readonly backoff?: BackoffPolicy;
  /** Default 30 s. */
  readonly intervalMs?: Millis;
  /** Default 20 ms. */
  readonly debounceMs?: Millis;
}

export interface LeadershipDeps {
  readonly options: DrainOptions;
  readonly db: JournalDb;
  readonly deviceId: string;
  readonly clock: () => Millis;
  readonly sync: () => SyncMeta;
  readonly setSync: (next: SyncMeta, persist: boolean) => void;
  readonly onRows: (open: OpenRows) => void;
  /** After a pass that left nothing pending. */
  readonly onIdle: () => Promise<void>;
  readonly closed: () => boolean;
}

export interface Leadership {
  readonly leader: boolean;
  /** Resolves once the lock is granted, or after a tick when another tab holds it (a free lock is granted within one). */
  readonly settled: Promise<void>;
  kick(trigger: DrainTrigger): void;
  /** Drains now if this tab leads; resolves when the pass is done. */
  drainNow(): Promise<void>;
  /** Stops draining and hands the lock on. */
  release(): void;
}

export function seekLeadership(deps: LeadershipDeps): Leadership {
  const { options } = deps;
  let leader = false;
  let drainer: Drainer | null = null;
  let estimator: OffsetEstimator | null = null;

  const onContact = (contact: Contact): void => {
    const sync = deps.sync();
    if (contact.ok) {
      const serverTime = Date.parse(contact.response.server_time);
      const offsetMs = estimator?.sample(contact.sentAt, contact.receivedAt, serverTime) ?? sync.offsetMs;
      deps.setSync({ online: true, lastSyncAt: contact.receivedAt, lastError: null, offsetMs }, true);
      return;
    }
    const { error, at } = contact;
    const lastError: SyncError = { kind: error.kind, status: error.status, code: error.code, message: error.message, at };
    deps.setSync({ ...sync, online: error.kind === 'refused' ? sync.online : false, lastError }, true);
  };

  const lead = (): void => {
    leader = true;
    estimator = createOffsetEstimator(deps.sync().offsetMs);
    // Online is unknown until this tab reaches the server (the first pass probes).
    deps.setSync({ ...deps.sync(), online: false }, true);
    drainer = createDrainer({
      db: deps.db,
      transport: options.transport,
      deviceId: deps.deviceId,
      zone: options.zone,
      clock: deps.clock,
      random: options.random ?? Math.random,
      timers: options.timers ?? realTimers,
      batchSize: Math.min(Math.max(1, options.batchSize ?? MAX_ENGINE_BATCH), MAX_ENGINE_BATCH),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      intervalMs: options.intervalMs ?? 30_000,
      debounceMs: options.debounceMs ?? 20,
      knownOnline: () => deps.sync().online,
      onRows: deps.onRows,
      onContact,
      onIdle: deps.onIdle,
    });
    drainer.kick('start');
  };

  let handOver = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    handOver = resolve;
  });
  let granted = (): void => undefined;
  const grantedOnce = new Promise<void>((resolve) => {
    granted = resolve;
  });
  void (options.locks ?? defaultLocks())
    .request(drainLockName(options.dbName), async () => {
      if (deps.closed()) return;
      lead();
      granted();
      await held;
    })
    .catch(() => undefined);

  const events = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };
  const onOnline = (): void => drainer?.kick('online');
  // The browser knows for sure when there is no network; say so before the next push fails.
  const onOffline = (): void => {
    if (leader) deps.setSync({ ...deps.sync(), online: false }, true);
  };
  events.addEventListener?.('online', onOnline);
  events.addEventListener?.('offline', onOffline);

  return {
    get leader() {
      return leader;
    },
    settled: Promise.race([grantedOnce, new Promise<void>((resolve) => setTimeout(resolve, 0))]),
    kick: (trigger) => drainer?.kick(trigger),
    drainNow: () => drainer?.drainNow() ?? Promise.resolve(),
    release: () => {
      drainer?.stop();
      handOver();
      events.removeEventListener?.('online', onOnline);
      events.removeEventListener?.('offline', onOffline);
    },
  };
}
