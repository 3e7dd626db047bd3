-- migrate:up
-- Late evidence and claimed-back time (DESIGN §3.1, I10).
--   closed_at: when the server recorded the close; for a stale close the
--     sweep's time (ended_at is the last evidence). A task changed after it
--     was changed by someone else since the sweep.
--   extended_by_owner: the owner claimed back time after a stale close.
ALTER TABLE work_sessions
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN extended_by_owner boolean NOT NULL DEFAULT false;

-- Sessions closed before this migration: the sweep's audit entry has its
-- time; every other close happened when the session ended.
UPDATE work_sessions s SET closed_at = coalesce(
    (SELECT a.at FROM audit_log a WHERE a.id = 'stale:' || s.id),
    s.ended_at)
  WHERE s.ended_at IS NOT NULL;

-- Late evidence reads the task's latest closed session.
CREATE INDEX work_sessions_task_closed_idx ON work_sessions (task_id, started_at DESC) WHERE ended_at IS NOT NULL;

-- migrate:down
DROP INDEX work_sessions_task_closed_idx;
ALTER TABLE work_sessions DROP COLUMN extended_by_owner, DROP COLUMN closed_at;
