/**
 * Seed 002's two triggers of the booking sweep (API.md "Seed 002"), both
 * answering the seed's body `{started, completed, updates}` without envelope:
 *   GET|POST /api/admin/update-session-status  (any signed-in user; the dashboards poll it)
 *   GET|POST /api/cron/complete-sessions       (Authorization: Bearer $CRON_SECRET)
 *
 * Invariants:
 *  1. Both run `runBookingSweep`, the one implementation the scheduler runs
 *     too; the sweep is idempotent, so any number of pollers is harmless.
 *  2. The cron secret is read only from the Authorization header, never
 *     from the query string or body, and compared in constant time
 *     (timingSafeEqual over SHA-256 digests, so lengths never leak either).
 *  3. Fail closed: with CRON_SECRET unset the cron route answers 503
 *     NOT_CONFIGURED to everyone; a missing or wrong secret is 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, domainError } from '@stint/shared';
import type { MiddlewareHandler } from 'hono';
import { currentUser, requireUser } from '../auth/middleware.ts';
import { SweepReportSchema, sweepReportJson } from '../bookings/booking-json.ts';
import { runBookingSweep } from '../bookings/run-booking-sweep.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { createRoute, errorResponses, jsonResponse } from '../http/router.ts';
import type { Router } from '../http/router.ts';

export const UPDATE_SESSION_STATUS_PATH = '/api/admin/update-session-status';
export const CRON_COMPLETE_SESSIONS_PATH = '/api/cron/complete-sessions';

/** Invariants 2 and 3. */
export const requireCronSecret: MiddlewareHandler<AppEnv> = async (c, next) => {
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

export function registerCronRoutes(app: Router, deps: AppDeps): void {
  for (const method of ['get', 'post'] as const) {
    app.openapi(
      createRoute({
        method,
        path: UPDATE_SESSION_STATUS_PATH,
        tags: ['bookings'],
        summary: 'Run the booking status sweep now (any signed-in user; dashboards poll it)',
        middleware: [requireUser] as const,
        responses: {
          200: jsonResponse(SweepReportSchema, 'What this run changed'),
          ...errorResponses(401),
        },
      }),
      async (c) => {
        const report = await runBookingSweep(deps, 'client', { actorId: currentUser(c).id, logger: c.var.log });
        return c.json(sweepReportJson(report), 200);
      },
    );
    app.openapi(
      createRoute({
        method,
        path: CRON_COMPLETE_SESSIONS_PATH,
        tags: ['bookings'],
        summary: 'Run the booking status sweep now (external cron; Authorization: Bearer $CRON_SECRET)',
        middleware: [requireCronSecret] as const,
        responses: {
          200: jsonResponse(SweepReportSchema, 'What this run changed'),
          ...errorResponses(401, 503),
        },
      }),
      async (c) => {
        const report = await runBookingSweep(deps, 'cron', { logger: c.var.log });
        return c.json(sweepReportJson(report), 200);
      },
    );
  }
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
