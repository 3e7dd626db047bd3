/**
 * The client engine (issue 5): every action becomes an intent in the Dexie
 * journal, the local view shows it at once, and the leader tab drains the
 * journal to the server. The web app and the tests use only this API.
 *
 * Invariants:
 *  1. `act` checks args with the kind's schema and the shared rule against
 *     the current local view first; a refusal is returned and journaled NOT
 *     at all (the person sees it right away, and nothing is sent).
 *  2. An accepted act is committed to the journal (one transaction) before
 *     the view changes; if the commit fails, `act` rejects and the view
 *     never showed it.
 *  3. Acts of one engine are serialised: each is checked against a view
 *     that includes every earlier act.
 *  4. The view, status and inbox derive from the same journal rows, which
 *     every tab reads (Dexie liveQuery); a read older than what this tab
 *     already has (by rev) is dropped.
 *  5. Only the tab holding the drain lock drains, estimates the clock
 *     offset and writes the sync status; other tabs show what it wrote.
 *  6. A heartbeat continuing an unbroken run of beats replaces the task's
 *     pending heartbeat instead of adding a row (heartbeat-evidence.ts),
 *     decided inside the journal write, so two tabs beating at once still
 *     leave one row. Heartbeats are machine-made: "changes waiting" and
 *     the inbox count only the person's own acts.
 */
import { liveQuery } from 'dexie';
import { DEFAULT_STALE_CUTOFF_MS, INTENT_ARGS, MAX_REPORTED_ISSUES, applyIntent, domainError, toIso } from '@stint/shared';
import type { DomainError, Intent, IntentArgs, IntentKind, Millis, Role, State } from '@stint/shared';
import { DEFAULT_BACKOFF } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { createOffsetEstimator } from './clock-offset.ts';
import type { OffsetEstimator } from './clock-offset.ts';
import { createDrainer, realTimers } from './drainer.ts';
import type { Contact, Drainer, Timers } from './drainer.ts';
import { concernsTask, heartbeatArgs, lastBeatOf, planBeat, taskIdOf } from './heartbeat-evidence.ts';
import { inboxItems } from './inbox.ts';
import type { InboxItem } from './inbox.ts';
import {
  Phase,
  appendIntent,
  deviceIdOf,
  dismissRejection,
  isHeartbeat,
  markSettled,
  openJournal,
  pruneSettled,
  readOpenRows,
  readRev,
  readSyncMeta,
  writeSyncMeta,
} from './journal.ts';
import type { AppendPlan, IndexedDbDeps, JournalRow, NewJournalRow, OpenRows, SyncError, SyncMeta } from './journal.ts';
import { defaultLocks, drainLockName } from './locks.ts';
import type { LockManagerLike } from './locks.ts';
import { derivedStore, localView } from './local-view.ts';
import type { Readable, ReplicaSource } from './local-view.ts';
import { actContext } from './replay.ts';
import type { ReplayEnv } from './replay.ts';
import type { Transport } from './transport.ts';

export const MAX_ENGINE_BATCH = 100;

export interface EngineOptions extends IndexedDbDeps {
  /** One IndexedDB database per signed-in user on this device, e.g. `stint-${user.id}`. */
  readonly dbName: string;
  readonly user: { readonly id: string; readonly role: Role };
  /** Default: the id stored in the journal, or a new one stored there. */
  readonly deviceId?: string;
  /** The worker's IANA zone (e.g. `Intl.DateTimeFormat().resolvedOptions().timeZone`). */
  readonly zone: string;
  readonly transport: Transport;
  readonly replica: ReplicaSource;
  /** The device clock (default Date.now). */
  readonly clock?: () => Millis;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Intent ids (default crypto.randomUUID). */
  readonly newId?: () => string;
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
  /** How long settled rows stay in the journal (default 7 days). */
  readonly retainMs?: Millis;
  /** The server's STALE_CUTOFF_S in ms (default 180 s): beats this far apart are one unbroken run. */
  readonly staleCutoffMs?: Millis;
}

export interface SyncStatus {
  /** The server answered the last push. */
  readonly online: boolean;
  /** The person's intents not yet decided by the server ("changes waiting"; heartbeats are not counted, though they are sent). */
  readonly pending: number;
  /** Device time of the oldest of them. */
  readonly oldestPendingAt: Millis | null;
  /** Tasks with a heartbeat not yet sent, sorted: late evidence that may still extend a stale-closed work session. */
  readonly heartbeatsWaiting: readonly string[];
  /** Device time of the last answered push. */
  readonly lastSyncAt: Millis | null;
  readonly lastError: SyncError | null;
  /** Add to a device time to get server time. */
  readonly offsetMs: Millis;
  /** This tab drains the journal. */
  readonly leader: boolean;
}

export type ActResult =
  /** `replaced`: the id of the pending heartbeat this one stands in for (it left the journal unsent, or its answer is dropped). */
  | { readonly id: string; readonly accepted: true; readonly replaced?: string }
  | { readonly id: string; readonly accepted: false; readonly error: DomainError };

export interface Inbox extends Readable<readonly InboxItem[]> {
  dismiss(id: string): Promise<void>;
}

export interface Engine {
  act<K extends IntentKind>(kind: K, args: IntentArgs<K>): Promise<ActResult>;
  readonly view: Readable<State>;
  readonly status: Readable<SyncStatus>;
  readonly inbox: Inbox;
  readonly deviceId: string;
  /** Drains now if this tab is the leader (clears a halt and the backoff); resolves when the pass is done. */
  sync(): Promise<void>;
  /** Stops draining, releases the lead, closes the journal. Does not close the replica. */
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const db = openJournal(options.dbName, options);
  await db.open();
  const deviceId = await deviceIdOf(db, options.deviceId, newId);
  const actor = { user_id: options.user.id, role: options.user.role };
  const staleCutoffMs = options.staleCutoffMs ?? DEFAULT_STALE_CUTOFF_MS;

  let open: OpenRows = await readOpenRows(db);
  let sync: SyncMeta = await readSyncMeta(db);
  let leader = false;
  let closed = false;
  let drainer: Drainer | null = null;
  let estimator: OffsetEstimator | null = null;

  const env = (): ReplayEnv => {
    const offsetMs = sync.offsetMs ?? 0;
    return { actor, zone: options.zone, offsetMs, serverNow: clock() + offsetMs, staleCutoffMs };
  };
  const view = localView(options.replica, () => open.rows, env);
  const status = derivedStore<SyncStatus>((previous) => sameStatus(previous, statusOf(open.rows, sync, leader)));
  const inboxStore = derivedStore<readonly InboxItem[]>((previous) => sameInbox(previous, inboxItems(open.rows)));
  const changed = (): void => {
    view.invalidate();
    status.invalidate();
    inboxStore.invalidate();
  };

  /** Adopts journal rows read at some rev (invariant 4). */
  const adopt = (next: OpenRows): void => {
    if (closed || next.rev < open.rev) return;
    const same = sameRows(open.rows, next.rows);
    open = next;
    if (same) return;
    changed();
    if (drainer !== null && next.rows.some((row) => row.phase === Phase.pending)) drainer.kick('journal');
    // The replica may have shown an intent before its answer was stored here (a reload mid-drain).
    void settle();
  };

  const setSync = (next: SyncMeta, persist: boolean): void => {
    const offsetChanged = next.offsetMs !== sync.offsetMs;
    sync = next;
    if (offsetChanged) view.invalidate();
    status.invalidate();
    if (persist) void writeSyncMeta(db, next).catch(() => undefined);
  };

  const onContact = (contact: Contact): void => {
    if (contact.ok) {
      const serverTime = Date.parse(contact.response.server_time);
      const offsetMs = estimator?.sample(contact.sentAt, contact.receivedAt, serverTime) ?? sync.offsetMs;
      setSync({ online: true, lastSyncAt: contact.receivedAt, lastError: null, offsetMs }, true);
      return;
    }
    const { error, at } = contact;
    const lastError: SyncError = { kind: error.kind, status: error.status, code: error.code, message: error.message, at };
    setSync({ ...sync, online: error.kind === 'refused' ? sync.online : false, lastError }, true);
  };

  // Accepted intents the replica now shows leave the overlay for good.
  let settling = false;
  let settleAgain = false;
  async function settle(): Promise<void> {
    if (closed) return;
    if (settling) {
      settleAgain = true;
      return;
    }
    settling = true;
    try {
      const applied = options.replica.appliedIntentIds();
      const ids = open.rows.filter((row) => row.phase === Phase.decided && row.status !== 'rejected' && applied.has(row.id)).map((row) => row.id);
      if (ids.length > 0) adopt(await markSettled(db, ids));
    } catch {
      // Closing, or the journal is busy elsewhere: the next replica change retries.
    } finally {
      settling = false;
      if (settleAgain) {
        settleAgain = false;
        void settle();
      }
    }
  }
  const unsubscribeReplica = options.replica.subscribe(() => {
    view.invalidate();
    void settle();
  });

  // Every tab sees the same journal: re-read rows whenever another tab wrote (rev moved).
  const subscription = liveQuery(() =>
    db.transaction('r', db.intents, db.meta, async () => {
      const [rev, meta] = await Promise.all([readRev(db), readSyncMeta(db)]);
      return { meta, rows: rev === open.rev ? null : await readOpenRows(db) };
    }),
  ).subscribe({
    next: ({ meta, rows }) => {
      if (closed) return;
      if (!leader && !sameSyncMeta(meta, sync)) setSync(meta, false);
      if (rows !== null) adopt(rows);
    },
    error: () => undefined,
  });

  const becomeLeader = (): void => {
    leader = true;
    estimator = createOffsetEstimator(sync.offsetMs);
    // Online is unknown until this tab reaches the server (the first pass probes).
    setSync({ ...sync, online: false }, true);
    drainer = createDrainer({
      db,
      transport: options.transport,
      deviceId,
      zone: options.zone,
      clock,
      random: options.random ?? Math.random,
      timers: options.timers ?? realTimers,
      batchSize: Math.min(Math.max(1, options.batchSize ?? MAX_ENGINE_BATCH), MAX_ENGINE_BATCH),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      intervalMs: options.intervalMs ?? 30_000,
      debounceMs: options.debounceMs ?? 20,
      knownOnline: () => sync.online,
      onRows: adopt,
      onContact,
      onIdle: prune,
    });
    drainer.kick('start');
  };

  let lastPruneAt: Millis = Number.NEGATIVE_INFINITY;
  async function prune(): Promise<void> {
    const now = clock();
    if (now - lastPruneAt < 3_600_000) return;
    lastPruneAt = now;
    await pruneSettled(db, now - (options.retainMs ?? 7 * 24 * 3_600_000));
  }

  let releaseLead = (): void => undefined;
  const lead = new Promise<void>((resolve) => {
    releaseLead = resolve;
  });
  let granted = (): void => undefined;
  const grantedOnce = new Promise<void>((resolve) => {
    granted = resolve;
  });
  void (options.locks ?? defaultLocks())
    .request(drainLockName(options.dbName), async () => {
      if (closed) return;
      becomeLeader();
      granted();
      await lead;
    })
    .catch(() => undefined);

  const events = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };
  const onOnline = (): void => drainer?.kick('online');
  // The browser knows for sure when there is no network; say so before the next push fails.
  const onOffline = (): void => {
    if (leader) setSync({ ...sync, online: false }, true);
  };
  events.addEventListener?.('online', onOnline);
  events.addEventListener?.('offline', onOffline);

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const act = <K extends IntentKind>(kind: K, args: IntentArgs<K>): Promise<ActResult> =>
    serial(async (): Promise<ActResult> => {
      if (closed) throw new Error('The engine is closed');
      const id = newId();
      const schema = INTENT_ARGS[kind] as (typeof INTENT_ARGS)[IntentKind] | undefined;
      if (schema === undefined) return { id, accepted: false, error: domainError('INVALID_INPUT', `Unknown action ${String(kind)}`) };
      const parsed = schema.safeParse(args);
      if (!parsed.success) return { id, accepted: false, error: invalidArgs(parsed.error.issues) };
      const now = clock();
      const checkedAgainst = view.getSnapshot();
      const beat = kind === 'work.heartbeat' ? heartbeatPlanner(checkedAgainst, parsed.data as IntentArgs<'work.heartbeat'>, now) : null;
      const checkedArgs = beat?.args ?? parsed.data;
      const intent = { id, kind, args: checkedArgs, occurred_at: toIso(now) } as Intent;
      const serverNow = now + (sync.offsetMs ?? 0);
      const result = applyIntent(checkedAgainst, intent, actContext(id, serverNow, serverNow, env()));
      if (!result.ok) return { id, accepted: false, error: result.error };

      const row: NewJournalRow = {
        id,
        kind,
        args: checkedArgs,
        occurred_at: now,
        phase: Phase.pending,
        status: 'pending',
        effective_at: null,
        code: null,
        message: null,
        details: null,
        attempts: 0,
        last_error: null,
        created_at: now,
        decided_at: null,
        dismissed_at: null,
      };
      const { row: written, rev, replaced } = await appendIntent(db, row, beat?.plan(row));
      // Committed: only now may the view show it (invariant 2).
      if (!closed && open.rev < rev) {
        // Claim the rev only if no other tab wrote in between; otherwise the next read brings both.
        const kept = replaced === null ? open.rows : open.rows.filter((other) => other.seq !== replaced.seq);
        open = { rev: open.rev === rev - 1 ? rev : open.rev, rows: [...kept, written] };
        // The checked effects stack on the replaced beat's; the view replays the journal afresh instead.
        if (replaced === null && written.args === checkedArgs) view.append(checkedAgainst, result.value);
        else view.invalidate();
        status.invalidate();
      }
      drainer?.kick('act');
      return replaced === null ? { id, accepted: true } : { id, accepted: true, replaced: replaced.id };
    });

  /**
   * A heartbeat's args as checked (its run from the rows this tab holds) and
   * its plan for the journal write, which decides again from the rows as
   * they are then (invariant 6).
   */
  function heartbeatPlanner(checkedAgainst: State, beat: IntentArgs<'work.heartbeat'>, now: Millis): { args: IntentArgs<'work.heartbeat'>; plan: (row: NewJournalRow) => AppendPlan } {
    const shown = options.replica.appliedIntentIds();
    const concerns = concernsTask(checkedAgainst, beat.task_id);
    const previous = lastBeatOf(open.rows, beat.task_id, shown);
    const later = previous === undefined ? [] : open.rows.filter((row) => row.seq > previous.seq);
    const args = heartbeatArgs(beat, planBeat(previous, later, now, staleCutoffMs, concerns));
    return {
      args,
      plan: (row) => async (rows, rowsAfter) => {
        const latest = lastBeatOf(rows, beat.task_id, shown);
        const planned = planBeat(latest, latest === undefined ? [] : await rowsAfter(latest.seq), now, staleCutoffMs, concerns);
        const written = heartbeatArgs(beat, planned);
        // Keep the checked args object when nothing changed, so the act can tell (`written.args === args`).
        return { row: { ...row, args: written.alive_since === args.alive_since ? args : written }, replaces: planned.replaces };
      },
    };
  }

  // A free lock is granted within a tick; give it that, so `status.leader` and `sync()` are meaningful at once.
  await Promise.race([grantedOnce, new Promise((resolve) => setTimeout(resolve, 0))]);

  return {
    act,
    view,
    status,
    inbox: {
      getSnapshot: inboxStore.getSnapshot,
      subscribe: inboxStore.subscribe,
      dismiss: async (id) => {
        adopt(await dismissRejection(db, id, clock()));
      },
    },
    deviceId,
    sync: () => drainer?.drainNow() ?? Promise.resolve(),
    close: async () => {
      if (closed) return;
      closed = true;
      drainer?.stop();
      releaseLead();
      subscription.unsubscribe();
      unsubscribeReplica();
      events.removeEventListener?.('online', onOnline);
      events.removeEventListener?.('offline', onOffline);
      await queue;
      db.close();
    },
  };
}

function statusOf(rows: readonly JournalRow[], sync: SyncMeta, leader: boolean): SyncStatus {
  let pending = 0;
  let oldestPendingAt: Millis | null = null;
  const beating = new Set<string>();
  for (const row of rows) {
    if (row.phase !== Phase.pending) continue;
    if (isHeartbeat(row)) {
      const taskId = taskIdOf(row);
      if (taskId !== null) beating.add(taskId);
      continue;
    }
    pending += 1;
    if (oldestPendingAt === null || row.occurred_at < oldestPendingAt) oldestPendingAt = row.occurred_at;
  }
  return {
    online: sync.online,
    pending,
    oldestPendingAt,
    heartbeatsWaiting: [...beating].sort(),
    lastSyncAt: sync.lastSyncAt,
    lastError: sync.lastError,
    offsetMs: sync.offsetMs ?? 0,
    leader,
  };
}

function sameStatus(previous: SyncStatus | undefined, next: SyncStatus): SyncStatus {
  if (previous === undefined) return next;
  const keys = Object.keys(next) as (keyof SyncStatus)[];
  return keys.every((key) => sameValue(previous[key], next[key])) ? previous : next;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}

function sameInbox(previous: readonly InboxItem[] | undefined, next: readonly InboxItem[]): readonly InboxItem[] {
  if (previous === undefined || previous.length !== next.length) return next;
  return previous.every((item, i) => item.id === next[i]?.id && item.follows === next[i]?.follows) ? previous : next;
}

/** Rows equal in everything the view, status and inbox read. */
function sameRows(a: readonly JournalRow[], b: readonly JournalRow[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i];
    return other !== undefined && row.seq === other.seq && row.phase === other.phase && row.status === other.status && row.dismissed_at === other.dismissed_at && row.effective_at === other.effective_at;
  });
}

function sameSyncMeta(a: SyncMeta, b: SyncMeta): boolean {
  return a.online === b.online && a.lastSyncAt === b.lastSyncAt && a.offsetMs === b.offsetMs && a.lastError?.at === b.lastError?.at;
}

function invalidArgs(issues: readonly { path: readonly PropertyKey[]; message: string }[]): DomainError {
  const listed = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = listed[0];
  return domainError('INVALID_INPUT', first === undefined ? 'Invalid input' : `Invalid input: ${first.path === '' ? '' : `${first.path}: `}${first.message}`, { issues: listed });
}
