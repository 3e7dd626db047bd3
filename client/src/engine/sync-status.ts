/**
 * The sync status a tab shows, derived from the journal rows it holds and
 * the sync meta the leader wrote.
 */
import type { Millis } from '@stint/shared';
import { taskIdOf } from './heartbeat-evidence.ts';
import { Phase, isHeartbeat } from './journal.ts';
import type { JournalRow, SyncError, SyncMeta } from './journal.ts';

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

/** The status now; `previous` itself when nothing in it changed. */
export function syncStatus(previous: SyncStatus | undefined, rows: readonly JournalRow[], sync: SyncMeta, leader: boolean): SyncStatus {
  const next = statusOf(rows, sync, leader);
  if (previous === undefined) return next;
  const keys = Object.keys(next) as (keyof SyncStatus)[];
  return keys.every((key) => sameValue(previous[key], next[key])) ? previous : next;
}

export function sameSyncMeta(a: SyncMeta, b: SyncMeta): boolean {
  return a.online === b.online && a.lastSyncAt === b.lastSyncAt && a.offsetMs === b.offsetMs && a.lastError?.at === b.lastError?.at;
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

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}
