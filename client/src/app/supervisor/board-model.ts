/**
 * The live board: who works on what right now. One entry per
 * person with open work sessions, each session with its live timer; every
 * worker without one listed as idle; and the counts a supervisor scans first.
 *
 * Invariants:
 *  1. Every open session in the state appears exactly once, under its user,
 *     even when that user is not in the users map (shown by id).
 *  2. A worker is idle iff they have no open session; nobody is both.
 *  3. Timers use the shared rule (`elapsedMs`): closed time of that user on
 *     the task + the open session's running time; never negative.
 *  4. Counts: active = open sessions; open tasks = not done or skipped;
 *     unclaimed = open tasks nobody claimed.
 *  5. Time claimed back (DESIGN §3.1): every work session its owner extended
 *     after a stale close (`extended_by_owner`) that ended today — the local
 *     day of `now` in the session's own zone — is listed under its worker,
 *     and a running one carries the mark too: that time rests on the
 *     worker's word, not on a device's evidence.
 */
import { DEFAULT_STALE_CUTOFF_MS, Role, TaskStatus, activeSessionsOf, elapsedMs, getRow, isStale, rowsOfTable } from '@stint/shared';
import type { Millis, State, UserRow, WorkSessionRow } from '@stint/shared';
import { knownZone, localDay } from './zone-time.ts';

/** The server's default stale cutoff (STALE_CUTOFF_S = 180): a session this quiet is about to be closed. */
export const QUIET_AFTER_MS: Millis = DEFAULT_STALE_CUTOFF_MS;

export interface BoardSession {
  readonly sessionId: string;
  readonly taskId: string;
  readonly taskTitle: string;
  readonly startedAt: Millis;
  /** This session's running time. */
  readonly sessionMs: Millis;
  /** The worker's whole time on the task: closed sessions + this one (invariant 3). */
  readonly totalMs: Millis;
  readonly lastHeartbeatAt: Millis;
  /** No heartbeat for longer than QUIET_AFTER_MS: the device may be gone. */
  readonly quiet: boolean;
  readonly offline: boolean;
  readonly zone: string;
  /** Its owner claimed back time after a stale close (invariant 5). */
  readonly claimedBack: boolean;
}

export interface BoardWorker {
  readonly userId: string;
  readonly name: string;
  readonly sessions: readonly BoardSession[];
  /** How many of this worker's work sessions that ended today were claimed back (invariant 5). */
  readonly claimedBackToday: number;
}

/** A work session that ended today with time its owner claimed back. */
export interface ClaimedBackSession {
  readonly sessionId: string;
  readonly taskId: string;
  readonly taskTitle: string;
  readonly startedAt: Millis;
  readonly endedAt: Millis;
  readonly ms: Millis;
}

export interface ClaimedBackWorker {
  readonly userId: string;
  readonly name: string;
  /** Oldest end first. */
  readonly sessions: readonly ClaimedBackSession[];
  readonly totalMs: Millis;
}

export interface IdleWorker {
  readonly userId: string;
  readonly name: string;
}

export interface BoardCounts {
  readonly activeSessions: number;
  readonly openTasks: number;
  readonly unclaimedTasks: number;
  readonly working: number;
  readonly idle: number;
}

export interface BoardModel {
  readonly working: readonly BoardWorker[];
  readonly idle: readonly IdleWorker[];
  readonly counts: BoardCounts;
  /** Workers with time claimed back today, by name (invariant 5). */
  readonly claimedBack: readonly ClaimedBackWorker[];
}

export function boardModel(state: State, users: ReadonlyMap<string, UserRow>, now: Millis): BoardModel {
  const open = rowsOfTable(state, 'work_sessions').filter((s) => s.ended_at === null);
  const totals = rowsOfTable(state, 'user_task_totals');
  const claimedBack = claimedBackToday(state, users, now);
  const claimedBy = new Map(claimedBack.map((w) => [w.userId, w.sessions.length]));
  const byUser = new Map<string, WorkSessionRow[]>();
  for (const session of open) byUser.set(session.user_id, [...(byUser.get(session.user_id) ?? []), session]);

  const working: BoardWorker[] = [...byUser.entries()].map(([userId, sessions]) => {
    // The shared view gives each task's closed time for this user; the rows
    // themselves are listed one by one, so even broken data (two open
    // sessions on one task, against I1) shows every session (invariant 1).
    const closedByTask = new Map(activeSessionsOf(userId, sessions, totals).map((v) => [v.task_id, v.accumulated_ms]));
    const ordered = [...sessions].sort((a, b) => a.started_at - b.started_at || cmp(a.task_id, b.task_id) || cmp(a.id, b.id));
    return {
      userId,
      name: users.get(userId)?.name ?? userId,
      sessions: ordered.map((row) => ({
        sessionId: row.id,
        taskId: row.task_id,
        taskTitle: getRow(state, 'tasks', row.task_id)?.title ?? row.task_id,
        startedAt: row.started_at,
        sessionMs: elapsedMs(0, row, now),
        totalMs: elapsedMs(closedByTask.get(row.task_id) ?? 0, row, now),
        lastHeartbeatAt: row.last_heartbeat_at,
        quiet: isStale(row, QUIET_AFTER_MS, now),
        offline: row.offline,
        zone: row.zone,
        claimedBack: row.extended_by_owner,
      })),
      claimedBackToday: claimedBy.get(userId) ?? 0,
    };
  });
  working.sort(byName);

  const idle = [...users.values()]
    .filter((u) => u.role === Role.worker && !byUser.has(u.id))
    .map((u) => ({ userId: u.id, name: u.name }))
    .sort(byName);

  const openTasks = rowsOfTable(state, 'tasks').filter((t) => t.status !== TaskStatus.done && t.status !== TaskStatus.skipped);
  return {
    working,
    idle,
    counts: {
      activeSessions: open.length,
      openTasks: openTasks.length,
      unclaimedTasks: openTasks.filter((t) => t.claimed_by === null).length,
      working: working.length,
      idle: idle.length,
    },
    claimedBack,
  };
}

/** Invariant 5: closed work sessions claimed back by their owner that ended on today's local day in their own zone, per worker. */
export function claimedBackToday(state: State, users: ReadonlyMap<string, UserRow>, now: Millis): ClaimedBackWorker[] {
  const byUser = new Map<string, ClaimedBackSession[]>();
  for (const row of rowsOfTable(state, 'work_sessions')) {
    if (!row.extended_by_owner || row.ended_at === null) continue;
    const zone = knownZone(row.zone);
    if (localDay(row.ended_at, zone) !== localDay(now, zone)) continue;
    const session: ClaimedBackSession = {
      sessionId: row.id,
      taskId: row.task_id,
      taskTitle: getRow(state, 'tasks', row.task_id)?.title ?? row.task_id,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      ms: Math.max(0, row.ended_at - row.started_at),
    };
    byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), session]);
  }
  return [...byUser.entries()]
    .map(([userId, sessions]) => ({
      userId,
      name: users.get(userId)?.name ?? userId,
      sessions: sessions.sort((a, b) => a.endedAt - b.endedAt || cmp(a.sessionId, b.sessionId)),
      totalMs: sessions.reduce((sum, s) => sum + s.ms, 0),
    }))
    .sort(byName);
}

function byName(a: { name: string; userId: string }, b: { name: string; userId: string }): number {
  return a.name.localeCompare(b.name) || cmp(a.userId, b.userId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
