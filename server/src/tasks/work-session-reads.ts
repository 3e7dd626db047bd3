/**
 * Reads of the work-session history (API.md "Work sessions and reports"):
 * one page of sessions, newest first, and one session by id. History lives
 * on the server; a device syncs only what it works on.
 *
 * Invariants:
 *  1. Newest first by (started_at DESC, id DESC), ids compared byte-wise
 *     (COLLATE "C") in the order and the keyset alike, so sessions started
 *     in the same millisecond page stably whatever the database's collation.
 *  2. A page is at most `limit` rows; `next` is set only when a further row
 *     exists, so the last page says so without an empty extra request.
 *  3. `from` is inclusive and `to` exclusive, both on started_at: adjacent
 *     ranges never count a session twice.
 *  4. Each filter is left out of the SQL when unset (no `$1 IS NULL OR …`),
 *     so the (user_id, started_at) and (task_id, started_at) indexes apply.
 */
import type { Millis, WorkSessionRow } from '@stint/shared';
import { columnsOf } from '../db/columns.ts';
import { readRows, selectRow } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import { toDate } from '../db/sql.ts';
import type { Queryable } from '../db/sql.ts';
import type { WorkSessionKey } from './work-session-cursor.ts';

export interface WorkSessionFilter {
  readonly userId?: string | undefined;
  readonly taskId?: string | undefined;
  readonly from?: Millis | undefined;
  readonly to?: Millis | undefined;
}

export interface WorkSessionPageRequest {
  readonly limit: number;
  /** The key of the previous page's last row (invariant 1). */
  readonly after?: WorkSessionKey | undefined;
}

export interface WorkSessionPage {
  readonly sessions: readonly WorkSessionRow[];
  /** The key to continue after, or null on the last page (invariant 2). */
  readonly next: WorkSessionKey | null;
}

export async function listWorkSessions(db: Queryable, filter: WorkSessionFilter, page: WorkSessionPageRequest): Promise<WorkSessionPage> {
  const { userId, taskId, from, to } = filter;
  const { after, limit } = page;
  const raws = await db<RawRow[]>`
    SELECT ${db(columnsOf('work_sessions') as string[])} FROM work_sessions
    WHERE TRUE
      ${userId === undefined ? db`` : db`AND user_id = ${userId}`}
      ${taskId === undefined ? db`` : db`AND task_id = ${taskId}`}
      ${from === undefined ? db`` : db`AND started_at >= ${toDate(from)}`}
      ${to === undefined ? db`` : db`AND started_at < ${toDate(to)}`}
      ${after === undefined
        ? db``
        : db`AND (started_at < ${toDate(after.started_at)} OR (started_at = ${toDate(after.started_at)} AND id COLLATE "C" < ${after.id}))`}
    ORDER BY started_at DESC, id COLLATE "C" DESC
    LIMIT ${limit + 1}`;
  const rows = readRows('work_sessions', raws);
  const sessions = rows.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return { sessions, next: rows.length > limit && last !== undefined ? { started_at: last.started_at, id: last.id } : null };
}

export function findWorkSession(db: Queryable, id: string): Promise<WorkSessionRow | undefined> {
  return selectRow(db, 'work_sessions', { id });
}
