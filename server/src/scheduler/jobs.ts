/**
 * What the in-process scheduler runs each period, in order. Adding a sweep is
 * one line here: `{ name, run: () => runXSweep(deps, 'scheduler') }`.
 */
import { runBookingSweep } from '../bookings/run-booking-sweep.ts';
import type { SchedulerJob } from './scheduler.ts';
import { runStaleSweep } from './run-stale-sweep.ts';
import type { StaleSweepDeps } from './run-stale-sweep.ts';

export type SchedulerDeps = StaleSweepDeps;

export function schedulerJobs(deps: SchedulerDeps): SchedulerJob[] {
  return [
    { name: 'stale-sessions', run: () => runStaleSweep(deps, 'scheduler') },
    { name: 'bookings', run: () => runBookingSweep(deps, 'scheduler') },
  ];
}
