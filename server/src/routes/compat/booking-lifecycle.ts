/**
 * The booking lifecycle under its wire name "sessions" (API.md "Seed 002"):
 * starting and completing a booking by hand, and the two triggers of the
 * booking sweep, which answer `{started, completed, updates}` without an
 * envelope. The dashboards poll the client trigger; an external cron calls
 * the other with `Authorization: Bearer $CRON_SECRET`.
 *
 * Both triggers run `runBookingSweep`, the sweep the scheduler runs too; it
 * is idempotent, so any number of pollers is harmless. The cron secret is
 * read only from the Authorization header (never the query or body, which
 * end up in logs) and compared in constant time over SHA-256 digests, so
 * neither content nor length leaks. Without CRON_SECRET the cron route fails
 * closed: 503 to everyone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, domainError } from '@stint/shared';
import type { MiddlewareHandler } from 'hono';
import { currentUser, requireUser } from '../../auth/middleware.ts';
import { BookingJsonSchema, SweepReportSchema, bookingJson, sweepReportJson } from '../../bookings/booking-json.ts';
import { requireBooking } from '../../bookings/booking-queries.ts';
import { runBookingSweep } from '../../bookings/run-booking-sweep.ts';
import type { SweepTrigger } from '../../metrics/metrics.ts';
import type { AppDeps, AppEnv } from '../../http/env.ts';
import { IdSchema } from '../../http/input.ts';
import { createRoute, dataOf, errorResponses, jsonResponse, z } from '../../http/router.ts';
import type { Router } from '../../http/router.ts';
import { runIntent } from '../../intents/run-intent.ts';

const tags = ['booking lifecycle'];

const BookingIdParamSchema = z.object({
  sessionId: IdSchema.openapi({ param: { name: 'sessionId', in: 'path' }, description: 'The booking id' }),
});

const ACTIONS = {
  start: { kind: 'booking.start', summary: 'Start a scheduled booking by hand (prevents the delay flag); mentor, student or supervisor' },
  complete: { kind: 'booking.complete', summary: 'Complete an ongoing booking by hand (works for delayed ones); mentor, student or supervisor' },
} as const;

export function registerBookingLifecycleRoutes(app: Router, deps: AppDeps): void {
  for (const [action, { kind, summary }] of Object.entries(ACTIONS)) {
    const route = createRoute({
      method: 'post',
      path: `/api/sessions/{sessionId}/${action}`,
      tags,
      summary,
      middleware: [requireUser] as const,
      request: { params: BookingIdParamSchema },
      responses: { 200: jsonResponse(dataOf(BookingJsonSchema), 'The booking'), ...errorResponses(400, 401, 403, 404, 409) },
    });
    app.openapi(route, async (c) => {
      const { sessionId } = c.req.valid('param');
      await runIntent(deps, currentUser(c), kind, { booking_id: sessionId });
      return c.json({ data: bookingJson(await requireBooking(deps.sql, sessionId)) }, 200);
    });
  }

  for (const method of ['get', 'post'] as const) {
    for (const trigger of SWEEP_TRIGGERS) {
      const route = createRoute({
        method,
        path: trigger.path,
        tags,
        summary: trigger.summary,
        middleware: [trigger.guard] as const,
        responses: { 200: jsonResponse(SweepReportSchema, 'What this run changed'), ...errorResponses(...trigger.errors) },
      });
      app.openapi(route, async (c) => {
        // The client trigger's caller is audited as its actor; cron has none.
        const actorId = c.var.user?.id;
        const report = await runBookingSweep(deps, trigger.source, { ...(actorId === undefined ? {} : { actorId }), logger: c.var.log });
        return c.json(sweepReportJson(report), 200);
      });
    }
  }
}

const requireCronSecret: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = c.var.deps.config.CRON_SECRET;
  if (expected === undefined) {
    throw domainError(ErrorCode.NOT_CONFIGURED, 'CRON_SECRET is not set on this server; the cron route is disabled');
  }
  const given = /^Bearer[ \t]+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
  if (given === undefined || !sameSecret(given, expected)) {
    throw domainError(ErrorCode.UNAUTHENTICATED, 'Missing or wrong cron secret (Authorization: Bearer <CRON_SECRET>)');
  }
  await next();
};

const SWEEP_TRIGGERS = [
  {
    path: '/api/admin/update-session-status',
    summary: 'Run the booking status sweep now (any signed-in user; dashboards poll it)',
    guard: requireUser,
    errors: [401],
    source: 'client',
  },
  {
    path: '/api/cron/complete-sessions',
    summary: 'Run the booking status sweep now (external cron; Authorization: Bearer $CRON_SECRET)',
    guard: requireCronSecret,
    errors: [401, 503],
    source: 'cron',
  },
] as const satisfies readonly {
  path: string;
  summary: string;
  guard: MiddlewareHandler<AppEnv>;
  errors: readonly (401 | 503)[];
  source: SweepTrigger;
}[];

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
