-- migrate:up
-- Seed 003, Task 2: move the old "Now Working" model into sessions and
-- totals, then drop it, so no two models coexist (seed 003 AC 1, 10).
--
--   user_task_now_working_time (user_id, task_id, accumulated_s)
--     → user_task_totals (accumulated_ms = accumulated_s * 1000, every second kept)
--       and the same time added to tasks.time_spent_ms (task total = sum over users),
--       backed by one synthetic closed work session per (user, task) with
--       ended_reason 'migrated' and exactly that duration: sessions are the
--       source of truth for time (I4), so migrated time needs sessions too.
--       A task's synthetic sessions are stacked back to back, ending where its
--       earliest existing session starts (or at the migration time), so they
--       never overlap each other or a real session (I5).
--   user_now_working (user_id, task_id, project_id, started_at, updated_at), one row per user
--     → an open work session (started_at, last_heartbeat_at = updated_at),
--       the task in-progress and claimed by that user (I2, I3).
--
-- Where the legacy rows name a user or task this schema does not have yet,
-- a placeholder row is created (name "User <id>", title "Task <id>") rather
-- than losing time. An active legacy row that cannot become an open session
-- without breaking an invariant (a second active user on one task, a task
-- claimed by someone else, a done/skipped task) is credited to that user's
-- total as (updated_at - started_at) instead, so its seconds are kept too.
-- Legacy ids of any type are cast to text; legacy timestamps without a time
-- zone are read as UTC. On a database without the legacy tables this does
-- nothing.
SET LOCAL TimeZone = 'UTC';

DO $$
DECLARE
  has_totals boolean := to_regclass('user_task_now_working_time') IS NOT NULL;
  has_active boolean := to_regclass('user_now_working') IS NOT NULL;
BEGIN
  IF NOT has_totals AND NOT has_active THEN
    RETURN;
  END IF;

  CREATE TEMP TABLE legacy_totals (user_id text, task_id text, accumulated_ms bigint) ON COMMIT DROP;
  CREATE TEMP TABLE legacy_active (user_id text, task_id text, started_at timestamptz, updated_at timestamptz)
    ON COMMIT DROP;

  IF has_totals THEN
    INSERT INTO legacy_totals
      SELECT user_id::text, task_id::text, sum(greatest(coalesce(accumulated_s, 0), 0))::bigint * 1000
      FROM user_task_now_working_time
      WHERE user_id IS NOT NULL AND task_id IS NOT NULL
      GROUP BY 1, 2;
  END IF;

  IF has_active THEN
    INSERT INTO legacy_active
      SELECT user_id::text, task_id::text,
             coalesce(started_at::timestamptz, updated_at::timestamptz, now()),
             greatest(coalesce(updated_at::timestamptz, started_at::timestamptz, now()),
                      coalesce(started_at::timestamptz, updated_at::timestamptz, now()))
      FROM user_now_working
      WHERE user_id IS NOT NULL AND task_id IS NOT NULL;
  END IF;

  -- Placeholders for anything the legacy rows name but this schema lacks.
  INSERT INTO users (id, name, role, created_at)
    SELECT DISTINCT user_id, 'User ' || user_id, 'worker', now()
    FROM (SELECT user_id FROM legacy_totals UNION SELECT user_id FROM legacy_active) AS named
    ON CONFLICT (id) DO NOTHING;
  INSERT INTO tasks (id, title, status, claimed_by, assigned_at, time_spent_ms, created_at, updated_at)
    SELECT DISTINCT task_id, 'Task ' || task_id, 'todo', NULL::text, NULL::timestamptz, 0::bigint, now(), now()
    FROM (SELECT task_id FROM legacy_totals UNION SELECT task_id FROM legacy_active) AS named
    ON CONFLICT (id) DO NOTHING;

  -- Which active rows become open sessions: per task, the most recently
  -- updated row, if the task is not finished, has no open session yet, and is
  -- unclaimed or claimed by that user.
  CREATE TEMP TABLE legacy_opening ON COMMIT DROP AS
    SELECT DISTINCT ON (a.task_id) a.*
    FROM legacy_active a
    JOIN tasks t ON t.id = a.task_id
    WHERE t.status NOT IN ('done', 'skipped')
      AND (t.claimed_by IS NULL OR t.claimed_by = a.user_id)
      AND NOT EXISTS (SELECT 1 FROM work_sessions s WHERE s.task_id = a.task_id AND s.ended_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM work_sessions s WHERE s.task_id = a.task_id AND s.ended_at > a.started_at)
    ORDER BY a.task_id, a.updated_at DESC, a.user_id;

  -- The rest are credited as elapsed time.
  INSERT INTO legacy_totals
    SELECT a.user_id, a.task_id, floor(extract(epoch FROM (a.updated_at - a.started_at)) * 1000)::bigint
    FROM legacy_active a
    WHERE NOT EXISTS (SELECT 1 FROM legacy_opening o WHERE o.user_id = a.user_id AND o.task_id = a.task_id);

  INSERT INTO user_task_totals (user_id, task_id, accumulated_ms, updated_at)
    SELECT user_id, task_id, sum(accumulated_ms), now()
    FROM legacy_totals GROUP BY user_id, task_id
    ON CONFLICT (user_id, task_id) DO UPDATE
      SET accumulated_ms = user_task_totals.accumulated_ms + excluded.accumulated_ms,
          updated_at = excluded.updated_at;
  UPDATE tasks t
    SET time_spent_ms = t.time_spent_ms + added.ms, updated_at = now()
    FROM (SELECT task_id, sum(accumulated_ms) AS ms FROM legacy_totals GROUP BY task_id) AS added
    WHERE t.id = added.task_id;

  INSERT INTO work_sessions
      (id, task_id, user_id, started_at, last_heartbeat_at, ended_at, ended_reason, zone, offline, created_at)
    SELECT 'legacy-' || user_id || '-' || task_id, task_id, user_id, started_at, updated_at,
           NULL, NULL, 'UTC', false, now()
    FROM legacy_opening;

  -- I4: the migrated time as closed sessions. Per task, users in id order,
  -- the stack ends at the task's earliest session start (the open legacy
  -- session just created included) or at now(), whichever is earlier.
  INSERT INTO work_sessions
      (id, task_id, user_id, started_at, last_heartbeat_at, ended_at, ended_reason, zone, offline, created_at)
    SELECT 'migrated-' || user_id || '-' || task_id, task_id, user_id,
           anchor - stacked * interval '1 millisecond',
           anchor - (stacked - ms) * interval '1 millisecond',
           anchor - (stacked - ms) * interval '1 millisecond',
           'migrated', 'UTC', false, now()
    FROM (
      SELECT m.user_id, m.task_id, m.ms,
             sum(m.ms) OVER (PARTITION BY m.task_id ORDER BY m.user_id DESC ROWS UNBOUNDED PRECEDING) AS stacked,
             -- Whole milliseconds, like every time the server writes.
             least(date_trunc('milliseconds', now()), (SELECT min(s.started_at) FROM work_sessions s WHERE s.task_id = m.task_id)) AS anchor
      FROM (SELECT user_id, task_id, sum(accumulated_ms) AS ms FROM legacy_totals GROUP BY user_id, task_id) AS m
      WHERE m.ms > 0
    ) AS stack;
  UPDATE tasks t
    SET status = 'in-progress',
        claimed_by = o.user_id,
        assigned_at = coalesce(t.assigned_at, o.started_at),
        updated_at = now()
    FROM legacy_opening o
    WHERE t.id = o.task_id;

  DROP TABLE IF EXISTS user_now_working;
  DROP TABLE IF EXISTS user_task_now_working_time;
END
$$;

-- migrate:down
-- Irreversible by design: seed 003 removes the old model for good.
SELECT 1;
