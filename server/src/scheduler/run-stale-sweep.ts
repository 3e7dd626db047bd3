/**
 * One stale-session sweep as a caller runs it (the scheduler job; a cron
 * route may reuse it with trigger 'cron'): at the server clock's now with
 * STALE_CUTOFF_S, timed and counted in the metrics, logged when it closed
 * anything.
 */
import type { AppDeps } from '../http/env.ts';
import { SweepKind, timeSweep } from '../metrics/metrics.ts';
import type { SweepTrigger } from '../metrics/metrics.ts';
import { sweepStaleSessions } from './stale-sessions.ts';
import type { StaleSweepResult } from './stale-sessions.ts';

export type StaleSweepDeps = Pick<AppDeps, 'sql' | 'clock' | 'config' | 'logger' | 'metrics'>;

export async function runStaleSweep(deps: StaleSweepDeps, trigger: SweepTrigger): Promise<StaleSweepResult> {
  const result = await timeSweep(deps.metrics, SweepKind.stale, trigger, () =>
    sweepStaleSessions(deps.sql, deps.clock(), deps.config.STALE_CUTOFF_S * 1000, { source: trigger === 'scheduler' ? 'scheduler' : 'cron' }),
  );
  deps.metrics.countSweepRows(SweepKind.stale, 'stale_timeout', result.count);
  if (result.count > 0) {
    deps.logger.info({ trigger, closed: result.count, session_ids: result.closed.map((s) => s.session_id) }, 'stale sessions closed');
  }
  return result;
}
