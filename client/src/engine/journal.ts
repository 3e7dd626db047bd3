/**
 * The intent journal: the device's durable outbox (DESIGN §4), one Dexie
 * (IndexedDB) database per signed-in user and device. Every tab opens the
 * same database, so every tab sees the same journal.
 *
 * Invariants:
 *  1. An intent row is written in one transaction, before anything shows its
 *     effect; `seq` comes from IndexedDB's key generator, so it is strictly
 *     increasing across tabs and never reused, even after rows are pruned.
 *  2. A row moves only forward: phase pending → decided → settled; its
 *     outcome (status, effective_at, code, message) is written once, when
 *     the server answers, and never changed after.
 *  3. Every write to `intents` bumps the `rev` meta row in the same
 *     transaction, so a reader that sees a rev sees every write up to it
 *     (tabs compare revs to drop stale reads).
 *  4. Only settled rows are pruned: the replica already shows them, the
 *     person dismissed their rejection, or it was a refused heartbeat.
 *  5. The one row ever deleted before it settles is a pending heartbeat that
 *     a later beat of the same unbroken run stands in for
 *     (heartbeat-evidence.ts): deleted and the beat appended in one
 *     transaction. If it was in flight, its answer finds no row and is
 *     dropped; the beat after it carries the same evidence again.
 *  6. Heartbeats are machine-made: a refused one is settled at once, never
 *     put before the person (the stale prompt covers a gap; DESIGN §3.1).
 */
import { Dexie } from 'dexie';
import type { EntityTable } from 'dexie';
import { unreachable } from '@stint/shared';
import type { IntentKind, Millis, OutcomeStatus, ReceivedOutcome, RejectionCode } from '@stint/shared';

/** Bump when the schema below changes, and add a `db.version(n)` step (never edit an old one). */
export const JOURNAL_SCHEMA_VERSION = 1;

export const Phase = {
  /** Not yet decided by the server: the drain sends these. */
  pending: 'pending',
  /** Outcome stored; accepted ones stay in the view's overlay until the replica shows them, rejected ones sit in the inbox. */
  decided: 'decided',
  /** Shown by the replica (accepted), dismissed (rejected) or a refused heartbeat; kept a while for history, then pruned. */
  settled: 'settled',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** Where a journaled intent stands: pending, or the server's outcome. */
export type IntentStatus = 'pending' | OutcomeStatus;

export interface JournalRow {
  /** Journal order (IndexedDB auto-increment key). */
  readonly seq: number;
  readonly id: string;
  readonly kind: IntentKind;
  /** Args as parsed by the kind's schema when the intent was recorded. */
  readonly args: unknown;
  /** The device's clock when the person acted (epoch ms). */
  readonly occurred_at: Millis;
  readonly phase: Phase;
  readonly status: IntentStatus;
  /** Server UTC time the intent took effect (accepted ones). */
  readonly effective_at: Millis | null;
  /** The server's rejection code; a newer server may send one this version does not know. */
  readonly code: RejectionCode | null;
  /** The server's rejection reason, or what it adjusted. */
  readonly message: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
  /** Pushes that carried this intent without getting its outcome back. */
  readonly attempts: number;
  /** Why the last push of this intent failed, if it did. */
  readonly last_error: string | null;
  readonly created_at: Millis;
  /** Device time the outcome was stored. */
  readonly decided_at: Millis | null;
  readonly dismissed_at: Millis | null;
}

export type NewJournalRow = Omit<JournalRow, 'seq'>;

/** Sync status every tab shows, written by the draining tab. */
export interface SyncMeta {
  readonly online: boolean;
  readonly lastSyncAt: Millis | null;
  readonly lastError: SyncError | null;
  /** Smoothed device clock offset: add to a device time to get server time. */
  readonly offsetMs: Millis | null;
}

export interface SyncError {
  /** network: unreachable; server: 5xx / unreadable answer (both retried); refused: the server refused the whole batch (not retried until `sync()`). */
  readonly kind: 'network' | 'server' | 'refused';
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string;
  readonly at: Millis;
}

export const EMPTY_SYNC_META: SyncMeta = { online: false, lastSyncAt: null, lastError: null, offsetMs: null };

type MetaRow =
  | { readonly key: 'rev'; readonly value: number }
  | { readonly key: 'device'; readonly value: string }
  | { readonly key: 'sync'; readonly value: SyncMeta };

export type JournalDb = Dexie & {
  intents: EntityTable<JournalRow, 'seq'>;
  meta: EntityTable<MetaRow, 'key'>;
};

/** Where to find IndexedDB: the browser's by default, fake-indexeddb's in Node tests. */
export interface IndexedDbDeps {
  readonly indexedDB?: { open: (...args: never[]) => unknown };
  readonly IDBKeyRange?: { bound: (...args: never[]) => unknown; lowerBound: (...args: never[]) => unknown; upperBound: (...args: never[]) => unknown };
}

export function openJournal(name: string, deps: IndexedDbDeps = {}): JournalDb {
  // `cache: 'disabled'`: Dexie 4's optimistic liveQuery cache would show a
  // write before it commits; the journal must never show what is not durable.
  // The globals are read now, not when Dexie was loaded, so a test may install fake-indexeddb after importing this.
  const ambient = globalThis as IndexedDbDeps;
  const indexedDB = deps.indexedDB ?? ambient.indexedDB;
  const keyRange = deps.IDBKeyRange ?? ambient.IDBKeyRange;
  const db = new Dexie(name, {
    ...(indexedDB === undefined ? {} : { indexedDB }),
    ...(keyRange === undefined ? {} : { IDBKeyRange: keyRange }),
    cache: 'disabled',
  }) as JournalDb;
  db.version(JOURNAL_SCHEMA_VERSION).stores({
    intents: '++seq, &id, [phase+seq]',
    meta: 'key',
  });
  return db;
}

/** What a tab needs of the journal: every row not yet settled, at one rev. */
export interface OpenRows {
  readonly rev: number;
  readonly rows: readonly JournalRow[];
}

export async function readOpenRows(db: JournalDb): Promise<OpenRows> {
  return db.transaction('r', db.intents, db.meta, () => openRowsIn(db));
}

export async function readRev(db: JournalDb): Promise<number> {
  const row = await db.meta.get('rev');
  return row?.key === 'rev' ? row.value : 0;
}

export async function readSyncMeta(db: JournalDb): Promise<SyncMeta> {
  const row = await db.meta.get('sync');
  return row?.key === 'sync' ? row.value : EMPTY_SYNC_META;
}

export async function writeSyncMeta(db: JournalDb, meta: SyncMeta): Promise<void> {
  await db.meta.put({ key: 'sync', value: meta });
}

/** The device id every tab of this journal sends: the given one, else the stored one, else a new one (stored). */
export async function deviceIdOf(db: JournalDb, given: string | undefined, newId: () => string): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get('device');
    if (given !== undefined) {
      if (row?.value !== given) await db.meta.put({ key: 'device', value: given });
      return given;
    }
    if (row?.key === 'device') return row.value;
    const id = newId();
    await db.meta.put({ key: 'device', value: id });
    return id;
  });
}

/**
 * An intent whose row depends on the journal as it is when it is written (a
 * heartbeat continuing a run): given the open rows and a way to read the
 * rows after a seq, inside the append's own transaction, it returns the row
 * to append and the pending row it stands in for, if any (invariant 5).
 */
export type AppendPlan = (
  open: readonly JournalRow[],
  rowsAfter: (seq: number) => Promise<JournalRow[]>,
) => Promise<{ readonly row: NewJournalRow; readonly replaces: JournalRow | null }>;

export interface Appended {
  readonly row: JournalRow;
  readonly rev: number;
  /** The pending row the new one replaced (deleted in the same transaction). */
  readonly replaced: JournalRow | null;
}

/** Appends one intent (invariant 1), planned inside the transaction when a plan is given; returns the row with its seq and the new rev. */
export async function appendIntent(db: JournalDb, row: NewJournalRow, plan?: AppendPlan): Promise<Appended> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    let next = row;
    let replaced: JournalRow | null = null;
    if (plan !== undefined) {
      const planned = await plan((await openRowsIn(db)).rows, (seq) => db.intents.where('seq').above(seq).toArray());
      next = planned.row;
      if (planned.replaces?.phase === Phase.pending) {
        replaced = planned.replaces;
        await db.intents.delete(replaced.seq);
      }
    }
    const seq = await db.intents.add(next as JournalRow);
    return { row: { ...next, seq }, rev: await bumpRev(db), replaced };
  });
}

/** A new intent's row, not yet sent. */
export function pendingRow(id: string, kind: IntentKind, args: unknown, at: Millis): NewJournalRow {
  return {
    id,
    kind,
    args,
    occurred_at: at,
    phase: Phase.pending,
    status: 'pending',
    effective_at: null,
    code: null,
    message: null,
    details: null,
    attempts: 0,
    last_error: null,
    created_at: at,
    decided_at: null,
    dismissed_at: null,
  };
}

/** Heartbeats are made by the app, not the person (invariant 6). */
export function isHeartbeat(row: Pick<JournalRow, 'kind'>): boolean {
  return row.kind === 'work.heartbeat';
}

/** The oldest pending rows, in journal order. */
export async function pendingBatch(db: JournalDb, limit: number): Promise<JournalRow[]> {
  return db.intents.where('[phase+seq]').between([Phase.pending, Dexie.minKey], [Phase.pending, Dexie.maxKey]).limit(limit).toArray();
}

/**
 * Stores the server's outcomes on their rows (invariant 2) and counts an
 * attempt on every row of the batch without one. Returns the open rows after.
 */
export async function storeOutcomes(db: JournalDb, batch: readonly JournalRow[], outcomes: readonly ReceivedOutcome[], at: Millis): Promise<OpenRows> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    const current = await db.intents.bulkGet(batch.map((row) => row.seq));
    const updates: JournalRow[] = [];
    for (const row of current) {
      if (row === undefined || row.phase !== Phase.pending) continue;
      const outcome = byId.get(row.id);
      updates.push(outcome === undefined ? { ...row, attempts: row.attempts + 1, last_error: 'no outcome in the answer' } : decide(row, outcome, at));
    }
    await db.intents.bulkPut(updates);
    await bumpRev(db);
    return openRowsIn(db);
  });
}

/** Counts a failed attempt on the rows of a batch that is not coming back. */
export async function markAttempt(db: JournalDb, batch: readonly JournalRow[], message: string): Promise<OpenRows> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    const current = await db.intents.bulkGet(batch.map((row) => row.seq));
    const updates = current.filter((row): row is JournalRow => row?.phase === Phase.pending).map((row) => ({ ...row, attempts: row.attempts + 1, last_error: message }));
    await db.intents.bulkPut(updates);
    await bumpRev(db);
    return openRowsIn(db);
  });
}

/** Decided rows the replica now shows leave the overlay for good. */
export async function markSettled(db: JournalDb, ids: readonly string[]): Promise<OpenRows> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    const rows = await db.intents.where('id').anyOf([...ids]).toArray();
    const updates = rows.filter((row) => row.phase === Phase.decided && row.status !== 'rejected').map((row) => ({ ...row, phase: Phase.settled }));
    if (updates.length > 0) {
      await db.intents.bulkPut(updates);
      await bumpRev(db);
    }
    return openRowsIn(db);
  });
}

/** A rejection the person has seen: out of the inbox. */
export async function dismissRejection(db: JournalDb, id: string, at: Millis): Promise<OpenRows> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    const row = await db.intents.get({ id });
    if (row !== undefined && row.status === 'rejected' && row.phase === Phase.decided) {
      await db.intents.put({ ...row, phase: Phase.settled, dismissed_at: at });
      await bumpRev(db);
    }
    return openRowsIn(db);
  });
}

/** Deletes settled rows decided before `before` (invariant 4); returns how many. */
export async function pruneSettled(db: JournalDb, before: Millis): Promise<number> {
  return db.transaction('rw', db.intents, db.meta, async () => {
    const old = await db.intents
      .where('[phase+seq]')
      .between([Phase.settled, Dexie.minKey], [Phase.settled, Dexie.maxKey])
      .filter((row) => (row.decided_at ?? row.created_at) < before)
      .primaryKeys();
    if (old.length > 0) {
      await db.intents.bulkDelete(old);
      await bumpRev(db);
    }
    return old.length;
  });
}

/** Every row, in journal order (diagnostics and tests). */
export async function readAllRows(db: JournalDb): Promise<JournalRow[]> {
  return db.intents.orderBy('seq').toArray();
}

function decide(row: JournalRow, outcome: ReceivedOutcome, at: Millis): JournalRow {
  const base = { ...row, phase: Phase.decided, status: outcome.status, decided_at: at, attempts: row.attempts + 1, last_error: null };
  switch (outcome.status) {
    case 'accepted':
      return { ...base, effective_at: Date.parse(outcome.effective_at) };
    case 'accepted_with_adjustment':
      return { ...base, effective_at: Date.parse(outcome.effective_at), message: outcome.message ?? null };
    case 'rejected':
      // Invariant 6: a refused heartbeat never reaches the inbox.
      return { ...base, phase: isHeartbeat(row) ? Phase.settled : Phase.decided, code: outcome.code, message: outcome.message, details: outcome.details ?? null };
    default:
      return unreachable(outcome);
  }
}

async function openRowsIn(db: JournalDb): Promise<OpenRows> {
  const [rev, pending, decided] = await Promise.all([
    readRev(db),
    db.intents.where('[phase+seq]').between([Phase.pending, Dexie.minKey], [Phase.pending, Dexie.maxKey]).toArray(),
    db.intents.where('[phase+seq]').between([Phase.decided, Dexie.minKey], [Phase.decided, Dexie.maxKey]).toArray(),
  ]);
  return { rev, rows: mergeBySeq(decided, pending) };
}

async function bumpRev(db: JournalDb): Promise<number> {
  const rev = (await readRev(db)) + 1;
  await db.meta.put({ key: 'rev', value: rev });
  return rev;
}

function mergeBySeq(a: readonly JournalRow[], b: readonly JournalRow[]): JournalRow[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq);
}
