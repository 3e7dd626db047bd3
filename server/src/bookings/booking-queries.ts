/**
 * Reads of bookings, and who may see one.
 *
 * Invariants:
 *  1. A booking is visible to its mentor, its student, and supervisors and
 *     admins; nobody else (the same people the rules let start or complete it).
 *  2. Lists are ordered by start time, then id, so pages are stable.
 */
import { ErrorCode, domainError, isSupervisor } from '@stint/shared';
import type { BookingRow, BookingStatus, UserRow } from '@stint/shared';
import { readRows, selectRow } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import { COLUMNS } from '../db/columns.ts';
import type { Queryable } from '../db/sql.ts';
import type { Paging } from '../http/input.ts';

export interface BookingFilter extends Paging {
  readonly status?: BookingStatus;
}

export async function findBooking(db: Queryable, id: string): Promise<BookingRow | undefined> {
  return selectRow(db, 'bookings', { id });
}

/** The booking, or 404. */
export async function requireBooking(db: Queryable, id: string): Promise<BookingRow> {
  const booking = await findBooking(db, id);
  if (booking === undefined) throw domainError(ErrorCode.NOT_FOUND, `Booking ${id} not found.`, { booking_id: id });
  return booking;
}

export function maySeeBooking(booking: BookingRow, user: Pick<UserRow, 'id' | 'role'>): boolean {
  return booking.mentor_id === user.id || booking.student_id === user.id || isSupervisor({ user_id: user.id, role: user.role });
}

/** The caller's bookings (as mentor or student); every booking for supervisors and admins. */
export async function listBookings(db: Queryable, user: Pick<UserRow, 'id' | 'role'>, filter: BookingFilter): Promise<BookingRow[]> {
  const everyone = isSupervisor({ user_id: user.id, role: user.role });
  const raws = await db`
    SELECT ${db(Object.keys(COLUMNS.bookings))} FROM bookings
    WHERE (${everyone} OR mentor_id = ${user.id} OR student_id = ${user.id})
      AND (${filter.status ?? null}::text IS NULL OR status = ${filter.status ?? null})
    ORDER BY start_time, id COLLATE "C"
    LIMIT ${filter.limit} OFFSET ${filter.offset}`;
  return readRows('bookings', raws as unknown as RawRow[]);
}

