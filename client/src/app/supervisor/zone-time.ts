/**
 * Wall-clock time in an IANA zone, from epoch milliseconds and back, with
 * nothing but Intl (no time-zone library). Reports split sessions by the
 * local day of the session's own zone; booking forms turn a local wall time
 * into an ISO timestamp with its offset.
 *
 * Invariants:
 *  1. `zoneOffsetMs(at, zone)` is the offset in force at instant `at`, so a
 *     DST change is honoured to the millisecond.
 *  2. `wallToUtc` resolves a wall time that does not exist (spring-forward
 *     gap) by moving it forward by the gap, and one that exists twice
 *     (fall-back) to the earlier instant — what people mean by "01:30".
 *  3. `startOfLocalDay(at, zone) ≤ at < nextLocalMidnight(at, zone)`, both
 *     local midnights (or the first instant of the day when midnight is
 *     skipped by DST).
 */
import type { Millis } from '@stint/shared';

/** Calendar fields of a wall time; month 1–12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The wall time at instant `at` in `zone` (seconds resolution; milliseconds dropped). */
export function wallTimeAt(at: Millis, zone: string): WallTime {
  const parts = formatterFor(zone).formatToParts(at);
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    // Some engines print midnight as hour 24 with hourCycle h23 missing; normalise.
    hour: field('hour') % 24,
    minute: field('minute'),
    second: field('second'),
  };
}

/** Offset of `zone` from UTC at instant `at` (east positive): Madrid in summer → +7_200_000. */
export function zoneOffsetMs(at: Millis, zone: string): Millis {
  const wall = wallTimeAt(at, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const whole = at - (((at % 1000) + 1000) % 1000);
  return asUtc - whole;
}

/** The instant a wall time in `zone` denotes (invariant 2 for gaps and repeats). */
export function wallToUtc(wall: WallTime, zone: string): Millis {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // Candidates from the offsets in force around the naive instant; the
  // earliest that maps back to the same wall time wins (fall-back repeat).
  const offsets = [...new Set([zoneOffsetMs(naive - DAY, zone), zoneOffsetMs(naive, zone), zoneOffsetMs(naive + DAY, zone)])];
  const exact = offsets
    .map((offset) => naive - offset)
    .filter((at) => sameWall(wallTimeAt(at, zone), wall))
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // A wall time in a spring-forward gap: use the offset before the change, which lands after the gap.
  return naive - Math.min(...offsets);
}

/** Local calendar day of `at` in `zone` as `YYYY-MM-DD`. */
export function localDay(at: Millis, zone: string): string {
  const w = wallTimeAt(at, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The first instant of the local day containing `at`. */
export function startOfLocalDay(at: Millis, zone: string): Millis {
  const w = wallTimeAt(at, zone);
  return wallToUtc({ year: w.year, month: w.month, day: w.day, hour: 0, minute: 0, second: 0 }, zone);
}

/** The first instant of the next local day after the one containing `at`. */
export function nextLocalMidnight(at: Millis, zone: string): Millis {
  const w = wallTimeAt(at, zone);
  // Date.UTC rolls day 32 into the next month, so the calendar arithmetic is exact.
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return wallToUtc({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 }, zone);
}

/** ISO-8601 with the zone's offset at that instant: `2025-03-30T03:30:00+02:00` (whole seconds). */
export function toLocalIso(at: Millis, zone: string): string {
  const w = wallTimeAt(at, zone);
  const offsetMin = Math.round(zoneOffsetMs(at, zone) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * A `<input type="datetime-local">` value (`2025-03-30T09:15`, seconds
 * optional) read as wall time in `zone`, as ISO-8601 with that zone's
 * offset; undefined when the value is not such a time.
 */
export function localInputToIso(value: string, zone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day) return undefined; // 31 April and the like
  return toLocalIso(wallToUtc({ year, month, day, hour, minute, second }, zone), zone);
}

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The zone itself when Intl knows it, else UTC: a bad zone in one row must not break a whole report. */
export function knownZone(zone: string): string {
  try {
    formatterFor(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}
