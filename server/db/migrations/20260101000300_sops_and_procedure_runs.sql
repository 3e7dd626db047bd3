-- migrate:up
-- Seed 001: versioned SOPs, runs of one pinned version, safety checks (I7).

CREATE TABLE sops (
  id              text PRIMARY KEY CHECK (id <> ''),
  title           text NOT NULL,
  latest_version  integer NOT NULL CHECK (latest_version >= 1),
  created_by      text NOT NULL REFERENCES users (id),
  deleted_at      timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

-- A version's content (tasks → steps) is one jsonb document: it is read and
-- written whole, and a confirmed version never changes.
CREATE TABLE sop_versions (
  sop_id        text NOT NULL REFERENCES sops (id),
  version       integer NOT NULL CHECK (version >= 1),
  title         text NOT NULL,
  status        text NOT NULL CHECK (status IN ('draft', 'confirmed')),
  tasks         jsonb NOT NULL CHECK (jsonb_typeof(tasks) = 'array'),
  created_at    timestamptz NOT NULL,
  confirmed_at  timestamptz,
  PRIMARY KEY (sop_id, version)
);

CREATE TABLE procedure_runs (
  id               text PRIMARY KEY CHECK (id <> ''),
  sop_id           text NOT NULL REFERENCES sops (id),
  sop_version      integer NOT NULL,
  worker_id        text NOT NULL REFERENCES users (id),
  status           text NOT NULL CHECK (status IN ('in_progress', 'paused', 'completed')),
  current_step_id  text,
  started_at       timestamptz NOT NULL,
  paused_at        timestamptz,
  completed_at     timestamptz,
  locked           boolean NOT NULL,
  locked_by        text REFERENCES users (id),
  locked_at        timestamptz,
  updated_at       timestamptz NOT NULL,
  -- I7: a run is pinned to the SOP version it started on.
  FOREIGN KEY (sop_id, sop_version) REFERENCES sop_versions (sop_id, version)
);
-- I7: one active run per worker.
CREATE UNIQUE INDEX procedure_runs_one_active_per_worker ON procedure_runs (worker_id)
  WHERE status IN ('in_progress', 'paused');
-- I7: an SOP with active runs cannot be deleted; find them fast.
CREATE INDEX procedure_runs_active_by_sop_idx ON procedure_runs (sop_id) WHERE status IN ('in_progress', 'paused');
CREATE INDEX procedure_runs_worker_idx ON procedure_runs (worker_id, started_at);

CREATE TABLE safety_checks (
  id          text PRIMARY KEY CHECK (id <> ''),
  run_id      text NOT NULL REFERENCES procedure_runs (id),
  step_id     text NOT NULL,
  result      text NOT NULL CHECK (result IN ('passed', 'failed')),
  notes       text,
  checked_by  text NOT NULL REFERENCES users (id),
  checked_at  timestamptz NOT NULL
);
CREATE INDEX safety_checks_run_idx ON safety_checks (run_id, checked_at);

-- migrate:down
DROP TABLE safety_checks;
DROP TABLE procedure_runs;
DROP TABLE sop_versions;
DROP TABLE sops;
