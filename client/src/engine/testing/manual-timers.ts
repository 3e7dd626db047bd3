/**
 * Timers that fire only when a test says so, recording every delay the
 * engine asked for: backoff and debounce become plain numbers to assert on.
 */
import type { Timers } from '../drainer.ts';

export interface ManualTimers extends Timers {
  /** Delays requested, in order (cancelled ones included). */
  readonly requested: number[];
  /** Timers set and not yet fired or cleared. */
  pending(): number[];
  /** Fires every pending timer whose delay is ≤ maxMs (all when omitted). */
  fire(maxMs?: number): number;
}

export function manualTimers(): ManualTimers {
  const live = new Map<number, { callback: () => void; ms: number }>();
  const requested: number[] = [];
  let next = 1;
  return {
    requested,
    setTimeout(callback, ms) {
      const handle = next++;
      live.set(handle, { callback, ms });
      requested.push(ms);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle as number);
    },
    // Virtual time stands still between fires: a timer is due `ms` from now.
    now: () => 0,
    pending: () => [...live.values()].map((timer) => timer.ms),
    fire(maxMs = Number.POSITIVE_INFINITY) {
      const due = [...live.entries()].filter(([, timer]) => timer.ms <= maxMs);
      for (const [handle, timer] of due) {
        live.delete(handle);
        timer.callback();
      }
      return due.length;
    },
  };
}
