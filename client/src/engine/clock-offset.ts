/**
 * The device's clock offset, estimated on every push round trip (NTP-style):
 * the server stamps its answer with `server_time`; half-way between sending
 * and receiving on the device's clock is the best guess of the same moment,
 * so `offset = server_time − (sent + received) / 2`.
 *
 * Invariants:
 *  1. The estimate moves a fraction `alpha` towards each new sample, so one
 *     slow round trip cannot swing it.
 *  2. A sample further than `jumpMs` from the estimate (the device's clock
 *     was set, or a first contact after a long time) replaces it outright.
 *  3. Samples from round trips slower than `maxRttMs` only count when no
 *     estimate exists yet or they show a jump: their midpoint is too
 *     uncertain to refine a good estimate.
 */
import type { Millis } from '@stint/shared';

export interface OffsetOptions {
  readonly alpha?: number;
  readonly jumpMs?: Millis;
  readonly maxRttMs?: Millis;
}

export interface OffsetEstimator {
  /** Current estimate (0 before any round trip). */
  readonly value: Millis;
  readonly known: boolean;
  /** Takes one round trip: device send time, device receive time, server time; returns the new estimate. */
  sample(sentAt: Millis, receivedAt: Millis, serverTime: Millis): Millis;
}

export function offsetSample(sentAt: Millis, receivedAt: Millis, serverTime: Millis): Millis {
  return serverTime - (sentAt + receivedAt) / 2;
}

export function createOffsetEstimator(initial: Millis | null, options: OffsetOptions = {}): OffsetEstimator {
  const alpha = options.alpha ?? 0.3;
  const jumpMs = options.jumpMs ?? 60_000;
  const maxRttMs = options.maxRttMs ?? 10_000;
  let estimate = initial;
  return {
    get value() {
      return estimate ?? 0;
    },
    get known() {
      return estimate !== null;
    },
    sample(sentAt, receivedAt, serverTime) {
      const sample = offsetSample(sentAt, receivedAt, serverTime);
      const rtt = receivedAt - sentAt;
      if (estimate === null || Math.abs(sample - estimate) > jumpMs) estimate = Math.round(sample);
      else if (rtt <= maxRttMs) estimate = Math.round(estimate + alpha * (sample - estimate));
      return estimate;
    },
  };
}
