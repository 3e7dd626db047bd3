/**
 * The client engine: every action becomes an intent in the Dexie journal,
 * the local view shows it at once, and the leader tab drains the journal to
 * the server. The web app and the tests use only this API.
 *
 * This file composes the parts: acting (act.ts), settling (settle.ts) and
 * leadership with its drain (leadership.ts). It holds what they share: the
 * journal rows this tab has read, the sync meta, and the view, status and
 * inbox derived from them. Every tab reads the same journal (Dexie
 * liveQuery); a read older than what this tab already has (by rev) is
 * dropped.
 */
import { liveQuery } from 'dexie';
import { DEFAULT_STALE_CUTOFF_MS } from '@stint/shared';
import type { IntentArgs, IntentKind, Millis, Role, State } from '@stint/shared';
import { createActing } from './act.ts';
import type { ActResult } from './act.ts';
import { inboxItems, sameInbox } from './inbox.ts';
import type { InboxItem } from './inbox.ts';
import { Phase, deviceIdOf, dismissRejection, openJournal, readOpenRows, readRev, readSyncMeta, writeSyncMeta } from './journal.ts';
import type { IndexedDbDeps, JournalRow, OpenRows, SyncMeta } from './journal.ts';
import { seekLeadership } from './leadership.ts';
import type { DrainOptions } from './leadership.ts';
import { derivedStore, localView } from './local-view.ts';
import type { Readable, ReplicaSource } from './local-view.ts';
import type { ReplayEnv } from './replay.ts';
import { createPruner, createSettler } from './settle.ts';
import { sameSyncMeta, syncStatus } from './sync-status.ts';
import type { SyncStatus } from './sync-status.ts';

export type { ActResult } from './act.ts';
export { MAX_ENGINE_BATCH } from './leadership.ts';
export type { SyncStatus } from './sync-status.ts';

export interface EngineOptions extends IndexedDbDeps, DrainOptions {
  readonly user: { readonly id: string; readonly role: Role };
  /** Default: the id stored in the journal, or a new one stored there. */
  readonly deviceId?: string;
  readonly replica: ReplicaSource;
  /** The device clock (default Date.now). */
  readonly clock?: () => Millis;
  /** Intent ids (default crypto.randomUUID). */
  readonly newId?: () => string;
  /** How long settled rows stay in the journal (default 7 days). */
  readonly retainMs?: Millis;
  /** The server's STALE_CUTOFF_S in ms (default 180 s): beats this far apart are one unbroken run. */
  readonly staleCutoffMs?: Millis;
}

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
  let closed = false;
  const isClosed = (): boolean => closed;
  const rows = (): readonly JournalRow[] => open.rows;

  const env = (): ReplayEnv => {
    const offsetMs = sync.offsetMs ?? 0;
    return { actor, zone: options.zone, offsetMs, serverNow: clock() + offsetMs, staleCutoffMs };
  };
  const view = localView(options.replica, rows, env);
  const status = derivedStore<SyncStatus>((previous) => syncStatus(previous, open.rows, sync, leadership.leader));
  const inboxStore = derivedStore<readonly InboxItem[]>((previous) => sameInbox(previous, inboxItems(open.rows)));

  /** Takes in journal rows read at some rev. */
  const adopt = (next: OpenRows): void => {
    if (closed || next.rev < open.rev) return;
    const same = sameRows(open.rows, next.rows);
    open = next;
    if (same) return;
    view.invalidate();
    status.invalidate();
    inboxStore.invalidate();
    if (next.rows.some((row) => row.phase === Phase.pending)) leadership.kick('journal');
    // The replica may have shown an intent before its answer was stored here (a reload mid-drain).
    settle();
  };

  const setSync = (next: SyncMeta, persist: boolean): void => {
    const offsetChanged = next.offsetMs !== sync.offsetMs;
    sync = next;
    if (offsetChanged) view.invalidate();
    status.invalidate();
    if (persist) void writeSyncMeta(db, next).catch(() => undefined);
  };

  const settle = createSettler({ db, replica: options.replica, rows, adopt, closed: isClosed });
  const unsubscribeReplica = options.replica.subscribe(() => {
    view.invalidate();
    settle();
  });

  const leadership = seekLeadership({
    options,
    db,
    deviceId,
    clock,
    sync: () => sync,
    setSync,
    onRows: adopt,
    onIdle: createPruner(db, clock, options.retainMs ?? 7 * 24 * 3_600_000),
    closed: isClosed,
  });

  // Re-read the rows whenever another tab wrote (rev moved).
  const subscription = liveQuery(() =>
    db.transaction('r', db.intents, db.meta, async () => {
      const [rev, meta] = await Promise.all([readRev(db), readSyncMeta(db)]);
      return { meta, rows: rev === open.rev ? null : await readOpenRows(db) };
    }),
  ).subscribe({
    next: ({ meta, rows: read }) => {
      if (closed) return;
      if (!leadership.leader && !sameSyncMeta(meta, sync)) setSync(meta, false);
      if (read !== null) adopt(read);
    },
    error: () => undefined,
  });

  const acting = createActing({
    db,
    newId,
    clock,
    staleCutoffMs,
    replica: options.replica,
    view,
    env,
    rows,
    committed: ({ row, rev, replaced }) => {
      if (closed || open.rev >= rev) return false;
      // Claim the rev only if no other tab wrote in between; otherwise the next read brings both.
      const kept = replaced === null ? open.rows : open.rows.filter((other) => other.seq !== replaced.seq);
      open = { rev: open.rev === rev - 1 ? rev : open.rev, rows: [...kept, row] };
      return true;
    },
    shown: () => status.invalidate(),
    acted: () => leadership.kick('act'),
    closed: isClosed,
  });

  await leadership.settled;

  return {
    act: acting.act,
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
    sync: () => leadership.drainNow(),
    close: async () => {
      if (closed) return;
      closed = true;
      leadership.release();
      subscription.unsubscribe();
      unsubscribeReplica();
      await acting.finished();
      db.close();
    },
  };
}

/** Rows equal in everything the view, status and inbox read. */
function sameRows(a: readonly JournalRow[], b: readonly JournalRow[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i];
    return other !== undefined && row.seq === other.seq && row.phase === other.phase && row.status === other.status && row.dismissed_at === other.dismissed_at && row.effective_at === other.effective_at;
  });
}
