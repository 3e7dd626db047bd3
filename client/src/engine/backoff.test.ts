import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay } from './backoff.ts';

describe('backoff', () => {
  test('the ceiling doubles from 500 ms and stops at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map((n) => backoffCeiling(n))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  test('full jitter: the delay is the random fraction of the ceiling', () => {
    expect(backoffDelay(1, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(1_000);
    expect(backoffDelay(20, () => 0.999)).toBe(59_940);
  });

  test('matches a doubling-loop reference and stays within [0, ceiling) for any failure count and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.record({ baseMs: fc.integer({ min: 1, max: 5_000 }), capMs: fc.integer({ min: 1, max: 600_000 }) }),
        (failures, r, policy) => {
          let ceiling = Math.min(policy.capMs, policy.baseMs);
          for (let i = 1; i < failures; i++) ceiling = Math.min(policy.capMs, ceiling * 2);
          const delay = backoffDelay(failures, () => r, policy);
          expect(backoffCeiling(failures, policy)).toBe(ceiling);
          expect(delay).toBe(Math.floor(r * ceiling));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, ceiling));
          expect(backoffCeiling(failures + 1, policy)).toBeGreaterThanOrEqual(ceiling);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('defaults are 500 ms base and 60 s cap', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 60_000 });
  });
});
