/**
 * How rows leave the journal: a decided intent the replica shows is settled
 * (it leaves the overlay for good, with nothing to flicker), and settled
 * rows are pruned once they are old.
 */
import type { Millis } from '@stint/shared';
import { Phase, markSettled, pruneSettled } from './journal.ts';
import type { JournalDb, JournalRow, OpenRows } from './journal.ts';
import type { ReplicaSource } from './local-view.ts';

export interface SettleDeps {
  readonly db: JournalDb;
  readonly replica: ReplicaSource;
  readonly rows: () => readonly JournalRow[];
  readonly adopt: (open: OpenRows) => void;
  readonly closed: () => boolean;
}

/** Settles what the replica shows now; one write at a time, and one more after it when asked meanwhile. */
export function createSettler(deps: SettleDeps): () => void {
  let settling = false;
  let again = false;
  const settle = async (): Promise<void> => {
    if (deps.closed()) return;
    if (settling) {
      again = true;
      return;
    }
    settling = true;
    try {
      const applied = deps.replica.appliedIntentIds();
      const ids = deps.rows().filter((row) => row.phase === Phase.decided && row.status !== 'rejected' && applied.has(row.id)).map((row) => row.id);
      if (ids.length > 0) deps.adopt(await markSettled(deps.db, ids));
    } catch {
      // Closing, or the journal is busy elsewhere: the next replica change retries.
    } finally {
      settling = false;
      if (again) {
        again = false;
        void settle();
      }
    }
  };
  return () => void settle();
}

const PRUNE_EVERY_MS = 3_600_000;

/** Deletes rows settled more than `retainMs` ago, at most once an hour. */
export function createPruner(db: JournalDb, clock: () => Millis, retainMs: Millis): () => Promise<void> {
  let lastPruneAt: Millis = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = clock();
    if (now - lastPruneAt < PRUNE_EVERY_MS) return;
    lastPruneAt = now;
    await pruneSettled(db, now - retainMs);
  };
}
