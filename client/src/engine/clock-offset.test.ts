import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MINUTE } from '@stint/shared';
import { createOffsetEstimator, offsetSample } from './clock-offset.ts';

const T = Date.UTC(2026, 10, 2, 12, 0);

describe('clock offset', () => {
  test('one sample is server time minus the midpoint of send and receive', () => {
    expect(offsetSample(T, T + 200, T + 100 + 20 * MINUTE)).toBe(20 * MINUTE);
    expect(offsetSample(T, T + 200, T + 100 - 3_000)).toBe(-3_000);
  });

  test('the first round trip sets the estimate; later ones move it a fraction of the way', () => {
    const offset = createOffsetEstimator(null, { alpha: 0.5 });
    expect(offset.known).toBe(false);
    expect(offset.value).toBe(0);
    expect(offset.sample(T, T + 100, T + 50 + 1_000)).toBe(1_000);
    expect(offset.sample(T, T + 100, T + 50 + 2_000)).toBe(1_500);
    expect(offset.known).toBe(true);
  });

  test('a jump beyond a minute (the device clock was set) replaces the estimate', () => {
    const offset = createOffsetEstimator(1_000);
    expect(offset.sample(T, T + 100, T + 50 + 30 * MINUTE)).toBe(30 * MINUTE);
  });

  test('a slow round trip does not refine a known estimate', () => {
    const offset = createOffsetEstimator(1_000, { maxRttMs: 5_000 });
    expect(offset.sample(T, T + 20_000, T + 10_000 + 40_000)).toBe(1_000);
  });

  test('with symmetric latency it converges on the true offset, whatever the start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }),
        fc.option(fc.integer({ min: -3_600_000, max: 3_600_000 }), { nil: null }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 30, maxLength: 60 }),
        (trueOffset, initial, latencies) => {
          const offset = createOffsetEstimator(initial);
          let device = T;
          for (const latency of latencies) {
            const sentAt = device;
            const receivedAt = device + 2 * latency;
            offset.sample(sentAt, receivedAt, sentAt + latency + trueOffset);
            device += 10_000;
          }
          expect(Math.abs(offset.value - trueOffset)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
