/**
 * Splitting a work session into the local days of its own zone (DESIGN §3:
 * "store the worker's IANA zone with each session so reports can split by
 * local day"). A session from 22:00 to 02:00 counts 2 h on each day.
 *
 * Invariants:
 *  1. The pieces are contiguous, in order, cover [start, end) exactly, and
 *     their durations sum to end − start (never rounded here).
 *  2. Each piece lies within one local day of `zone`; days are named
 *     `YYYY-MM-DD` in that zone, so a 23 h or 25 h DST day is one day.
 *  3. An empty or inverted interval has no pieces (durations are never < 0).
 */
import type { Millis } from '@stint/shared';
import { knownZone, localDay, nextLocalMidnight } from './zone-time.ts';

export interface DayPiece {
  /** Local day in the session's zone, `YYYY-MM-DD`. */
  readonly day: string;
  readonly start: Millis;
  readonly end: Millis;
  readonly ms: Millis;
}

export function splitByLocalDay(start: Millis, end: Millis, zone: string): DayPiece[] {
  const tz = knownZone(zone);
  const pieces: DayPiece[] = [];
  let from = start;
  while (from < end) {
    const midnight = nextLocalMidnight(from, tz);
    // A zone whose next midnight does not advance would loop forever; end the piece at `end` instead.
    const to = midnight > from ? Math.min(midnight, end) : end;
    pieces.push({ day: localDay(from, tz), start: from, end: to, ms: to - from });
    from = to;
  }
  return pieces;
}
