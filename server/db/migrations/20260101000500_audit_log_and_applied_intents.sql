-- migrate:up

-- Append-only record of changes and refused changes. No foreign keys: an
-- audit entry outlives whatever it names.
CREATE TABLE audit_log (
  id          text PRIMARY KEY CHECK (id <> ''),
  at          timestamptz NOT NULL,
  actor_id    text,
  device_id   text,
  source      text NOT NULL CHECK (source IN ('online', 'offline', 'scheduler', 'cron')),
  entity      text NOT NULL,
  entity_id   text NOT NULL,
  action      text NOT NULL,
  old_value   jsonb,
  new_value   jsonb,
  reason      text
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'P0001', HINT = 'insert a new entry instead';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- I9: every journaled intent has exactly one recorded outcome, applied at
-- most once (the id is the client's intent id). Both clocks are kept
-- (DESIGN §3): the device's occurred_at / sent_at as sent, the server's
-- received_at, and effective_at, the UTC time the intent took effect.
-- Device-supplied fields are nullable because a malformed intent still gets
-- a stored (rejected) outcome.
CREATE TABLE applied_intents (
  id            text PRIMARY KEY CHECK (id <> ''),
  user_id       text NOT NULL REFERENCES users (id),
  device_id     text NOT NULL,
  kind          text NOT NULL,
  args          jsonb,
  occurred_at   timestamptz,
  sent_at       timestamptz,
  received_at   timestamptz NOT NULL,
  effective_at  timestamptz,
  -- shared/src/sync/time-correction.ts TimeSource. server: online, server
  -- now used; device: device time plus the estimated clock offset; clamped:
  -- that, then clamped into [previous event, server now] or the look-back window.
  time_source   text CHECK (time_source IN ('server', 'device', 'clamped')),
  status        text NOT NULL CHECK (status IN ('accepted', 'accepted_with_adjustment', 'rejected')),
  -- An ErrorCode from shared/src/errors.ts. The set grows with the rules,
  -- so the database checks its shape, not its members.
  code          text CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
  message       text,
  -- The DomainError's details of a rejection (e.g. existing_session_id).
  details       jsonb,
  created_at    timestamptz NOT NULL,
  CONSTRAINT applied_intents_code_iff_rejected CHECK ((status = 'rejected') = (code IS NOT NULL))
);
CREATE INDEX applied_intents_user_idx ON applied_intents (user_id, received_at);

-- migrate:down
DROP TABLE applied_intents;
DROP TABLE audit_log;
DROP FUNCTION audit_log_is_append_only();
