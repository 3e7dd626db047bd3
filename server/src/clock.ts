/**
 * The server's clock is a plain function returning epoch ms (UTC), injected
 * into createApp so tests freeze or advance time. Only main.ts reads the
 * real clock.
 */
import type { Millis } from '@stint/shared';

export type Clock = () => Millis;

export const systemClock: Clock = () => Date.now();

/** A clock tests can set and advance. */
export interface ManualClock extends Clock {
  set(ms: Millis): void;
  advance(ms: Millis): void;
}

export function manualClock(start: Millis): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}
