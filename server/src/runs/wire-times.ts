/**
 * Rows stored inside JSON (audit old/new values) and error details carry
 * times as shared's epoch-ms numbers; on the wire every timestamp is
 * ISO-8601 UTC with Z (API.md "Conventions"). This converts them by name.
 *
 * Invariants:
 * 1. Only a finite number under a key ending in `_at` (or named
 *    `start_time` / `end_time`) is converted; every other value is kept as is.
 * 2. Nested objects and arrays are walked; the input is never mutated.
 */
import { toIso } from '@stint/shared';

export function wireTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireTimes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = isTimeKey(key) && typeof field === 'number' && Number.isFinite(field) ? toIso(field) : wireTimes(field);
  }
  return out;
}

/** `wireTimes` for a details record (keeps the record type). */
export function wireTimeDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return wireTimes(details) as Record<string, unknown>;
}

function isTimeKey(key: string): boolean {
  return key.endsWith('_at') || key === 'start_time' || key === 'end_time';
}
