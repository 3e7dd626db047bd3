/**
 * Bookings on the wire, and the sweep report the triggers answer. A booking
 * keeps the camelCase `isDelayed` its frontends read (API.md "Seed 002") and
 * has no updated_at; the report carries only the fields API.md names.
 */
import { z } from '@hono/zod-openapi';
import { BOOKING_STATUSES, toIso } from '@stint/shared';
import type { BookingRow, BookingStatus, SweepReport } from '@stint/shared';
import { IsoTimeSchema, isoOrNull } from '../http/wire-times.ts';

export const BookingStatusSchema = z.enum(BOOKING_STATUSES as [BookingStatus, ...BookingStatus[]]).openapi('BookingStatus');

export const BookingJsonSchema = z
  .object({
    id: z.string(),
    mentor_id: z.string(),
    student_id: z.string(),
    start_time: IsoTimeSchema,
    end_time: IsoTimeSchema,
    status: BookingStatusSchema,
    isDelayed: z.boolean().openapi({ description: 'Set when the start time passed without a manual start; a delayed booking never completes automatically.' }),
    started_at: IsoTimeSchema.nullable(),
    completed_at: IsoTimeSchema.nullable(),
  })
  .openapi('Booking');
export type BookingJson = z.infer<typeof BookingJsonSchema>;

export const SweepReportSchema = z
  .object({
    started: z.int().nonnegative().openapi({ description: 'Bookings marked ONGOING (delayed) by this run' }),
    completed: z.int().nonnegative().openapi({ description: 'Bookings completed by this run' }),
    updates: z.array(
      z.object({ id: z.string(), from: BookingStatusSchema, to: BookingStatusSchema, is_delayed: z.boolean() }).openapi('BookingStatusUpdate'),
    ),
  })
  .openapi('SweepReport');

export function bookingJson(row: BookingRow): BookingJson {
  return {
    id: row.id,
    mentor_id: row.mentor_id,
    student_id: row.student_id,
    start_time: toIso(row.start_time),
    end_time: toIso(row.end_time),
    status: row.status,
    isDelayed: row.is_delayed,
    started_at: isoOrNull(row.started_at),
    completed_at: isoOrNull(row.completed_at),
  };
}

/** The report with only the fields API.md names. */
export function sweepReportJson(report: SweepReport): z.infer<typeof SweepReportSchema> {
  return {
    started: report.started,
    completed: report.completed,
    updates: report.updates.map(({ id, from, to, is_delayed }) => ({ id, from, to, is_delayed })),
  };
}
