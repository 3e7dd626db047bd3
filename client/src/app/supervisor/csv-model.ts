/**
 * The CSV export of work sessions: one row per session with
 * UTC and local start/end, zone, seconds, end reason, offline flag, lock
 * state and whether its owner claimed time back, written with papaparse.
 *
 * Lock state. Nothing in shared/rows locks a work session the way approval
 * locks a procedure run (I7): no `locked` column, no rule reads one. What
 * DESIGN does fix is that a closed session is the source of truth for time
 * (I4: its duration is summed into time_spent and user_task_totals in the
 * same transaction that closed it), and §3 clamps late offline intents to
 * after the entity's previous event. The one exception is §3.1: a session
 * the stale sweep closed (`end_reason` stale_timeout) may still be extended,
 * by late evidence from its device or by its owner's claim (then
 * `extended_by_owner` is true). So:
 *   - `locked`: the session is closed; its start is final, and so are its end
 *     and seconds unless the stale sweep closed it.
 *   - `open`:   the session is running; its end and seconds still move.
 *
 * Invariants:
 *  1. Columns are exactly CSV_COLUMNS, in that order, every row.
 *  2. UTC times are ISO-8601 with `Z`; local times are ISO-8601 with the
 *     offset of the session's zone at that instant; an open session's end
 *     columns are empty and its seconds count up to now.
 *  3. Seconds are whole seconds, rounded down (reports round, storage never).
 *  4. Rows are ordered by start, then session id.
 */
import { rowsOfTable, toIso, wholeSeconds } from '@stint/shared';
import type { Millis, State, UserRow, WorkSessionRow } from '@stint/shared';
import Papa from 'papaparse';
import { sessionInRange } from './reports-model.ts';
import type { DayRange } from './reports-model.ts';
import { knownZone, toLocalIso } from './zone-time.ts';

export const CSV_COLUMNS = [
  'session_id',
  'task_id',
  'task_title',
  'worker_id',
  'worker_name',
  'start_utc',
  'end_utc',
  'start_local',
  'end_local',
  'zone',
  'seconds',
  'end_reason',
  'offline',
  'lock_state',
  'extended_by_owner',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRow = { readonly [C in CsvColumn]: string | number | boolean };

export const LockState = { open: 'open', locked: 'locked' } as const;
export type LockState = (typeof LockState)[keyof typeof LockState];

export function lockStateOf(session: WorkSessionRow): LockState {
  return session.ended_at === null ? LockState.open : LockState.locked;
}

export function csvRows(state: State, users: ReadonlyMap<string, UserRow>, now: Millis, range: DayRange): CsvRow[] {
  return rowsOfTable(state, 'work_sessions')
    .filter((s) => sessionInRange(s, now, range))
    .sort((a, b) => a.started_at - b.started_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => {
      const zone = knownZone(s.zone);
      return {
        session_id: s.id,
        task_id: s.task_id,
        task_title: state.tasks.get(s.task_id)?.title ?? '',
        worker_id: s.user_id,
        worker_name: users.get(s.user_id)?.name ?? '',
        start_utc: toIso(s.started_at),
        end_utc: s.ended_at === null ? '' : toIso(s.ended_at),
        start_local: toLocalIso(s.started_at, zone),
        end_local: s.ended_at === null ? '' : toLocalIso(s.ended_at, zone),
        zone: s.zone,
        seconds: wholeSeconds((s.ended_at ?? Math.max(now, s.started_at)) - s.started_at),
        end_reason: s.ended_reason ?? '',
        offline: s.offline,
        lock_state: lockStateOf(s),
        extended_by_owner: s.extended_by_owner,
      };
    });
}

/** The CSV text: a header row then one line per row, CRLF line ends, quoting where needed. */
export function sessionsCsv(rows: readonly CsvRow[]): string {
  // escapeFormulae: a task title like `=HYPERLINK(…)` must stay text when the file is opened in a spreadsheet.
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows.map((row) => CSV_COLUMNS.map((column) => row[column])) }, { escapeFormulae: true });
}
