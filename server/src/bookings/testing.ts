/** A booking row for the booking sweep tests: mentor/student, one hour from T0, scheduled. */
import { BookingStatus, HOUR } from '@stint/shared';
import type { BookingRow } from '@stint/shared';

/** 2026-01-16T09:00:00Z: the start of every test booking. */
export const T0 = Date.UTC(2026, 0, 16, 9, 0);

export function booking(id: string, patch: Partial<BookingRow> = {}): BookingRow {
  return {
    id,
    mentor_id: 'mentor',
    student_id: 'student',
    start_time: T0,
    end_time: T0 + HOUR,
    status: BookingStatus.scheduled,
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0 - HOUR,
    ...patch,
  };
}
