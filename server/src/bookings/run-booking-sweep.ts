/**
 * One booking sweep as its three callers run it (the scheduler job, the
 * cron route, the signed-in client's poll): at the server clock's now,
 * timed and counted in the metrics, logged.
 *
 * The client poll (`/api/admin/update-session-status`) is audited with
 * source 'cron' and the caller as actor: like cron it is an outside trigger
 * of the same time-driven rule, not a change the caller made.
 */
import type { AppDeps } from '../http/env.ts';
import type { Logger } from '../log.ts';
import { SweepKind, timeSweep } from '../metrics/metrics.ts';
import type { SweepTrigger } from '../metrics/metrics.ts';
import { sweepBookingsSql } from './sweep-sql.ts';
import type { BookingSweepOptions, SqlSweepReport } from './sweep-sql.ts';

export type BookingSweepDeps = Pick<AppDeps, 'sql' | 'clock' | 'logger' | 'metrics'>;

export async function runBookingSweep(
  deps: BookingSweepDeps,
  trigger: SweepTrigger,
  options: { readonly actorId?: string; readonly logger?: Logger; readonly chunkSize?: number } = {},
): Promise<SqlSweepReport> {
  const log = options.logger ?? deps.logger;
  const sweepOptions: BookingSweepOptions = {
    actorId: options.actorId ?? null,
    logger: log,
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
  };
  const report = await timeSweep(deps.metrics, SweepKind.bookings, trigger, () =>
    sweepBookingsSql(deps.sql, deps.clock(), trigger === 'scheduler' ? 'scheduler' : 'cron', sweepOptions),
  );
  deps.metrics.countSweepRows(SweepKind.bookings, 'SCHEDULED→ONGOING', report.started);
  deps.metrics.countSweepRows(SweepKind.bookings, 'ONGOING→COMPLETED', report.completed);
  deps.metrics.countSweepRows(SweepKind.bookings, 'failed', report.failed.length);
  if (report.updates.length > 0 || report.failed.length > 0) {
    log.info({ trigger, started: report.started, completed: report.completed, failed: report.failed.length }, 'booking sweep');
  }
  return report;
}
