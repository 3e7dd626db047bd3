import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitByLocalDay } from './day-split.ts';
import { localDay } from './zone-time.ts';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('splitting a session by local day', () => {
  test('a session across midnight counts on both local days of its own zone', () => {
    // 22:00 → 02:00 in Madrid (winter, +01:00).
    const pieces = splitByLocalDay(utc('2025-01-14T21:00:00Z'), utc('2025-01-15T01:00:00Z'), 'Europe/Madrid');
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([
      ['2025-01-14', 2],
      ['2025-01-15', 2],
    ]);
    expect(pieces[0]?.end).toBe(utc('2025-01-14T23:00:00Z'));
  });

  test('the same instants split differently in another zone', () => {
    const pieces = splitByLocalDay(utc('2025-01-14T21:00:00Z'), utc('2025-01-15T01:00:00Z'), 'America/New_York');
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([['2025-01-14', 4]]);
  });

  test('a spring-forward night has a 23-hour local day', () => {
    // Madrid 2025-03-30: 02:00 → 03:00. Whole day from local midnight to midnight.
    const start = utc('2025-03-29T23:00:00Z');
    const end = utc('2025-03-30T22:00:00Z');
    const pieces = splitByLocalDay(start, end, 'Europe/Madrid');
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([['2025-03-30', 23]]);
    const across = splitByLocalDay(utc('2025-03-30T20:00:00Z'), utc('2025-03-30T23:00:00Z'), 'Europe/Madrid');
    expect(across.map((p) => [p.day, p.ms / H])).toEqual([
      ['2025-03-30', 2],
      ['2025-03-31', 1],
    ]);
  });

  test('a fall-back night has a 25-hour local day', () => {
    // Madrid 2025-10-26: 03:00 → 02:00; local midnights are 22:00Z on the 25th and 23:00Z on the 26th.
    const pieces = splitByLocalDay(utc('2025-10-25T20:00:00Z'), utc('2025-10-27T00:00:00Z'), 'Europe/Madrid');
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([
      ['2025-10-25', 2],
      ['2025-10-26', 25],
      ['2025-10-27', 1],
    ]);
  });

  test('a day whose midnight does not exist starts at 01:00 (Chile, 2025-09-07)', () => {
    const pieces = splitByLocalDay(utc('2025-09-07T02:00:00Z'), utc('2025-09-07T06:00:00Z'), 'America/Santiago');
    // 22:00 -04 on the 6th until the skipped midnight (04:00Z = 01:00 -03), then the 7th.
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([
      ['2025-09-06', 2],
      ['2025-09-07', 2],
    ]);
  });

  test('an empty or inverted interval has no pieces', () => {
    expect(splitByLocalDay(1_000, 1_000, 'UTC')).toEqual([]);
    expect(splitByLocalDay(2_000, 1_000, 'UTC')).toEqual([]);
  });

  test('an unknown zone is read as UTC instead of breaking the report', () => {
    const pieces = splitByLocalDay(utc('2025-01-14T23:00:00Z'), utc('2025-01-15T01:00:00Z'), 'Not/AZone');
    expect(pieces.map((p) => [p.day, p.ms / H])).toEqual([
      ['2025-01-14', 1],
      ['2025-01-15', 1],
    ]);
  });

  test('pieces cover the interval exactly and agree with a quarter-hour walk (property)', () => {
    const zones = ['Europe/Madrid', 'America/New_York', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
    const base = utc('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 365 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 * 60 }),
        (zone, startMin, lengthS) => {
          const start = base + startMin * 60_000 + 1_234;
          const end = start + lengthS * 1000;
          const pieces = splitByLocalDay(start, end, zone);
          // Invariant 1: contiguous, ordered, exact cover.
          let at = start;
          for (const piece of pieces) {
            expect(piece.start).toBe(at);
            expect(piece.ms).toBe(piece.end - piece.start);
            expect(piece.ms).toBeGreaterThan(0);
            at = piece.end;
          }
          expect(at).toBe(pieces.length === 0 ? start : end);
          // Invariant 2 against a reference: every quarter-hour cell belongs to the day of its start.
          expect(totalsOf(pieces)).toEqual(quarterHourReference(start, end, zone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function totalsOf(pieces: readonly { day: string; ms: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pieces) out[p.day] = (out[p.day] ?? 0) + p.ms;
  return out;
}

// Every DST change and midnight of these zones falls on a quarter hour (UTC),
// so cutting at quarter hours and naming each cell by its start's day is exact.
function quarterHourReference(start: number, end: number, zone: string): Record<string, number> {
  const Q = 15 * 60_000;
  const out: Record<string, number> = {};
  let at = start;
  while (at < end) {
    const next = Math.min(end, Math.floor(at / Q) * Q + Q);
    const day = localDay(at, zone);
    out[day] = (out[day] ?? 0) + (next - at);
    at = next;
  }
  return out;
}
