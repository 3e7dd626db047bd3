/**
 * DESIGN §3: the server's clock is the authority; a device's clock is only a
 * witness of when something happened while it was offline.
 *
 * Invariants:
 * 1. `effectiveAt ≤ serverNow`: nothing takes effect in the future.
 * 2. `effectiveAt ≥ max(previousEventAt, serverNow − lookBackMs)` whenever
 *    that bound is ≤ serverNow: an entity's history stays in order, and an
 *    old queue cannot rewrite the distant past.
 * 3. An intent whose corrected time is within `toleranceMs` of server now was
 *    sent online: it takes server now and is never adjusted.
 * 4. `effectiveAt` is monotone (non-decreasing) in `occurredAt`, all else
 *    fixed, so a device's journal order is kept.
 * 5. `adjusted` (→ outcome `accepted_with_adjustment`) is true exactly when a
 *    device-timed intent takes effect more than `toleranceMs` away from the
 *    time its device recorded: a clamp, or a clock-offset correction.
 */
import type { Millis } from '../time.ts';
import { HOUR } from '../time.ts';

/** Within this distance of server now, an intent counts as online; also the slack before a correction counts as one. */
export const DEFAULT_TOLERANCE_MS: Millis = 5_000;
/** The furthest back an offline intent may take effect. */
export const DEFAULT_LOOK_BACK_MS: Millis = 7 * 24 * HOUR;

export const TimeSource = { server: 'server', device: 'device', clamped: 'clamped' } as const;
export type TimeSource = (typeof TimeSource)[keyof typeof TimeSource];

export const ClampedBy = { previousEvent: 'previous_event', serverNow: 'server_now', lookBack: 'look_back' } as const;
export type ClampedBy = (typeof ClampedBy)[keyof typeof ClampedBy];

export interface CorrectTimeInput {
  /** The device's clock when the intent was recorded. */
  readonly occurredAt: Millis;
  /** From `estimateOffset`: add to a device time to get server time. */
  readonly offsetMs: Millis;
  readonly serverNow: Millis;
  /** The latest effective time already recorded on the same entity, if any. */
  readonly previousEventAt: Millis | null;
  readonly lookBackMs: Millis;
  readonly toleranceMs: Millis;
}

export interface CorrectedTime {
  /** When the intent takes effect (server UTC). */
  readonly effectiveAt: Millis;
  /** The device time on the server's clock, before any clamp; stored beside effectiveAt. */
  readonly correctedAt: Millis;
  readonly adjusted: boolean;
  readonly timeSource: TimeSource;
  readonly clampedBy: ClampedBy | null;
}

/**
 * The device's clock offset from one batch: server receive time minus the
 * device's send time. Network latency counts as offset, which only shifts
 * corrected times later by the transit time; the clamp to server now bounds it.
 */
export function estimateOffset(deviceSentAt: Millis, serverReceivedAt: Millis): Millis {
  return serverReceivedAt - deviceSentAt;
}

export function correctTime(input: CorrectTimeInput): CorrectedTime {
  const { occurredAt, offsetMs, serverNow, previousEventAt, lookBackMs, toleranceMs } = input;
  const correctedAt = occurredAt + offsetMs;

  if (Math.abs(correctedAt - serverNow) <= toleranceMs) {
    // Online: the server's own time is the better witness, and using it is
    // the normal case, not an adjustment, however wrong the device clock is.
    return { effectiveAt: serverNow, correctedAt, adjusted: false, timeSource: TimeSource.server, clampedBy: null };
  }

  const { at: effectiveAt, by: clampedBy } = clamp(correctedAt, serverNow, previousEventAt, serverNow - lookBackMs);
  return {
    effectiveAt,
    correctedAt,
    adjusted: Math.abs(effectiveAt - occurredAt) > toleranceMs,
    timeSource: clampedBy === null ? TimeSource.device : TimeSource.clamped,
    clampedBy,
  };
}

/** Clamps into [max(previous, floor), now]; the upper bound wins if the bounds cross. */
function clamp(
  corrected: Millis,
  now: Millis,
  previous: Millis | null,
  lookBackFloor: Millis,
): { at: Millis; by: ClampedBy | null } {
  if (corrected > now) return { at: now, by: ClampedBy.serverNow };
  // The previous event names the clamp when it is the tighter bound: it is the
  // reason a person would want to see ("kept after the last change").
  const byPrevious = previous !== null && previous >= lookBackFloor;
  const lower = byPrevious ? previous : lookBackFloor;
  if (corrected >= lower) return { at: corrected, by: null };
  // A previous event after server now (another server's clock ran ahead): now wins.
  if (lower > now) return { at: now, by: ClampedBy.serverNow };
  return { at: lower, by: byPrevious ? ClampedBy.previousEvent : ClampedBy.lookBack };
}
