import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HOUR, MINUTE, SECOND } from '../time.ts';
import { DEFAULT_LOOK_BACK_MS, DEFAULT_TOLERANCE_MS, correctTime, estimateOffset } from './time-correction.ts';
import type { CorrectTimeInput } from './time-correction.ts';

const T = Date.UTC(2026, 10, 2, 12, 0);
const DAY = 24 * HOUR;
const base = { serverNow: T, previousEventAt: null, lookBackMs: DEFAULT_LOOK_BACK_MS, toleranceMs: DEFAULT_TOLERANCE_MS };

describe('time correction', () => {
  test('defaults: 5 s tolerance, 7 days look-back', () => {
    expect(DEFAULT_TOLERANCE_MS).toBe(5 * SECOND);
    expect(DEFAULT_LOOK_BACK_MS).toBe(7 * DAY);
  });

  test('the offset is server receive time minus device send time', () => {
    expect(estimateOffset(T + 20 * MINUTE, T)).toBe(-20 * MINUTE);
    expect(estimateOffset(T - 3 * SECOND, T)).toBe(3 * SECOND);
  });

  test('an intent recorded 3 hours earlier on a device whose clock runs 20 minutes fast gets the corrected time and is flagged', () => {
    const fast = 20 * MINUTE;
    const offsetMs = estimateOffset(T + fast, T); // sent_at on the device's clock, received at server now
    const result = correctTime({ ...base, occurredAt: T - 3 * HOUR + fast, offsetMs });
    expect(result).toEqual({ effectiveAt: T - 3 * HOUR, correctedAt: T - 3 * HOUR, adjusted: true, timeSource: 'device', clampedBy: null });
  });

  test('an offline intent from a device with a correct clock keeps its own time and is not adjusted', () => {
    const result = correctTime({ ...base, occurredAt: T - 2 * HOUR, offsetMs: 40 });
    expect(result).toMatchObject({ effectiveAt: T - 2 * HOUR + 40, adjusted: false, timeSource: 'device', clampedBy: null });
  });

  test('an online intent takes server now and is not adjusted, even from a skewed clock', () => {
    const result = correctTime({ ...base, occurredAt: T + 20 * MINUTE - 2 * SECOND, offsetMs: -20 * MINUTE });
    expect(result).toEqual({ effectiveAt: T, correctedAt: T - 2 * SECOND, adjusted: false, timeSource: 'server', clampedBy: null });
  });

  test('the online band is inclusive of the tolerance on both sides', () => {
    for (const d of [-DEFAULT_TOLERANCE_MS, DEFAULT_TOLERANCE_MS]) {
      expect(correctTime({ ...base, occurredAt: T + d, offsetMs: 0 }).timeSource).toBe('server');
    }
    expect(correctTime({ ...base, occurredAt: T - DEFAULT_TOLERANCE_MS - 1, offsetMs: 0 }).timeSource).toBe('device');
  });

  test('an offline intent before the previous event on its entity is clamped to it and adjusted', () => {
    const result = correctTime({ ...base, occurredAt: T - 2 * HOUR, offsetMs: 0, previousEventAt: T - HOUR });
    expect(result).toEqual({ effectiveAt: T - HOUR, correctedAt: T - 2 * HOUR, adjusted: true, timeSource: 'clamped', clampedBy: 'previous_event' });
  });

  test('a corrected time in the future is clamped to server now', () => {
    const result = correctTime({ ...base, occurredAt: T + HOUR, offsetMs: 0 });
    expect(result).toMatchObject({ effectiveAt: T, adjusted: true, timeSource: 'clamped', clampedBy: 'server_now' });
  });

  test('an intent older than the look-back window is clamped to its start', () => {
    const result = correctTime({ ...base, occurredAt: T - 10 * DAY, offsetMs: 0, previousEventAt: T - 30 * DAY });
    expect(result).toMatchObject({ effectiveAt: T - 7 * DAY, adjusted: true, timeSource: 'clamped', clampedBy: 'look_back' });
  });

  test('a previous event after server now (a server clock ahead) leaves server now as the effective time', () => {
    const result = correctTime({ ...base, occurredAt: T - HOUR, offsetMs: 0, previousEventAt: T + MINUTE });
    expect(result).toMatchObject({ effectiveAt: T, clampedBy: 'server_now', adjusted: true });
  });

  test('a clamp smaller than the tolerance is recorded but does not flag the outcome', () => {
    const result = correctTime({ ...base, occurredAt: T - HOUR, offsetMs: 0, previousEventAt: T - HOUR + 2 * SECOND });
    expect(result).toMatchObject({ effectiveAt: T - HOUR + 2 * SECOND, timeSource: 'clamped', clampedBy: 'previous_event', adjusted: false });
  });
});

describe('time correction (property)', () => {
  const RUNS = { numRuns: 1000 };
  const inputArb: fc.Arbitrary<CorrectTimeInput> = fc.record({
    occurredAt: fc.integer({ min: T - 20 * DAY, max: T + 2 * DAY }),
    offsetMs: fc.oneof(fc.constant(0), fc.integer({ min: -2 * HOUR, max: 2 * HOUR })),
    serverNow: fc.constant(T),
    previousEventAt: fc.option(fc.integer({ min: T - 20 * DAY, max: T }), { nil: null }),
    lookBackMs: fc.oneof(fc.constant(DEFAULT_LOOK_BACK_MS), fc.integer({ min: 0, max: 10 * DAY })),
    toleranceMs: fc.oneof(fc.constant(DEFAULT_TOLERANCE_MS), fc.integer({ min: 0, max: MINUTE })),
  });

  test('the effective time is always within [max(previous, now − look-back), now]', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { effectiveAt } = correctTime(input);
        expect(effectiveAt).toBeLessThanOrEqual(input.serverNow);
        expect(effectiveAt).toBeGreaterThanOrEqual(Math.max(input.previousEventAt ?? -Infinity, input.serverNow - input.lookBackMs));
        if (input.previousEventAt !== null) expect(effectiveAt).toBeGreaterThanOrEqual(input.previousEventAt);
      }),
      RUNS,
    );
  });

  test('the effective time is monotone in the device time', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 3 * DAY }), (input, later) => {
        const a = correctTime(input).effectiveAt;
        const b = correctTime({ ...input, occurredAt: input.occurredAt + later }).effectiveAt;
        expect(b).toBeGreaterThanOrEqual(a);
      }),
      RUNS,
    );
  });

  test('matches a naive reference: the median of (low, corrected, now) outside the online band', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const corrected = input.occurredAt + input.offsetMs;
        const online = corrected >= input.serverNow - input.toleranceMs && corrected <= input.serverNow + input.toleranceMs;
        const low = Math.max(input.previousEventAt ?? Number.NEGATIVE_INFINITY, input.serverNow - input.lookBackMs);
        const expected = online ? input.serverNow : [low, corrected, input.serverNow].sort((x, y) => x - y)[1] ?? Number.NaN;
        const result = correctTime(input);
        expect(result.effectiveAt).toBe(expected);
        expect(result.correctedAt).toBe(corrected);
        expect(result.timeSource).toBe(online ? 'server' : expected === corrected ? 'device' : 'clamped');
        expect(result.adjusted).toBe(!online && Math.abs(expected - input.occurredAt) > input.toleranceMs);
      }),
      RUNS,
    );
  });
});
