-- migrate:up
-- People and the server's own settings.
-- Ids are text everywhere: clients create ids offline (API.md).

CREATE TABLE users (
  id          text PRIMARY KEY CHECK (id <> ''),
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('worker', 'supervisor', 'admin')),
  created_at  timestamptz NOT NULL
);

-- Secrets generated at first start (JWT signing secret, admin token), shared
-- by every stateless server process through the database.
CREATE TABLE server_settings (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE server_settings;
DROP TABLE users;
