/**
 * Bookings: scheduled mentor/student slots (API.md "Seed 002" calls them
 * sessions; starting and completing one by hand and the sweep triggers keep
 * those wire paths in compat/booking-lifecycle.ts). Every change is a
 * booking.* intent, so the rules live in shared/src/bookings; the routes
 * check that the people named exist and shape the answer.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, domainError } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import { BookingJsonSchema, BookingStatusSchema, bookingJson } from '../bookings/booking-json.ts';
import { listBookings, maySeeBooking, requireBooking } from '../bookings/booking-queries.ts';
import { selectRows } from '../db/rows.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { DeviceTimeInputSchema, IdParamSchema, IdSchema, PAGING_QUERY } from '../http/input.ts';
import { runIntent } from '../intents/run-intent.ts';

/** An offset is accepted and converted; answers are always UTC with Z. */
const InputTimeSchema = DeviceTimeInputSchema.openapi({ example: '2026-01-16T13:00:00Z' });

const CreateBookingSchema = z
  .strictObject({
    id: IdSchema.optional(),
    mentor_id: IdSchema,
    student_id: IdSchema,
    start_time: InputTimeSchema,
    end_time: InputTimeSchema.openapi({ description: 'Must be after start_time (400 otherwise)' }),
  })
  .openapi('CreateBooking');

const ListQuerySchema = z.object({
  status: BookingStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
  ...PAGING_QUERY,
});

const createBooking = createRoute({
  method: 'post',
  path: '/api/v1/bookings',
  tags: ['bookings'],
  summary: 'Book a mentor and a student for a time slot (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { body: jsonBody(CreateBookingSchema) },
  responses: {
    201: jsonResponse(dataOf(BookingJsonSchema), 'The booking (SCHEDULED)'),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const getBooking = createRoute({
  method: 'get',
  path: '/api/v1/bookings/{id}',
  tags: ['bookings'],
  summary: 'One booking (its mentor, its student, supervisors)',
  middleware: [requireUser] as const,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(dataOf(BookingJsonSchema), 'The booking'),
    ...errorResponses(400, 401, 403, 404),
  },
});

const listBookingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/bookings',
  tags: ['bookings'],
  summary: "The caller's bookings as mentor or student; every booking for supervisors",
  middleware: [requireUser] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(dataOf(z.array(BookingJsonSchema)), 'Bookings by start time'),
    ...errorResponses(400, 401),
  },
});

const cancelBooking = createRoute({
  method: 'post',
  path: '/api/v1/bookings/{id}/cancel',
  tags: ['bookings'],
  summary: 'Cancel a booking that has not finished (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(dataOf(BookingJsonSchema), 'The booking (CANCELLED)'),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerBookingRoutes(app: Router, deps: AppDeps): void {
  const { sql } = deps;

  app.openapi(createBooking, async (c) => {
    const body = c.req.valid('json');
    const id = body.id ?? randomUUID();
    await requireUsers(deps, { mentor_id: body.mentor_id, student_id: body.student_id });
    await runIntent(deps, currentUser(c), 'booking.create', {
      booking_id: id,
      mentor_id: body.mentor_id,
      student_id: body.student_id,
      start_time: body.start_time,
      end_time: body.end_time,
    });
    return c.json({ data: bookingJson(await requireBooking(sql, id)) }, 201);
  });

  app.openapi(getBooking, async (c) => {
    const { id } = c.req.valid('param');
    const booking = await requireBooking(sql, id);
    if (!maySeeBooking(booking, currentUser(c))) {
      throw domainError(ErrorCode.FORBIDDEN, 'Only the mentor, the student or a supervisor can see this booking', { booking_id: id });
    }
    return c.json({ data: bookingJson(booking) }, 200);
  });

  app.openapi(listBookingsRoute, async (c) => {
    const query = c.req.valid('query');
    const rows = await listBookings(sql, currentUser(c), {
      limit: query.limit,
      offset: query.offset,
      ...(query.status === undefined ? {} : { status: query.status }),
    });
    return c.json({ data: rows.map(bookingJson) }, 200);
  });

  app.openapi(cancelBooking, async (c) => {
    const { id } = c.req.valid('param');
    await runIntent(deps, currentUser(c), 'booking.cancel', { booking_id: id });
    return c.json({ data: bookingJson(await requireBooking(sql, id)) }, 200);
  });
}

/** 404 before the rule runs: a booking names people who exist. */
async function requireUsers(deps: AppDeps, people: Readonly<Record<'mentor_id' | 'student_id', string>>): Promise<void> {
  const ids = [...new Set(Object.values(people))];
  const found = new Set((await selectRows(deps.sql, 'users', { id: ids })).map((u) => u.id));
  for (const [field, id] of Object.entries(people)) {
    if (!found.has(id)) throw domainError(ErrorCode.NOT_FOUND, `No user ${id} (${field})`, { [field]: id });
  }
}
