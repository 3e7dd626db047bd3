/**
 * Closing stale work sessions as ONE set-based SQL statement: every
 * open work session with no heartbeat for longer than the cutoff is closed,
 * exactly as the shared reference `sweepStale` (shared/src/tasks/stale-sweep.ts)
 * closes it; stale-sessions.pg.test.ts proves they agree on random tables.
 *
 * Invariants:
 *  1. The shared rule, row for row: a session is stale when
 *     last_heartbeat_at < now − cutoff; it ends at its last heartbeat
 *     (greatest(last_heartbeat_at, started_at)) with reason 'stale_timeout';
 *     its duration is added to the (user, task) total (created if missing) and
 *     to tasks.time_spent_ms (I4); an in-progress task goes on-hold (I2);
 *     the task's and total's updated_at and the session's closed_at become
 *     the transition time greatest(now, task.updated_at, last_heartbeat_at) (I5).
 *  2. One statement, one snapshot: session, total, task and one audit entry
 *     per closed session (source 'scheduler' or 'cron', id `stale:<session>@<epoch ms>`: late evidence may reopen a session and a later sweep close it again)
 *     commit together or not at all.
 *  3. Idempotent: a closed session is never stale, so a second run at the same
 *     `now` changes nothing.
 *  4. Safe beside intents: the task row and the session row are locked FOR
 *     UPDATE SKIP LOCKED — the same root-first order the intent executor uses
 *     (load-state.ts) — so a task an intent holds right now (a heartbeat
 *     arriving) is left for the next sweep instead of being waited on, and a
 *     session an intent closed after this statement's snapshot is re-checked
 *     on its latest version (both rows locked) and skipped, never counted
 *     twice. Concurrent sweeps skip each other's rows.
 */
import type { AuditSource, Millis } from '@stint/shared';
import { toDate } from '../db/sql.ts';
import type { Queryable } from '../db/sql.ts';

export type StaleSweepSource = Extract<AuditSource, 'scheduler' | 'cron'>;

export interface ClosedStaleSession {
  readonly session_id: string;
  readonly task_id: string;
  readonly user_id: string;
  readonly duration_ms: number;
}

export interface StaleSweepResult {
  readonly count: number;
  /** In session-id order. */
  readonly closed: readonly ClosedStaleSession[];
}

export async function sweepStaleSessions(
  sql: Queryable,
  now: Millis,
  cutoffMs: Millis,
  options: { readonly source?: StaleSweepSource } = {},
): Promise<StaleSweepResult> {
  const at = toDate(now);
  const staleBefore = toDate(now - cutoffMs);
  const source = options.source ?? 'scheduler';
  const reason = `no heartbeat for more than ${Math.round(cutoffMs / 1000)} s`;
  const closed = await sql<ClosedStaleSession[]>`
    WITH stale AS (
      SELECT s.id AS session_id, s.task_id, s.user_id, s.started_at, s.last_heartbeat_at,
             greatest(s.last_heartbeat_at, s.started_at) AS ended_at,
             round(extract(epoch FROM greatest(s.last_heartbeat_at, s.started_at) - s.started_at) * 1000)::bigint AS duration_ms,
             greatest(${at}::timestamptz, t.updated_at, s.last_heartbeat_at) AS transition_at,
             t.status AS old_status
      FROM work_sessions s JOIN tasks t ON t.id = s.task_id
      WHERE s.ended_at IS NULL AND s.last_heartbeat_at < ${staleBefore}::timestamptz
      ORDER BY t.id COLLATE "C"
      FOR UPDATE OF t, s SKIP LOCKED
    ),
    closed_sessions AS (
      UPDATE work_sessions w SET ended_at = st.ended_at, ended_reason = 'stale_timeout', closed_at = st.transition_at
      FROM stale st WHERE w.id = st.session_id
    ),
    totals AS (
      INSERT INTO user_task_totals (user_id, task_id, accumulated_ms, updated_at)
      SELECT user_id, task_id, sum(duration_ms), max(transition_at) FROM stale GROUP BY user_id, task_id
      ON CONFLICT (user_id, task_id) DO UPDATE
        SET accumulated_ms = user_task_totals.accumulated_ms + excluded.accumulated_ms, updated_at = excluded.updated_at
    ),
    held AS (
      UPDATE tasks t
        SET time_spent_ms = t.time_spent_ms + st.duration_ms,
            status = CASE WHEN t.status = 'in-progress' THEN 'on-hold' ELSE t.status END,
            updated_at = st.transition_at
      FROM stale st WHERE t.id = st.task_id
      RETURNING t.id, t.status
    ),
    audited AS (
      INSERT INTO audit_log (id, at, actor_id, device_id, source, entity, entity_id, action, old_value, new_value, reason)
      SELECT 'stale:' || st.session_id || '@' || (extract(epoch FROM st.transition_at) * 1000)::bigint, st.transition_at, NULL, NULL, ${source}, 'task', st.task_id, 'work.stale_timeout',
             jsonb_build_object('status', st.old_status, 'session_id', st.session_id, 'user_id', st.user_id,
                                'last_heartbeat_at', (extract(epoch FROM st.last_heartbeat_at) * 1000)::bigint),
             jsonb_build_object('status', h.status, 'ended_at', (extract(epoch FROM st.ended_at) * 1000)::bigint,
                                'duration_ms', st.duration_ms),
             ${reason}
      FROM stale st JOIN held h ON h.id = st.task_id
    )
    -- Postgres runs every data-modifying CTE to completion whether or not it is read.
    SELECT session_id, task_id, user_id, duration_ms FROM stale ORDER BY session_id COLLATE "C"`;
  return { count: closed.length, closed: closed.map((row) => ({ ...row })) };
}
