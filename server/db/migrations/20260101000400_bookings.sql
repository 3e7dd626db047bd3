-- migrate:up
-- Seed 002: scheduled sessions that move forward by time (I8).

CREATE TABLE bookings (
  id            text PRIMARY KEY CHECK (id <> ''),
  mentor_id     text NOT NULL REFERENCES users (id),
  student_id    text NOT NULL REFERENCES users (id),
  start_time    timestamptz NOT NULL,
  end_time      timestamptz NOT NULL,
  status        text NOT NULL CHECK (status IN ('SCHEDULED', 'ONGOING', 'COMPLETED', 'CANCELLED')),
  is_delayed    boolean NOT NULL,
  started_at    timestamptz,
  completed_at  timestamptz,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT bookings_end_after_start CHECK (end_time > start_time)
);
-- The sweep: scheduled bookings whose start passed, ongoing ones whose end passed.
CREATE INDEX bookings_scheduled_start_idx ON bookings (start_time) WHERE status = 'SCHEDULED';
CREATE INDEX bookings_ongoing_end_idx ON bookings (end_time) WHERE status = 'ONGOING';
CREATE INDEX bookings_mentor_idx ON bookings (mentor_id, start_time);
CREATE INDEX bookings_student_idx ON bookings (student_id, start_time);

-- migrate:down
DROP TABLE bookings;
