/**
 * Reports: time per task and time per worker per local day,
 * from work sessions — closed ones, and open ones up to now — each split at
 * the local midnights of the session's own zone (day-split.ts).
 *
 * Invariants:
 *  1. Every millisecond of a session inside the range counts exactly once,
 *     on the local day (in the session's zone) it happened; time outside the
 *     range counts nowhere. So per-task and per-worker-day totals are equal.
 *  2. An open session counts up to `now` (never negative: a start after now
 *     counts nothing).
 *  3. A range bound left empty is open-ended; bounds are inclusive local days.
 *  4. Charts use hours, or minutes when no bar reaches an hour (short
 *     demo sessions would otherwise all read 0 h); one unit per report.
 *  5. Chart series keys are generated (`k0`, `k1`, …), never ids, so an id
 *     with a dot cannot be read as a nested path by the chart library.
 *  6. Time claimed back (DESIGN §3.1): the sessions in range whose owner
 *     extended them after a stale close, and their time in range, are
 *     counted apart too, so the report says how much rests on a worker's
 *     word rather than on a device's evidence.
 */
import { getRow, rowsOfTable } from '@stint/shared';
import type { Millis, State, UserRow, WorkSessionRow } from '@stint/shared';
import { splitByLocalDay } from './day-split.ts';
import type { DayPiece } from './day-split.ts';
import { knownZone, localDay } from './zone-time.ts';

/** Inclusive local days `YYYY-MM-DD`; '' = unbounded. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export const ChartUnit = { hours: 'h', minutes: 'min' } as const;
export type ChartUnit = (typeof ChartUnit)[keyof typeof ChartUnit];

export interface TaskTime {
  readonly taskId: string;
  readonly title: string;
  readonly ms: Millis;
  /** In the report's unit, two decimals. */
  readonly value: number;
}

export interface WorkerSeries {
  readonly key: string;
  readonly userId: string;
  readonly name: string;
}

/** One chart row: the day and time per series key, in the report's unit. */
export type DayRow = { readonly day: string } & { readonly [key: string]: number | string };

export interface ReportsModel {
  readonly unit: ChartUnit;
  readonly perTask: readonly TaskTime[];
  readonly perWorkerDay: { readonly days: readonly DayRow[]; readonly workers: readonly WorkerSeries[] };
  readonly sessions: number;
  readonly totalMs: Millis;
  /** Invariant 6: of those, the sessions marked `extended_by_owner` and their time in range. */
  readonly claimedBack: { readonly sessions: number; readonly ms: Millis };
}

/** The local-day pieces of a session, open ones up to now (invariant 2). */
export function sessionPieces(session: WorkSessionRow, now: Millis): DayPiece[] {
  return splitByLocalDay(session.started_at, session.ended_at ?? Math.max(now, session.started_at), session.zone);
}

export function inRange(day: string, range: DayRange): boolean {
  return (range.from === '' || day >= range.from) && (range.to === '' || day <= range.to);
}

/** Whether a session has any time in the range; a zero-length one by its start day. */
export function sessionInRange(session: WorkSessionRow, now: Millis, range: DayRange): boolean {
  const pieces = sessionPieces(session, now);
  if (pieces.length === 0) return inRange(localDay(session.started_at, knownZone(session.zone)), range);
  return pieces.some((p) => inRange(p.day, range));
}

export function reportsModel(state: State, users: ReadonlyMap<string, UserRow>, now: Millis, range: DayRange): ReportsModel {
  const perTask = new Map<string, number>();
  const perWorkerDay = new Map<string, Map<string, number>>();
  let sessions = 0;
  let totalMs = 0;
  const claimedBack = { sessions: 0, ms: 0 };
  for (const session of rowsOfTable(state, 'work_sessions')) {
    const pieces = sessionPieces(session, now).filter((p) => inRange(p.day, range));
    if (pieces.length === 0) continue;
    sessions += 1;
    if (session.extended_by_owner) claimedBack.sessions += 1;
    for (const piece of pieces) {
      totalMs += piece.ms;
      if (session.extended_by_owner) claimedBack.ms += piece.ms;
      perTask.set(session.task_id, (perTask.get(session.task_id) ?? 0) + piece.ms);
      const byWorker = perWorkerDay.get(piece.day) ?? new Map<string, number>();
      byWorker.set(session.user_id, (byWorker.get(session.user_id) ?? 0) + piece.ms);
      perWorkerDay.set(piece.day, byWorker);
    }
  }

  const largest = Math.max(0, ...perTask.values(), ...[...perWorkerDay.values()].flatMap((m) => [...m.values()]));
  const unit = largest >= HOUR ? ChartUnit.hours : ChartUnit.minutes;
  const inUnit = (ms: Millis): number => (unit === ChartUnit.hours ? toHours(ms) : Math.round(ms / 600) / 100);
  const tasks: TaskTime[] = [...perTask.entries()]
    .map(([taskId, ms]) => ({ taskId, title: getRow(state, 'tasks', taskId)?.title ?? taskId, ms, value: inUnit(ms) }))
    .sort((a, b) => b.ms - a.ms || a.title.localeCompare(b.title));

  const workerIds = [...new Set([...perWorkerDay.values()].flatMap((m) => [...m.keys()]))];
  const workers: WorkerSeries[] = workerIds
    .map((userId) => ({ userId, name: users.get(userId)?.name ?? userId }))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.userId < b.userId ? -1 : 1))
    .map((w, i) => ({ ...w, key: `k${i}` }));
  const days: DayRow[] = [...perWorkerDay.keys()].sort().map((day) => {
    const row: Record<string, number | string> = { day };
    const byWorker = perWorkerDay.get(day) ?? new Map<string, number>();
    for (const w of workers) row[w.key] = inUnit(byWorker.get(w.userId) ?? 0);
    return row as DayRow;
  });
  return { unit, perTask: tasks, perWorkerDay: { days, workers }, sessions, totalMs, claimedBack };
}

const HOUR: Millis = 3_600_000;

/** Hours with two decimals, for charts (storage never rounds; reports do). */
export function toHours(ms: Millis): number {
  return Math.round(ms / 36_000) / 100;
}

/** The last `days` local days up to today in `zone` (the default report range). */
export function lastDays(now: Millis, zone: string, days: number): DayRange {
  return { from: localDay(now - (days - 1) * 86_400_000, knownZone(zone)), to: localDay(now, knownZone(zone)) };
}
