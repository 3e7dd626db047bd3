/**
 * Time in shared/ is plain numbers: epoch milliseconds, UTC. Nothing here
 * reads a clock; `now` always comes in as an argument.
 */
export type Millis = number;

export const SECOND: Millis = 1_000;
export const MINUTE: Millis = 60 * SECOND;
export const HOUR: Millis = 60 * MINUTE;

/** Whole seconds of a duration; reports and API fields round down, storage never rounds. */
export function wholeSeconds(ms: Millis): number {
  return Math.floor(Math.max(0, ms) / SECOND);
}

/** ISO-8601 UTC with `Z`, the wire format of every timestamp. */
export function toIso(ms: Millis): string {
  return new Date(ms).toISOString();
}

export function toIsoOrNull(ms: Millis | null): string | null {
  return ms === null ? null : toIso(ms);
}

/** Parses an ISO-8601 timestamp; undefined when it is not one. */
export function parseIso(value: string): Millis | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
