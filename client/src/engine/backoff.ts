/**
 * Retry delays after a failed push: exponential backoff with full jitter
 * (a uniformly random delay up to the exponential ceiling), so devices that
 * lose the server together do not come back together.
 *
 * Invariants:
 *  1. 0 ≤ delay < min(capMs, baseMs · 2^(failures − 1)).
 *  2. The ceiling never decreases as failures grow, and never exceeds capMs.
 */
import type { Millis } from '@stint/shared';

export interface BackoffPolicy {
  readonly baseMs: Millis;
  readonly capMs: Millis;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 60_000 };

/** The ceiling after `failures` consecutive failures (≥ 1). */
export function backoffCeiling(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): Millis {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** The delay before the next attempt; `random` returns a number in [0, 1). */
export function backoffDelay(failures: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): Millis {
  return Math.floor(random() * backoffCeiling(failures, policy));
}
