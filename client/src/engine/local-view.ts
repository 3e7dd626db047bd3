/**
 * Reactive snapshots for the UI, shaped for React's `useSyncExternalStore`:
 * `subscribe(listener)` and `getSnapshot()`, both safe to pass around
 * unbound.
 *
 * Invariants:
 *  1. `getSnapshot()` returns the same object until something it depends on
 *     changes (required by useSyncExternalStore, and cheap for memo).
 *  2. Snapshots are computed lazily: a change only marks them stale and
 *     notifies; the next read computes once, however many changes came.
 *  3. The view's fast path (`append`) is taken only when the snapshot the
 *     act was checked against is still current; anything else recomputes.
 */
import { applyEffects } from '@stint/shared';
import type { Effect, State } from '@stint/shared';
import type { JournalRow } from './journal.ts';
import { overlayOf, replay } from './replay.ts';
import type { ReplayEnv } from './replay.ts';

export interface Readable<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}

/** What the view reads of a replica: server state, and which intents it already shows. */
export interface ReplicaSource {
  getState(): State;
  subscribe(listener: () => void): () => void;
  /** Ids of intents whose outcome the replica already reflects (its applied_intents rows). */
  appliedIntentIds(): ReadonlySet<string>;
}

/** A lazily computed, change-notifying value (invariants 1 and 2). */
export interface DerivedStore<T> extends Readable<T> {
  invalidate(): void;
}

export function derivedStore<T>(compute: (previous: T | undefined) => T): DerivedStore<T> {
  const listeners = new Set<() => void>();
  let value: T | undefined;
  let stale = true;
  return {
    getSnapshot: () => {
      if (stale) {
        value = compute(value);
        stale = false;
      }
      return value as T;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    invalidate: () => {
      stale = true;
      for (const listener of [...listeners]) listener();
    },
  };
}

export interface LocalView extends DerivedStore<State> {
  /** Invariant 3: applies an act's effects to `checkedAgainst` if it is still the snapshot; false when it recomputed instead. */
  append(checkedAgainst: State, effects: readonly Effect[]): boolean;
}

/** The local view: replica state + overlay replayed (replay.ts). */
export function localView(replica: ReplicaSource, rows: () => readonly JournalRow[], env: () => ReplayEnv): LocalView {
  const listeners = new Set<() => void>();
  let snapshot: State | null = null;
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  const getSnapshot = (): State => {
    snapshot ??= replay(replica.getState(), overlayOf(rows(), replica.appliedIntentIds()), env());
    return snapshot;
  };
  return {
    getSnapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    invalidate: () => {
      snapshot = null;
      notify();
    },
    append: (checkedAgainst, effects) => {
      if (snapshot !== checkedAgainst) {
        snapshot = null;
        notify();
        return false;
      }
      if (effects.length > 0) {
        snapshot = applyEffects(checkedAgainst, effects);
        notify();
      }
      return true;
    },
  };
}
