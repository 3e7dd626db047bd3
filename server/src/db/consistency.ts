/**
 * The consistency query (DESIGN §2): proves in SQL, over the whole database,
 * that the stored totals and task states agree with the work sessions, which
 * are the source of truth for time. Tests run it after every scenario; an
 * operator can run it against production (`checkConsistency(sql)`), and it
 * only reads.
 *
 * It reports, one row per violation:
 *  I1 a task with more than one open session.
 *  I2 a task in-progress without an open session, or with an open session
 *     while not in-progress.
 *  I3 an open session whose user is not the task's claimer.
 *  I4 a task whose time_spent_ms is not the sum of its closed sessions'
 *     durations; a (user, task) whose accumulated_ms is not the sum of that
 *     user's closed sessions on the task (a missing totals row counts as a
 *     violation when closed sessions exist, as in the shared checker).
 *  I5 two sessions of one task that overlap (the exclusion constraint holds
 *     this where btree_gist exists; the query checks it everywhere).
 *
 * Durations are exact milliseconds (`ended_at - started_at`), never rounded:
 * stored times are whole milliseconds, so the epoch difference × 1000 is an
 * integer.
 */
import type { Queryable } from './sql.ts';

export type ConsistencyInvariant = 'I1' | 'I2' | 'I3' | 'I4' | 'I5';

export interface ConsistencyViolation {
  readonly invariant: ConsistencyInvariant;
  /** A task id, or `user_id/task_id` for a totals row. */
  readonly entity_id: string;
  readonly message: string;
}

/** Every violation of I1–I5 in the database, ordered by invariant and entity; [] when consistent. */
export async function checkConsistency(db: Queryable): Promise<ConsistencyViolation[]> {
  return db<ConsistencyViolation[]>`
    WITH durations AS (
      SELECT task_id, user_id, round(extract(epoch FROM ended_at - started_at) * 1000)::bigint AS ms
      FROM work_sessions WHERE ended_at IS NOT NULL
    ),
    open_sessions AS (
      SELECT task_id, count(*) AS n, min(user_id) AS user_id FROM work_sessions WHERE ended_at IS NULL GROUP BY task_id
    ),
    per_task AS (
      SELECT task_id, sum(ms) AS ms FROM durations GROUP BY task_id
    ),
    per_user_task AS (
      SELECT user_id, task_id, sum(ms) AS ms FROM durations GROUP BY user_id, task_id
    )
    SELECT 'I1' AS invariant, task_id AS entity_id, format('%s open sessions', n) AS message
      FROM open_sessions WHERE n > 1
    UNION ALL
    SELECT 'I2', t.id, format('status %s with %s open session(s)', t.status, coalesce(o.n, 0))
      FROM tasks t LEFT JOIN open_sessions o ON o.task_id = t.id
      WHERE (t.status = 'in-progress') <> (o.n IS NOT NULL)
    UNION ALL
    SELECT 'I3', t.id, format('open session of %s but claimed by %s', s.user_id, coalesce(t.claimed_by, 'nobody'))
      FROM work_sessions s JOIN tasks t ON t.id = s.task_id
      WHERE s.ended_at IS NULL AND t.claimed_by IS DISTINCT FROM s.user_id
    UNION ALL
    SELECT 'I4', t.id, format('time_spent_ms %s but closed sessions sum to %s', t.time_spent_ms, coalesce(p.ms, 0))
      FROM tasks t LEFT JOIN per_task p ON p.task_id = t.id
      WHERE t.time_spent_ms <> coalesce(p.ms, 0)
    UNION ALL
    SELECT 'I4', coalesce(u.user_id, x.user_id) || '/' || coalesce(u.task_id, x.task_id),
           format('accumulated_ms %s but closed sessions sum to %s', coalesce(x.accumulated_ms::text, 'missing'), coalesce(u.ms, 0))
      FROM per_user_task u FULL JOIN user_task_totals x ON x.user_id = u.user_id AND x.task_id = u.task_id
      WHERE x.accumulated_ms IS NULL OR x.accumulated_ms <> coalesce(u.ms, 0)
    UNION ALL
    SELECT 'I5', a.task_id, format('sessions %s and %s overlap', a.id, b.id)
      FROM work_sessions a JOIN work_sessions b ON a.task_id = b.task_id AND a.id < b.id
      WHERE tstzrange(a.started_at, a.ended_at, '[)') && tstzrange(b.started_at, b.ended_at, '[)')
    ORDER BY 1, 2, 3`;
}
