import { describe, expect, test } from 'vitest';
import { localInputToIso, nextLocalMidnight, startOfLocalDay, toLocalIso, wallToUtc, zoneOffsetMs } from './zone-time.ts';

const utc = (iso: string): number => Date.parse(iso);

describe('wall time in a zone', () => {
  test('the offset follows daylight saving time', () => {
    expect(zoneOffsetMs(utc('2025-01-15T12:00:00Z'), 'Europe/Madrid')).toBe(3_600_000);
    expect(zoneOffsetMs(utc('2025-07-15T12:00:00Z'), 'Europe/Madrid')).toBe(7_200_000);
    expect(zoneOffsetMs(utc('2025-07-15T12:00:00Z'), 'America/Mexico_City')).toBe(-6 * 3_600_000);
    expect(zoneOffsetMs(utc('2025-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });

  test('local ISO times carry the offset of their instant', () => {
    expect(toLocalIso(utc('2025-03-30T00:59:59Z'), 'Europe/Madrid')).toBe('2025-03-30T01:59:59+01:00');
    expect(toLocalIso(utc('2025-03-30T01:00:00Z'), 'Europe/Madrid')).toBe('2025-03-30T03:00:00+02:00');
    expect(toLocalIso(utc('2025-01-15T05:30:00Z'), 'America/New_York')).toBe('2025-01-15T00:30:00-05:00');
  });

  test('a wall time in the spring-forward gap moves forward; a repeated one takes the earlier instant', () => {
    const gap = wallToUtc({ year: 2025, month: 3, day: 30, hour: 2, minute: 30, second: 0 }, 'Europe/Madrid');
    expect(toLocalIso(gap, 'Europe/Madrid')).toBe('2025-03-30T03:30:00+02:00');
    const repeat = wallToUtc({ year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0 }, 'Europe/Madrid');
    expect(repeat).toBe(utc('2025-10-26T00:30:00Z'));
  });

  test('local days start and end at local midnight', () => {
    const at = utc('2025-10-26T12:00:00Z');
    expect(startOfLocalDay(at, 'Europe/Madrid')).toBe(utc('2025-10-25T22:00:00Z'));
    expect(nextLocalMidnight(at, 'Europe/Madrid')).toBe(utc('2025-10-26T23:00:00Z'));
  });

  test('a datetime-local value becomes ISO with the offset of its zone', () => {
    expect(localInputToIso('2025-07-01T09:15', 'Europe/Madrid')).toBe('2025-07-01T09:15:00+02:00');
    expect(localInputToIso('2025-12-01T09:15:30', 'Europe/Madrid')).toBe('2025-12-01T09:15:30+01:00');
    expect(Date.parse(localInputToIso('2025-12-01T09:15', 'America/New_York') ?? '')).toBe(utc('2025-12-01T14:15:00Z'));
  });

  test.each(['', '2025-07-01', '2025-13-01T09:00', '2025-04-31T09:00', '2025-07-01T24:00', 'tomorrow'])(
    'a value that is not a local time (%s) gives nothing',
    (value) => expect(localInputToIso(value, 'UTC')).toBeUndefined(),
  );
});
