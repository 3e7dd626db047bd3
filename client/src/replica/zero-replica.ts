/**
 * The client's replica of server state, fed by Zero (DESIGN §4, read path):
 * the synced queries of shared/src/zero/queries.ts materialised for the
 * signed-in user and exposed as the in-memory `State` the shared rules read,
 * plus the user's own intent outcomes.
 *
 *   const zero = createStintZero({ cacheURL, token, user });
 *   const replica = new ZeroReplica(zero);
 *   const off = replica.subscribe(() => render(replica.getState()));
 *   replica.appliedIntentIds().has(intentId) // the server decided it, and its effects are in getState()
 *
 * Invariants:
 *  1. `getState()` returns the same object until Zero delivers a change, then
 *     a new one (unchanged tables shared): snapshots are immutable and cheap
 *     to compare by identity.
 *  2. One server transaction is seen whole: Zero advances every query to the
 *     same version in one synchronous pass; listeners are told once after
 *     it (a microtask later), so no snapshot holds an intent's outcome
 *     without its effects or the reverse. That is what lets the client
 *     engine drop a pending intent the moment `appliedIntentIds()` has it,
 *     without a flicker.
 *  3. Rows are plain objects with exactly the columns of their row type
 *     (Zero's view entries carry bookkeeping symbols and are not handed out).
 *  4. audit_log is never synced: its table in the state stays empty.
 *  5. After `close()` nothing changes and no listener is called again.
 */
import { emptyState, rowKey } from '@stint/shared';
import type { State, TableName, Tables, UserRow } from '@stint/shared';
import { zeroQueries, zeroSchema } from '@stint/shared/zero';
import type { AppliedIntentRow, ZeroTableName } from '@stint/shared/zero';
import type { StintZero } from './stint-zero.ts';

/** Whether every query has the server's complete answer yet (Zero's result type). */
export type ReplicaStatus = 'unknown' | 'complete' | 'error';

export interface Replica {
  /** Server state as the replica holds it now (invariant 1). */
  getState(): State;
  /** Called after every change (invariant 2); returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Ids of the user's intents whose outcome the server recorded. */
  appliedIntentIds(): ReadonlySet<string>;
  /** The same outcomes, by intent id: status, code, message, effective_at. */
  appliedIntents(): ReadonlyMap<string, AppliedIntentRow>;
  /** The users this user may see (themselves, booking partners; everyone for supervisors). */
  users(): ReadonlyMap<string, UserRow>;
  status(): ReplicaStatus;
  /** Resolves once every query is complete; rejects if one fails or the replica closes first. */
  whenComplete(): Promise<void>;
  close(): void;
}

export interface ZeroReplicaOptions {
  /** Sync only outcomes received at or after this server time (ms); default: all of the user's. */
  readonly appliedIntentsSince?: number;
}

type StateTable = Exclude<TableName, 'audit_log'>;

interface TrackedView {
  readonly data: unknown;
  addListener(listener: (data: unknown, resultType: ReplicaStatus) => void): () => void;
  destroy(): void;
}

export class ZeroReplica implements Replica {
  #state: State = emptyState();
  #applied: ReadonlyMap<string, AppliedIntentRow> = new Map();
  #appliedIds: ReadonlySet<string> = new Set();
  #users: ReadonlyMap<string, UserRow> = new Map();
  readonly #listeners = new Set<() => void>();
  readonly #views: TrackedView[] = [];
  readonly #statuses: ReplicaStatus[] = [];
  readonly #copies = new WeakMap<object, object>();
  readonly #completeWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #notifyScheduled = false;
  #closed = false;

  constructor(zero: StintZero, options: ZeroReplicaOptions = {}) {
    const since = options.appliedIntentsSince;
    this.#track(zero.materialize(zeroQueries.tasks()), (rows) => this.#setTable('tasks', rows));
    this.#track(zero.materialize(zeroQueries.checklistItems()), (rows) => this.#setTable('checklist_items', rows));
    this.#track(zero.materialize(zeroQueries.workSessions()), (rows) => this.#setTable('work_sessions', rows));
    this.#track(zero.materialize(zeroQueries.userTaskTotals()), (rows) => this.#setTable('user_task_totals', rows));
    this.#track(zero.materialize(zeroQueries.sops()), (rows) => this.#setTable('sops', rows));
    this.#track(zero.materialize(zeroQueries.sopVersions()), (rows) => this.#setTable('sop_versions', rows));
    this.#track(zero.materialize(zeroQueries.procedureRuns()), (rows) => this.#setTable('procedure_runs', rows));
    this.#track(zero.materialize(zeroQueries.safetyChecks()), (rows) => this.#setTable('safety_checks', rows));
    this.#track(zero.materialize(zeroQueries.bookings()), (rows) => this.#setTable('bookings', rows));
    this.#track(zero.materialize(zeroQueries.users()), (rows) => {
      this.#users = this.#index('users', rows, (row) => row.id);
    });
    this.#track(zero.materialize(zeroQueries.appliedIntents(since === undefined ? undefined : { since })), (rows) => {
      this.#applied = this.#index('applied_intents', rows, (row) => row.id);
      this.#appliedIds = new Set(this.#applied.keys());
    });
  }

  getState(): State {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    const registered = (): void => listener();
    this.#listeners.add(registered);
    return () => {
      this.#listeners.delete(registered);
    };
  }

  appliedIntentIds(): ReadonlySet<string> {
    return this.#appliedIds;
  }

  appliedIntents(): ReadonlyMap<string, AppliedIntentRow> {
    return this.#applied;
  }

  users(): ReadonlyMap<string, UserRow> {
    return this.#users;
  }

  status(): ReplicaStatus {
    if (this.#statuses.includes('error')) return 'error';
    return this.#statuses.every((s) => s === 'complete') ? 'complete' : 'unknown';
  }

  whenComplete(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The replica is closed'));
    const status = this.status();
    if (status === 'complete') return Promise.resolve();
    if (status === 'error') return Promise.reject(new Error('A synced query failed'));
    return new Promise((resolve, reject) => this.#completeWaiters.push({ resolve, reject }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const view of this.#views) view.destroy();
    this.#listeners.clear();
    this.#settleWaiters(new Error('The replica closed before it was complete'));
  }

  #track(view: TrackedView, apply: (rows: readonly object[]) => void): void {
    const index = this.#views.length;
    this.#views.push(view);
    this.#statuses.push('unknown');
    // Zero calls the listener at once with the current rows, then after every
    // transaction that changed this query's result.
    view.addListener((data, resultType) => {
      if (this.#closed) return;
      apply(data as readonly object[]);
      this.#statuses[index] = resultType;
      this.#scheduleNotify();
    });
  }

  #setTable<T extends StateTable>(table: T, rows: readonly object[]): void {
    const map = new Map<string, Tables[T]>();
    for (const entry of rows) {
      const row = this.#plain(table, entry) as Tables[T];
      map.set(rowKey(table, row), row);
    }
    this.#state = { ...this.#state, [table]: map };
  }

  #index<T extends 'users' | 'applied_intents', R>(table: T, rows: readonly object[], key: (row: R) => string): ReadonlyMap<string, R> {
    const map = new Map<string, R>();
    for (const entry of rows) {
      const row = this.#plain(table, entry) as R;
      map.set(key(row), row);
    }
    return map;
  }

  /**
   * A plain copy of a view entry with exactly the table's columns (invariant
   * 3). Zero never changes an entry after handing it to a listener (it copies
   * on write), so copies are cached by entry and unchanged rows keep their
   * identity from one snapshot to the next.
   */
  #plain(table: ZeroTableName, entry: object): object {
    const cached = this.#copies.get(entry);
    if (cached !== undefined) return cached;
    const source = entry as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const column of Object.keys(zeroSchema.tables[table].columns)) copy[column] = source[column] ?? null;
    this.#copies.set(entry, copy);
    return copy;
  }

  #scheduleNotify(): void {
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    // Invariant 2: Zero updates every view of one transaction synchronously;
    // telling listeners a microtask later shows them the whole transaction.
    queueMicrotask(() => {
      this.#notifyScheduled = false;
      if (this.#closed) return;
      const status = this.status();
      if (status === 'complete') this.#settleWaiters();
      if (status === 'error') this.#settleWaiters(new Error('A synced query failed'));
      for (const listener of [...this.#listeners]) listener();
    });
  }

  #settleWaiters(error?: Error): void {
    const waiters = this.#completeWaiters.splice(0);
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
