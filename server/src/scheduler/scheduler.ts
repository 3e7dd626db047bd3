/**
 * The in-process scheduler (DESIGN §5): every `intervalMs` it runs each job
 * once, in order — the stale-session sweep, the booking sweep. main.ts starts
 * it; createApp does not, so tests stay deterministic and call the jobs (or
 * `tick()`) themselves.
 *
 * Invariants:
 *  1. Runs never overlap: the next tick is scheduled only after the previous
 *     one finished, however long it took. The first tick runs at once, so a
 *     server restarted after downtime catches up without waiting a period.
 *  2. One failing job never stops the others or the loop: its error is
 *     logged with the job's name and the next job runs.
 *  3. `stop()` cancels the next tick and waits for a running one, so the
 *     caller can close the database pool right after.
 *  4. Every job is idempotent and set-based (each sweep's own module), so a
 *     tick that races another server's tick, or the cron route, is harmless.
 */
import type { Millis } from '@stint/shared';
import type { Logger } from '../log.ts';

export interface SchedulerJob {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

export interface Scheduler {
  /** Runs every job once now (after any running tick). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  readonly jobs: readonly SchedulerJob[];
  readonly intervalMs: Millis;
  readonly logger: Logger;
}

export function startScheduler({ jobs, intervalMs, logger }: SchedulerOptions): Scheduler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runJobs = async (): Promise<void> => {
    for (const job of jobs) {
      if (stopped) return;
      try {
        await job.run();
      } catch (err) {
        logger.error({ err, job: job.name }, 'scheduled job failed');
      }
    }
  };
  const tick = (): Promise<void> => {
    running = running.then(runJobs);
    return running;
  };
  const loop = (): void => {
    timer = setTimeout(() => {
      void tick().then(() => {
        if (!stopped) loop();
      });
    }, intervalMs);
    timer.unref();
  };

  void tick().then(() => {
    if (!stopped) loop();
  });
  logger.info({ interval_s: intervalMs / 1000, jobs: jobs.map((j) => j.name) }, 'scheduler started');

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
