/**
 * Seed 002 scheduled sessions ("bookings"), API.md "Seed 002":
 *   POST /api/v1/bookings                       (supervisor, admin) → 201 {data: booking}
 *   GET  /api/v1/bookings/{id}                  (its mentor, its student, supervisors) → {data: booking}
 *   GET  /api/v1/bookings?status=&limit=&offset= (mine; supervisors: all) → {data: [booking]}
 *   POST /api/v1/bookings/{id}/cancel           (supervisor, admin) → {data: booking}
 *   POST /api/sessions/{sessionId}/start        (mentor or student; supervisors too) → {data: booking}
 *   POST /api/sessions/{sessionId}/complete     (same) → {data: booking}
 * Every change goes through runIntent (booking.create/cancel/start/complete):
 * the rules live in shared/src/bookings, the routes only check that the
 * people named exist and shape the answer.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, domainError } from '@stint/shared';
import { currentUser, requireRole, requireUser } from '../auth/middleware.ts';
import { BookingJsonSchema, BookingStatusSchema, bookingJson } from '../bookings/booking-json.ts';
import { findBooking, listBookings, maySeeBooking } from '../bookings/booking-queries.ts';
import { selectRows } from '../db/rows.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { IdParamSchema, IdSchema } from '../http/schemas.ts';
import { runIntent } from '../intents/run-intent.ts';

/** Input times: ISO-8601; an offset is accepted and converted, answers are always UTC with Z. */
const InputTimeSchema = z.iso.datetime({ offset: true }).openapi({ example: '2026-01-16T13:00:00Z' });

const CreateBookingSchema = z
  .strictObject({
    id: IdSchema.optional(),
    mentor_id: IdSchema,
    student_id: IdSchema,
    start_time: InputTimeSchema,
    end_time: InputTimeSchema.openapi({ description: 'Must be after start_time (400 otherwise)' }),
  })
  .openapi('CreateBooking');

const SessionIdParamSchema = z.object({
  sessionId: IdSchema.openapi({ param: { name: 'sessionId', in: 'path' }, description: 'The booking id' }),
});

const ListQuerySchema = z.object({
  status: BookingStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const createBooking = createRoute({
  method: 'post',
  path: '/api/v1/bookings',
  tags: ['bookings'],
  summary: 'Book a session between a mentor and a student (supervisor, admin)',
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

function manualRoute(action: 'start' | 'complete') {
  return createRoute({
    method: 'post',
    path: `/api/sessions/{sessionId}/${action}`,
    tags: ['bookings'],
    summary:
      action === 'start'
        ? 'Start a scheduled session by hand (prevents the delay flag); mentor, student or supervisor'
        : 'Complete an ongoing session by hand (works for delayed sessions); mentor, student or supervisor',
    middleware: [requireUser] as const,
    request: { params: SessionIdParamSchema },
    responses: {
      200: jsonResponse(dataOf(BookingJsonSchema), 'The booking'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
}

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
    return c.json({ data: bookingJson(await mustFind(deps, id)) }, 201);
  });

  app.openapi(getBooking, async (c) => {
    const { id } = c.req.valid('param');
    const booking = await mustFind(deps, id);
    if (!maySeeBooking(booking, currentUser(c))) {
      throw domainError(ErrorCode.FORBIDDEN, 'Only the mentor, the student or a supervisor can see this session', { booking_id: id });
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
    return c.json({ data: bookingJson(await mustFind(deps, id)) }, 200);
  });

  for (const action of ['start', 'complete'] as const) {
    app.openapi(manualRoute(action), async (c) => {
      const { sessionId } = c.req.valid('param');
      await runIntent(deps, currentUser(c), action === 'start' ? 'booking.start' : 'booking.complete', { booking_id: sessionId });
      return c.json({ data: bookingJson(await mustFind(deps, sessionId)) }, 200);
    });
  }
}

/** 404 before the rule runs: a booking names people who exist. */
async function requireUsers(deps: AppDeps, people: Readonly<Record<'mentor_id' | 'student_id', string>>): Promise<void> {
  const ids = [...new Set(Object.values(people))];
  const found = new Set((await selectRows(deps.sql, 'users', { id: ids })).map((u) => u.id));
  for (const [field, id] of Object.entries(people)) {
    if (!found.has(id)) throw domainError(ErrorCode.NOT_FOUND, `No user ${id} (${field})`, { [field]: id });
  }
}

async function mustFind(deps: AppDeps, id: string) {
  const booking = await findBooking(deps.sql, id);
  if (booking === undefined) throw domainError(ErrorCode.NOT_FOUND, `Booking ${id} not found.`, { booking_id: id });
  return booking;
}
