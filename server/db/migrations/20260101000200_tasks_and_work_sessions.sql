-- migrate:up
-- Tasks, their checklists, and work sessions: the time intervals that are
-- the source of truth for time (DESIGN §2, I1–I6). Timestamps are UTC
-- timestamptz; durations are bigint milliseconds and never rounded.

CREATE TABLE tasks (
  id             text PRIMARY KEY CHECK (id <> ''),
  title          text NOT NULL,
  status         text NOT NULL
                 CHECK (status IN ('backlog', 'todo', 'in-progress', 'on-hold', 'done', 'skipped')),
  claimed_by     text REFERENCES users (id),
  assigned_at    timestamptz,
  time_spent_ms  bigint NOT NULL CHECK (time_spent_ms >= 0),
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX tasks_claimed_by_idx ON tasks (claimed_by) WHERE claimed_by IS NOT NULL;

-- Seed 004: statuses are numeric 1 planned, 2 in progress, 3 done, 4 skipped.
CREATE TABLE checklist_items (
  id          text PRIMARY KEY CHECK (id <> ''),
  task_id     text NOT NULL REFERENCES tasks (id),
  title       text NOT NULL,
  status      smallint NOT NULL CHECK (status IN (1, 2, 3, 4)),
  position    double precision NOT NULL,
  deleted_at  timestamptz,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
-- Derivation (I6) reads the live items of one task.
CREATE INDEX checklist_items_live_idx ON checklist_items (task_id, status) WHERE deleted_at IS NULL;

CREATE TABLE work_sessions (
  id                 text PRIMARY KEY CHECK (id <> ''),
  task_id            text NOT NULL REFERENCES tasks (id),
  user_id            text NOT NULL REFERENCES users (id),
  started_at         timestamptz NOT NULL,
  last_heartbeat_at  timestamptz NOT NULL,
  ended_at           timestamptz,
  -- 'migrated': a closed session standing for legacy accumulated time (migration 000600).
  ended_reason       text CHECK (ended_reason IN ('pause', 'status_change', 'complete', 'release', 'stale_timeout', 'migrated')),
  zone               text NOT NULL,
  offline            boolean NOT NULL,
  created_at         timestamptz NOT NULL,
  -- I5: durations are never negative.
  CONSTRAINT work_sessions_ends_after_start CHECK (ended_at >= started_at)
);
-- I1: at most one open session per task.
CREATE UNIQUE INDEX work_sessions_one_open_per_task ON work_sessions (task_id) WHERE ended_at IS NULL;
-- Seed 003: at most one open session per (user, task).
CREATE UNIQUE INDEX work_sessions_one_open_per_user_task ON work_sessions (user_id, task_id) WHERE ended_at IS NULL;
CREATE INDEX work_sessions_user_idx ON work_sessions (user_id, started_at);
CREATE INDEX work_sessions_task_idx ON work_sessions (task_id, started_at);
-- The stale sweep: open sessions by heartbeat age.
CREATE INDEX work_sessions_open_heartbeat_idx ON work_sessions (last_heartbeat_at) WHERE ended_at IS NULL;

-- I5: sessions of one task never overlap. Needs btree_gist (text equality
-- inside a GiST index); the embedded Postgres ships it, a managed one may not
-- allow it, and then I1 plus the rules still hold the line.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist') THEN
    CREATE EXTENSION IF NOT EXISTS btree_gist;
    ALTER TABLE work_sessions ADD CONSTRAINT work_sessions_no_overlap
      EXCLUDE USING gist (task_id WITH =, tstzrange(started_at, ended_at, '[)') WITH &&);
  ELSE
    RAISE NOTICE 'btree_gist is not available: work_sessions_no_overlap (I5) is not enforced by the database';
  END IF;
END
$$;

-- Seed 003: accumulated time per (user, task) = sum of that user's closed sessions (I4).
CREATE TABLE user_task_totals (
  user_id         text NOT NULL REFERENCES users (id),
  task_id         text NOT NULL REFERENCES tasks (id),
  accumulated_ms  bigint NOT NULL CHECK (accumulated_ms >= 0),
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (user_id, task_id)
);
CREATE INDEX user_task_totals_task_idx ON user_task_totals (task_id);

-- migrate:down
DROP TABLE user_task_totals;
DROP TABLE work_sessions;
DROP TABLE checklist_items;
DROP TABLE tasks;
