/**
 * The scheduler loop (scheduler.ts invariants 1–3) with fake timers and fake
 * jobs: when ticks run, in what order, what a failure does, and stopping.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLogger } from '../log.ts';
import { startScheduler } from './scheduler.ts';
import type { SchedulerJob } from './scheduler.ts';

const lines: Record<string, unknown>[] = [];
const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });

beforeEach(() => {
  vi.useFakeTimers();
  lines.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder(calls: string[], name: string, body: () => Promise<void> = async () => undefined): SchedulerJob {
  return {
    name,
    run: async () => {
      calls.push(`${name}:start`);
      await body();
      calls.push(`${name}:end`);
    },
  };
}

describe('scheduler', () => {
  test('runs every job once at start, then once per interval, in order', async () => {
    const calls: string[] = [];
    const scheduler = startScheduler({ jobs: [recorder(calls, 'stale'), recorder(calls, 'bookings')], intervalMs: 30_000, logger });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['stale:start', 'stale:end', 'bookings:start', 'bookings:end']);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(8);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(16);
    await scheduler.stop();
  });

  test('a failing job is logged with its name and the other jobs and later ticks still run', async () => {
    const calls: string[] = [];
    const failing: SchedulerJob = { name: 'broken', run: () => Promise.reject(new Error('database went away')) };
    const scheduler = startScheduler({ jobs: [failing, recorder(calls, 'bookings')], intervalMs: 1_000, logger });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual(['bookings:start', 'bookings:end', 'bookings:start', 'bookings:end']);
    const errors = lines.filter((l) => l['msg'] === 'scheduled job failed');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ job: 'broken', err: { message: 'database went away' } });
    await scheduler.stop();
  });

  test('ticks never overlap: a slow run delays the next tick until it has finished', async () => {
    const calls: string[] = [];
    const slow = recorder(calls, 'slow', () => new Promise((resolve) => setTimeout(resolve, 2_500)));
    const scheduler = startScheduler({ jobs: [slow], intervalMs: 1_000, logger });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(calls).toEqual(['slow:start', 'slow:end']);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual(['slow:start', 'slow:end']);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['slow:start', 'slow:end', 'slow:start']);
    await vi.advanceTimersByTimeAsync(2_500);
    await scheduler.stop();
    expect(calls.filter((c) => c === 'slow:start')).toHaveLength(calls.filter((c) => c === 'slow:end').length);
  });

  test('stop waits for the running tick, skips the jobs after it, and no tick runs afterwards', async () => {
    const calls: string[] = [];
    const slow = recorder(calls, 'slow', () => new Promise((resolve) => setTimeout(resolve, 500)));
    const scheduler = startScheduler({ jobs: [slow, recorder(calls, 'next')], intervalMs: 1_000, logger });
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    await stopping;
    expect(calls).toEqual(['slow:start', 'slow:end']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual(['slow:start', 'slow:end']);
  });

  test('tick() runs the jobs now, after any running tick', async () => {
    const calls: string[] = [];
    const scheduler = startScheduler({ jobs: [recorder(calls, 'stale')], intervalMs: 60_000, logger });
    await vi.advanceTimersByTimeAsync(0);
    await scheduler.tick();
    expect(calls).toEqual(['stale:start', 'stale:end', 'stale:start', 'stale:end']);
    await scheduler.stop();
  });
});
